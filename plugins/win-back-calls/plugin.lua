-- A call each quarter to valuable customers the value models say have probably stopped
-- buying — repeat customers in the top two spend quintiles whose P(alive) fell below 0.3 —
-- by an agent of the care team, with the script below.
local cordial = require "cordial"

local plugin = cordial.plugin {
  name = "win-back-calls",
  version = "1.0.0",
  api = 1,
  description = "A quarterly call from the care team to valuable customers who have probably stopped buying",
}

-- Below this P(alive), a customer has probably stopped buying.
local gone = 0.3

plugin:segment("win-back", {
  description = "call: repeat customers in the top two spend quintiles whose P(alive) is below 0.3",
  labels = { "call" },
  value = true,  -- the value fit's figures in c.value
}, function(c)
  local v = c.value
  if v.p_alive == nil or v.rfm == nil then return nil end
  if c.purchases.count >= 2 and v.rfm.m >= 4 and v.p_alive < gone then return "call" end
  return nil
end)

plugin:policy("win-back-calls", {
  description = "A call on the 5th of each quarter's first month by a care agent",
  segment = "win-back:call",
  currency = "VND",
  budget = { total = 20000000, per_customer = 100000 },
  care = {
    { every = "quarter", day = 5, call = {
        role = "care-agent",
        cost = 25000,
        script = "Greet the customer by name and thank them for their past orders. Ask how they have been "
          .. "and whether anything about our service disappointed them; listen, and note the reason. "
          .. "Offer the returning-customer voucher, and ask whether we may write to them about new arrivals.",
    } },
  },
})

return plugin
