-- expect: collectgarbage('stop') is not available in the Cordial sandbox
collectgarbage("stop")
local t = {}
for i = 1, 1e8 do t[i] = "x" .. i end
