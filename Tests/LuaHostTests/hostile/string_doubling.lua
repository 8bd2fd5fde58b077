-- expect: memory limit of 32 MB exceeded at string_doubling.lua
local s = "x"
while true do s = s .. s end
