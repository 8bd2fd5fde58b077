-- expect: attempt to modify read-only table 'host.limits' (key 'budget')
local host = require "host"
host.limits.budget = 1e9
