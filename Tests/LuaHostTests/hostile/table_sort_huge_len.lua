-- expect: time limit of 0.5 s exceeded at table_sort_huge_len.lua:5
-- 2^31 - 2 equal elements sorted through C metamethods: no memory, no Lua instruction
local t = setmetatable({}, { __len = function() return (1 << 31) - 2 end,
                             __index = type, __newindex = rawequal })
table.sort(t)
