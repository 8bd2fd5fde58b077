-- expect: pattern too complex
-- Lua 5.4.4 leaves a gmatch iterator's recursion budget spent after "pattern too complex":
-- the next call recursed without bound and the process died (segfault)
local n = 200000
local it = string.rep("a", n):gmatch(string.rep("a?", n))
local first = pcall(it)
it()
