-- expect: cannot change a protected metatable
setmetatable(getmetatable(""), {})
