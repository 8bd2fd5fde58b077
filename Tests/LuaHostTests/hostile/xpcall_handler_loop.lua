-- expect: time limit of 0.5 s exceeded
-- The message handler itself loops.
xpcall(function() error("boom") end, function() while true do end end)
while true do end
