-- expect: memory limit of 64 MB exceeded at
-- a thousand references to one 1 MB string: a gigabyte once the host copies them
local cordial = require "cordial"
local s = string.rep("x", 1024 * 1024)
local t = {}
for i = 1, 1000 do t[i] = s end
local ok = pcall(cordial.json.encode, t)
return "survived"
