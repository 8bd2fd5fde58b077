-- expect: time limit of 0.5 s exceeded at infinite_loop.lua:2
while true do end
