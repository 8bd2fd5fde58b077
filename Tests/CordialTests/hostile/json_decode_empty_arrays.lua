-- expect: memory limit of 64 MB exceeded at
-- 18 MB of empty arrays: six million tables (654 MB in the host before it was counted)
local cordial = require "cordial"
local text = "[" .. string.rep("[],", 6 * 1024 * 1024) .. "[]]"
local ok = pcall(cordial.json.decode, text)
return "survived"
