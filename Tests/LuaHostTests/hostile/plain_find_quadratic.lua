-- expect: quadratic-free
-- a plain find whose stock worst case is the product of the lengths (minutes here)
local haystack = string.rep("a", 2 * 1024 * 1024)
local needle = string.rep("a", 1024 * 1024) .. "b"
local found = string.find(haystack, needle, 1, true)
local also = haystack:find(needle)  -- no special characters: the plain search too
assert(found == nil and also == nil)
error("quadratic-free")
