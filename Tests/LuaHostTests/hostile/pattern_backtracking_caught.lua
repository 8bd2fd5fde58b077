-- expect: time limit of 0.5 s exceeded at pattern_backtracking_caught.lua:5
-- the limit stops the matcher, and a pcall around it cannot carry on: the next line is stopped too
local subject = string.rep("a", 40)
local ok = pcall(string.match, subject, string.rep(".-", 40) .. "b")
return "survived"
