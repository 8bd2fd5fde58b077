-- expect: memory limit of 32 MB exceeded at table_growth.lua
local t = {}
local i = 0
while true do
  i = i + 1
  t[i] = { i, tostring(i) }
end
