-- expect: time limit of 0.5 s exceeded at pattern_backreference.lua:4
-- a back reference compares a long capture at every position: quadratic in the subject
local subject = string.rep("a", 4 * 1024 * 1024) .. "b"
return subject:find("(a*)%1c")
