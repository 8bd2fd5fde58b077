-- The organisation's rules across every care policy: how often a customer may be contacted,
-- who may approve which campaign plans, and how letters are signed and sent.
local cordial = require "cordial"

local plugin = cordial.plugin {
  name = "organisation",
  version = "1.0.0",
  api = 1,
  description = "Contact limits across every policy, approval levels for campaign plans, and how letters are signed",
}

-- Letters: signed by the organisation; a customer whose language has no template gets the
-- Vietnamese one (most of our customers write Vietnamese).
plugin:letters {
  organisation = "Sen Vàng",
  sender = "Sen Vàng - Chăm sóc khách hàng <cskh@senvang.example>",
  default_locale = "vi",
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
