-- Ground services: how an airline's ground-services team files and handles what passengers
-- tell it. The taxonomy below is what staff file feedback under (`cordial feedback add
-- --category baggage/delayed`) and what reports count (a category with those under it).
local cordial = require "cordial"

local plugin = cordial.plugin {
  name = "ground-services",
  version = "1.0.0",
  api = 1,
  description = "Complaint handling for an airline ground-services team: categories of feedback",
  permissions = {},
}

plugin:feedback_categories {
  delay = { "departure", "arrival", "connection" },
  baggage = { "delayed", "lost", "damaged", "fees" },
  ["check-in"] = { "queue", "documents", "seat", "online" },
  boarding = { "gate-change", "queue", "priority" },
  staff = { "attitude", "knowledge", "language" },
  ["special-assistance"] = { "wheelchair", "unaccompanied-minor", "medical" },
  lounge = { "access", "food", "cleanliness" },
  information = { "announcements", "signage", "app" },
}

return plugin
