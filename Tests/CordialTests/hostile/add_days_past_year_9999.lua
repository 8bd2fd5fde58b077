-- expect: cordial.dates.add_days: invalid 'days': expected an integer from -739982 to 2912442, got 2912443
-- One day past 9999-12-31: the largest count that still writes a date is allowed.
local cordial = require "cordial"
assert(cordial.dates.add_days("2026-01-01", 2912442) == "9999-12-31")
assert(cordial.dates.add_days("2026-01-01", -739982) == "0000-01-01")
cordial.dates.add_days("2026-01-01", 2912443)
