-- expect: attempt to modify a read-only table with rawset
local host = require "host"
rawset(host, "secret", "changed")
