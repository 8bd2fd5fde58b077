-- expect: time limit of 0.5 s exceeded
-- A message handler that loops on an ordinary error is stopped like any loop.
xpcall(function() error("boom") end, function() local n = 0 while true do n = n + 1 end end)
