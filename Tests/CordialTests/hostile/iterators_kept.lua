-- expect: memory limit of 64 MB exceeded at
-- every iterator is a Swift function; kept, they count against the cap
local cordial = require "cordial"
local kept = {}
for i = 1, 1000000 do kept[i] = cordial.customers.batches(10) end
return "survived"
