-- expect: time limit
-- coroutine.wrap closes a coroutine that died of an error, running its __close handlers.
local f = coroutine.wrap(function()
  local guard <close> = setmetatable({}, { __close = function() while true do end end })
  error("boom")
end)
print(pcall(f))
