-- expect: time limit of 0.5 s exceeded
-- The resumer catches the coroutine's failure and loops on.
while true do
  local co = coroutine.wrap(function() while true do coroutine.yield() end end)
  pcall(function() while true do co() end end)
end
