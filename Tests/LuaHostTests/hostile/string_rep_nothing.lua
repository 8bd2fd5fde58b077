-- expect: nothing repeated
-- the stock string.rep copies zero bytes 2^63 times
local s = string.rep("", math.maxinteger)
local t = string.rep("", math.maxinteger, "")
assert(s == "" and t == "")
error("nothing repeated")
