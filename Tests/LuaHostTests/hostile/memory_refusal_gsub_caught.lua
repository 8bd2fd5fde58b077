-- expect: memory limit of 32 MB exceeded
-- gsub's result buffer refused inside a pcall, then the script allocates again.
local s = string.rep("ab", 4 * 1024 * 1024)
local ok = pcall(string.gsub, s, "a", "aaaaaaaa")
local t = {}
for i = 1, 10 do t[i] = i end
return "survived"
