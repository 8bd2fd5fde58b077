-- expect: time limit of 0.5 s exceeded at pattern_backtracking_gmatch.lua:4
-- one call of gmatch's iterator
local subject = string.rep("a", 35)
for word in subject:gmatch(string.rep("a?", 35) .. string.rep("a", 35) .. "b") do print(word) end
