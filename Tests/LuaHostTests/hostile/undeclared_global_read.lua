-- expect: undefined global 'customr'
local function f() return customr.name end
f()
