-- expect: time limit of 0.5 s exceeded at pcall_loop.lua
-- A script that catches the time limit and tries to carry on.
while true do
  pcall(function() while true do end end)
end
