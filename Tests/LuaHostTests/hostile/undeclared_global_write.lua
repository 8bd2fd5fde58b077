-- expect: assignment to undeclared global 'leak'
local function f() leak = 1 end
f()
