-- expect: time limit of 0.5 s exceeded at table_move_huge.lua:3
-- 2^62 moves of nothing: no memory grows, no Lua instruction runs
table.move({}, 1, math.maxinteger // 2, 2)
