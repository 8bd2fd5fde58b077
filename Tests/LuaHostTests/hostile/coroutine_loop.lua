-- expect: time limit of 0.5 s exceeded at coroutine_loop.lua:3
local co = coroutine.create(function()
  while true do end
end)
print(coroutine.resume(co))
while true do end
