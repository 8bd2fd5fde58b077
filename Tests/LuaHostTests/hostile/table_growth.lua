-- expect: memory limit of 32 MB exceeded at table_growth.lua
-- Each entry holds a fresh 64 KB, so the cap is reached in milliseconds, not racing the time limit.
local block = string.rep("x", 1024)
local t = {}
local i = 0
while true do
  i = i + 1
  t[i] = { i, block:rep(64) .. i }
end
