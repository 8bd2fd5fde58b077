-- expect: memory limit of 64 MB exceeded at
-- changes queued until the script ends are held by the host: they count against the cap
local cordial = require "cordial"
local note = string.rep("n", 10000)
for i = 1, 1000000 do cordial.customers.update(i, { attributes = { note = note }, add_tags = { "t" .. i } }) end
return "survived"
