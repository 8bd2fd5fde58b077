-- expect: time limit
-- A pending __close handler that loops runs on the coroutine's own thread when the
-- coroutine is closed: the limit must reach it there.
local co = coroutine.create(function()
  local guard <close> = setmetatable({}, { __close = function() while true do end end })
  coroutine.yield()
end)
coroutine.resume(co)
coroutine.close(co)
