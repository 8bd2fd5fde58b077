-- expect: attempt to load a binary chunk
local f, why = load("\27LuaT\0\25\147\13\10\26\10", nil, "t")
error(why, 0)
