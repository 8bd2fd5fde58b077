-- expect: stack overflow
-- Fills the Lua stack (string.byte pushes one value per byte) and calls a host function
-- that builds a deeply nested table: the host's pushes need room of their own.
local cordial = require "cordial"
local s = string.rep("a", 999900)
cordial.json.decode(string.rep("[", 90) .. string.rep("]", 90), string.byte(s, 1, -1))
