-- expect: gets an error
local t = {}
for i = 1, 1e7 do t = { t } end
error("nested")
