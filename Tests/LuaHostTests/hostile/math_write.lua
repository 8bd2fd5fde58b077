-- expect: attempt to modify read-only table 'math'
table.insert(math, 1)
math.random = function() return 4 end
