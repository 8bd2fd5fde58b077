-- expect: exceeded at table_concat_huge_range.lua:4
-- every element is type(t, i) == "table": the memory cap or the time limit ends it, whichever comes first
local t = setmetatable({}, { __index = type })
local s = table.concat(t, "", 1, math.maxinteger // 2)
