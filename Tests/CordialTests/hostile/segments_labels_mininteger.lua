-- expect: labels: 0
local cordial = require "cordial"
local n = 0
for _ in pairs(cordial.segments.labels(math.mininteger)) do n = n + 1 end
error("labels: " .. n, 0)
