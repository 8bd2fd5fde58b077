-- expect: survived a C stack overflow
-- pcall inside pcall until Lua's C-stack limit: an error each time, never a crash.
local function f() return pcall(f) end
f()
error("survived a C stack overflow")
