-- A birthday gift and a greeting for the customers we keep close: those the value models
-- say are still buying and spend the most (care-priority), and RFM champions. The gift is
-- chosen per customer (gifts.lua); the budget holds per customer, per month and in all.
local cordial = require "cordial"
local gifts = require "gifts"

local plugin = cordial.plugin {
  name = "birthday-gifts",
  version = "1.0.0",
  api = 1,
  description = "A birthday gift a week ahead and a greeting on the day, for the customers we keep close",
}

-- The limits across every policy (one gift in 90 days, two letters or calls a week) are the
-- organisation plugin's.
plugin:policy("birthday-gifts", {
  description = "Gift from the birthday catalog 7 days before the birthday; a greeting letter on the day",
  segments = { "care-priority:keep-close", "rfm:champions" },
  currency = "VND",
  budget = { total = 150000000, per_customer = 1500000, per_period = { amount = 40000000, days = 30 } },
  care = {
    { on = "birthday", lead_days = 7, gift = { catalog = "birthday", max_cost = 1200000, choose = gifts.choose } },
    { on = "birthday", letter = "birthday" },
  },
})

return plugin
