-- expect: time limit
-- The kill inside the closed coroutine is fatal in the closer too: pcall cannot carry on.
local co = coroutine.create(function()
  local guard <close> = setmetatable({}, { __close = function() while true do end end })
  coroutine.yield()
end)
coroutine.resume(co)
pcall(coroutine.close, co)
while true do end
