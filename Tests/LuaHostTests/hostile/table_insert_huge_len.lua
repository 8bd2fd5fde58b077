-- expect: time limit of 0.5 s exceeded at table_insert_huge_len.lua:5
-- a table that claims 2^62 elements, read and written by C functions (no Lua runs)
local t = setmetatable({}, { __len = function() return math.maxinteger // 2 end,
                             __index = rawequal, __newindex = rawequal })
table.insert(t, 1, "first")
