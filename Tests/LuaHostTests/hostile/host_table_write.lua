-- expect: attempt to modify read-only table 'host' (key 'secret')
local host = require "host"
host.secret = "changed"
