-- expect: attempt to modify read-only table 'string metatable'
getmetatable("").__index = function() return "hijacked" end
