-- expect: cordial.dates.add_days: invalid 'days': expected an integer from
local cordial = require "cordial"
cordial.dates.add_days("2026-01-01", math.maxinteger)
