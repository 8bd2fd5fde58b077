-- expect: time limit of 0.5 s exceeded at pattern_backtracking_find.lua:4
-- a*a*a*...b against a's: the stock matcher backtracks for hours without running a Lua instruction
local subject = string.rep("a", 40)
return string.find(subject, string.rep("a*", 40) .. "b")
