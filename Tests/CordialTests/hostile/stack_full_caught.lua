-- expect: caught: stack overflow
-- The same under pcall: running out of stack is an ordinary Lua error.
local cordial = require "cordial"
local s = string.rep("a", 999900)
local ok, message = pcall(cordial.json.decode, string.rep("[", 90) .. string.rep("]", 90), string.byte(s, 1, -1))
error("caught: " .. tostring(message), 0)
