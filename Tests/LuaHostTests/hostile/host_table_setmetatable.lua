-- expect: cannot change a protected metatable
local host = require "host"
setmetatable(host, nil)
