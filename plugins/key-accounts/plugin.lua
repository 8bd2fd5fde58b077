-- Key accounts: once a quarter an account manager visits each of the customers worth the
-- most (the value fit's lifetime value), in the customer's own city or region, on a day
-- they work and are free, never two visits at once (a 45-minute travel buffer). When the
-- managers cannot see everyone, the most valuable are seen first and the plan lists the
-- others with the reason.
local cordial = require "cordial"

local plugin = cordial.plugin {
  name = "key-accounts",
  version = "1.0.0",
  api = 1,
  description = "A quarterly visit by an account manager to the most valuable customers",
}

plugin:policy("quarterly-visits", {
  description = "An account manager's visit in the first 60 days of each quarter, for the 60 customers with the highest lifetime value",
  segments = { "care-priority:keep-close", "care-priority:grow" },
  most_valuable = 60,
  currency = "VND",
  budget = { total = 60000000, per_customer = 1200000 },
  care = {
    -- own_manager: a customer whose `account_manager` attribute names a staff id is visited
    -- by that manager when they are free.
    { every = "quarter", day = 1,
      visit = { role = "account-manager", minutes = 90, within = 60, buffer = 45, own_manager = true, cost = 300000 } },
  },
})

return plugin
