-- expect: memory limit of 32 MB exceeded
-- gsub's result buffer refused inside a pcall, then the script allocates again.
local s = string.rep("ab", 4 * 1024 * 1024)
local ok = pcall(string.gsub, s, "a", string.rep("a", 256))  -- 256 bytes a match: past the cap within 130,000 matches
local t = {}
for i = 1, 10 do t[i] = i end
return "survived"
