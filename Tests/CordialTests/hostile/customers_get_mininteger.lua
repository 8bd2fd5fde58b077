-- expect: found: nil nil nil
-- Store ids are positive: the smallest, zero and a negative integer name no customer.
local cordial = require "cordial"
error("found: " .. tostring(cordial.customers.get(math.mininteger)) .. " " .. tostring(cordial.customers.get(0))
  .. " " .. tostring(cordial.customers.get(-1)), 0)
