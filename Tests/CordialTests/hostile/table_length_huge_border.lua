-- expect: the host read it
-- a table whose border is 2^44: the host reserved that many slots before copying and aborted
local cordial = require "cordial"
local parts = { "return {1,2,3,4,5,[6]=6" }
local k = 10
while k <= 2^45 do parts[#parts + 1] = ",[" .. math.tointeger(k) .. "]=1"; k = k * 2 end
local t = load(table.concat(parts) .. "}")()
assert(#t > 1 << 40)
pcall(cordial.json.encode, t)
error("the host read it")
