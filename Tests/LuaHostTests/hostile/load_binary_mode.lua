-- expect: binary chunks are not available in the Cordial sandbox
local f, why = load("\27Lua", nil, "b")
error(why, 0)
