-- expect: __gc metamethods are not available in the Cordial sandbox
-- Lua runs finalizers with hooks disabled: a looping __gc could never be stopped.
setmetatable({}, { __gc = function() while true do end end })
collectgarbage("collect")
