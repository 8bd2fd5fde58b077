-- expect: no customer -9223372036854775808
-- a visit for the smallest integer as customer id: refused at its line, no overflow in the lookup
local cordial = require "cordial"
local campaign = cordial.campaign { name = "hostile-visits" }
campaign:visit { customer = math.mininteger, occasion = "x:1", date = "2025-05-01", role = "account-manager", minutes = 0 / 0, within = math.maxinteger }
return "survived"
