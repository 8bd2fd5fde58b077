-- expect: time limit of 0.5 s exceeded
error(setmetatable({}, { __tostring = function() while true do end end }))
