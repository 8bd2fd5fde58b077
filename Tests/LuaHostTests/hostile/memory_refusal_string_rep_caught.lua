-- expect: memory limit of 32 MB exceeded at memory_refusal_string_rep_caught.lua:4
-- A buffer the cap refuses raises "not enough memory" at once (lauxlib does not retry):
-- catching it must not let the script go on.
local ok, message = pcall(string.rep, "x", 40 * 1024 * 1024)
return "survived: " .. tostring(message)
