-- expect: cordial.format.pad: invalid 'width': expected 0 to 1000, got 9223372036854775807
local cordial = require "cordial"
cordial.format.pad("x", math.maxinteger)
