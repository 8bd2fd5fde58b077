-- expect: memory limit of 32 MB exceeded
local t = {}
for i = 1, 3e6 do t[i] = "0123456789abcdef" end
return table.concat(t)
