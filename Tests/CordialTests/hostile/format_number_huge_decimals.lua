-- expect: formatted: 1.5000000000
local cordial = require "cordial"
error("formatted: " .. cordial.format.number(1.5, "en", math.maxinteger), 0)
