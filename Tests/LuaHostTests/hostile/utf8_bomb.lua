-- expect: memory limit of 32 MB exceeded
local s = utf8.char(table.unpack((function() local t = {} for i = 1, 200 do t[i] = 0x4E2D end return t end)()))
local parts = {}
while true do parts[#parts + 1] = s .. #parts end
