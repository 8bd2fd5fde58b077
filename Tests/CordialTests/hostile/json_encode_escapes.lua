-- expect: memory limit of 64 MB exceeded at
-- control characters take six bytes each in JSON: 8 MB of them would be a 48 MB text, twice
local cordial = require "cordial"
local s = string.rep("\1", 8 * 1024 * 1024)
return cordial.json.encode({ s, s })
