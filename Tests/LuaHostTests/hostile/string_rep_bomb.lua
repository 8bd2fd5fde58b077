-- expect: memory limit of 32 MB exceeded at string_rep_bomb.lua:2
local s = string.rep("x", 1e9)
