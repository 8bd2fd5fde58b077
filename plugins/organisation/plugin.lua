-- The organisation's rules across every care policy: how often a customer may be contacted,
-- and who may approve which campaign plans.
local cordial = require "cordial"

local plugin = cordial.plugin {
  name = "organisation",
  version = "1.0.0",
  api = 1,
  description = "Contact limits across every policy, and the authority levels for approving campaign plans",
}

-- One gift per customer in 90 days; at most two letters or calls in any week.
plugin:frequency_cap { form = "gift", count = 1, days = 90 }
plugin:frequency_cap { forms = { "letter", "call" }, count = 2, days = 7 }

-- Plans up to 20 million đồng and 500 customers go ahead; larger ones need a marketing
-- lead (up to 100 million and 2,000 customers) or a director.
plugin:approvals {
  currency = "VND",
  without_approval = { cost = 20000000, customers = 500 },
  levels = {
    { role = "marketing-lead", cost = 100000000, customers = 2000 },
    { role = "director" },
  },
}

return plugin
