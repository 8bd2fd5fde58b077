-- expect: C stack overflow
-- time limit: 5
-- Lua 5.4.4 bug (fixed in 5.4.6): closing a chain of coroutines whose __close handlers close
-- the previous one is not counted against the C stack and overflows it (a segfault).
local closer = { __close = function(guard) if guard.inner then assert(coroutine.close(guard.inner)) end end }
local function body(inner)
  local guard <close> = setmetatable({ inner = inner }, closer)
  coroutine.yield()
end
local previous
for _ = 1, 20000 do
  local co = coroutine.create(body)
  coroutine.resume(co, previous)
  previous = co
end
assert(coroutine.close(previous))
