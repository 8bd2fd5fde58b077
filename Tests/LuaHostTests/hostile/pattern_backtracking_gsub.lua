-- expect: time limit of 0.5 s exceeded at pattern_backtracking_gsub.lua:4
-- gsub tries the pattern at every position of the subject
local subject = string.rep("x", 30) .. string.rep("ab", 30)
return (subject:gsub(string.rep("[ab]*", 30) .. "c", "y"))
