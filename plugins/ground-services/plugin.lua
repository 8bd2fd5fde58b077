-- Ground services: how an airline's ground-services team files and handles what passengers
-- tell it. The taxonomy below is what staff file feedback under (`cordial feedback add
-- --category baggage/delayed`) and what reports count (a category with those under it); the
-- service standards time each case on the team's working hours (`cordial feedback breaches`);
-- the hooks at the end route new complaints, escalate late ones and plan the apology and the
-- callback once a complaint is resolved (`handling.lua` holds the decisions, tested in
-- tests/handling_test.lua).
local cordial = require "cordial"
local handling = require "handling"

local plugin = cordial.plugin {
  name = "ground-services",
  version = "1.0.0",
  api = 1,
  description = "Complaint handling for an airline ground-services team: categories, causes, authority, working hours, service standards, routing, escalation, recovery",
  permissions = { "customers.read", "feedback.write", "campaigns.plan" },
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

-- Where the causes lie, for the cause-and-effect view of `cordial feedback report`.
plugin:cause_families {
  people = { "staff", "special-assistance" },
  process = { "delay", "check-in", "boarding", "baggage/fees" },
  equipment = { "baggage/delayed", "baggage/lost", "baggage/damaged", "information/app" },
  environment = { "lounge", "information/announcements", "information/signage" },
}

-- Who may grant what to a passenger who complained, per case in all: an agent an apology
-- gift or a voucher up to 500.000 ₫, a supervisor more and a partial refund, a manager
-- anything (refunds included).
plugin:feedback_authority {
  currency = "VND",
  levels = {
    { role = "agent", forms = { "apology-gift", "voucher" }, up_to = 500000 },
    { role = "supervisor", forms = { "apology-gift", "voucher", "lounge-pass", "partial-refund" }, up_to = 5000000 },
    { role = "manager" },
  },
}

-- The care office keeps office hours and closes for Tết and the national holidays; the
-- airport desk is open every day from early to late.
plugin:business_hours {
  time_zone = "Asia/Ho_Chi_Minh",
  hours = { ["mon-fri"] = { "08:00-12:00", "13:00-17:30" }, sat = { "08:00-12:00" } },
  calendar = "vi",
  closed = {
    { holiday = "lunar-new-year", before = 1, after = 4 },
    "hung-kings", "reunification-day", "labour-day", "national-day",
  },
  teams = { airport = { hours = { ["mon-sun"] = { "05:00-23:00" } } } },
}

-- Contact the passenger within one working hour of a report; solve it within two business
-- days; call back one to two days after it is solved.
plugin:feedback_sla("urgent-complaints", {
  kind = "complaint", severity = { "high", "critical" },
  first_contact = "1h",
  resolution = "2bd",
  callback = { after = "1d", within = "2d" },
})

plugin:feedback_sla("complaints", {
  kind = "complaint",
  first_contact = "4h",
  resolution = "5bd",
  callback = { after = "1d", within = "3d" },
})

plugin:feedback_sla("questions", {
  kind = { "question", "suggestion" },
  first_contact = "1bd",
})

-- Service recovery is a campaign of its own: its budget holds across every case.
plugin:recovery {
  campaign = "ground-recovery",
  currency = "VND",
  budget = { total = 50000000, per_customer = 1500000 },
}

-- A new complaint: high and critical ones, and those of gold and platinum passengers, go to
-- the supervisors' queue at once.
plugin:on("feedback.created", function(case)
  local tier
  if case.customer then
    local customer = cordial.customers.get(case.customer)
    tier = customer and customer.tier
  end
  local route = handling.route(case, tier)
  if route then case:assign(route) end
end)

-- A clock past its deadline: the supervisor escalation rule.
plugin:on("feedback.breached", function(case, breach)
  local escalation = handling.escalation(case, breach)
  if escalation.team then
    case:assign(escalation)
  else
    case:note(escalation.note)
  end
end)

-- A complaint resolved: the apology letter and the callback, planned once per case in the
-- recovery campaign (a case resolved, reopened and resolved again gets them once).
plugin:on("feedback.updated", function(case, event)
  local care = handling.recovery(case, event)
  if care then case:recover(care) end
end)

return plugin
