-- expect: stack overflow
-- Fills the Lua stack with nearly a million values (string.byte pushes one per byte), then
-- calls a host function with them: the host needs stack space of its own.
local host = require "host"
local s = string.rep("a", 999000)
host.call(function() end, string.byte(s, 1, -1))
