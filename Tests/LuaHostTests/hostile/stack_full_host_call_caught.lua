-- expect: caught: stack overflow
-- The same, under pcall: running out of stack is an ordinary Lua error, which a script may catch.
local host = require "host"
local s = string.rep("a", 999000)
local ok, message = pcall(host.call, function() end, string.byte(s, 1, -1))
error("caught: " .. tostring(message))
