local test = require "cordial.test"
local handling = require "handling"

-- Routing a new case.
test.case("a high or critical complaint goes to the supervisors", function()
  local route = handling.route({ kind = "complaint", severity = "high", category = "delay/departure" }, nil)
  test.equal(route.team, "supervisors")
  test.equal(handling.route({ kind = "complaint", severity = "critical", category = "baggage/lost" }, "silver").team, "supervisors")
end)

test.case("a gold or platinum passenger's complaint goes to the supervisors whatever its severity", function()
  test.equal(handling.route({ kind = "complaint", severity = "low", category = "lounge/food" }, "gold").team, "supervisors")
  test.equal(handling.route({ kind = "complaint", severity = "medium", category = "lounge/food" }, "platinum").team, "supervisors")
end)

test.case("special assistance goes to the airport desk; other complaints stay on the desk", function()
  test.equal(handling.route({ kind = "complaint", severity = "medium", category = "special-assistance/wheelchair" }, nil).team, "airport")
  test.equal(handling.route({ kind = "complaint", severity = "medium", category = "check-in/queue" }, "silver"), nil)
  test.equal(handling.route({ kind = "question", severity = "critical", category = "delay/departure" }, "gold"), nil)
end)

-- The supervisor escalation rule.
test.case("a late first contact or resolution is escalated one level", function()
  local breach = { clock = "first-contact", late_minutes = 35, standard = "urgent-complaints" }
  local up = handling.escalation({ team = nil }, breach)
  test.equal(up.team, "supervisors")
  test.truthy(up.note:find("35 min late", 1, true) ~= nil, up.note)
  test.equal(handling.escalation({ team = "supervisors" }, { clock = "resolution", late_minutes = 90, standard = "complaints" }).team, "duty-managers")
end)

test.case("a late callback stays with its owner, with a note", function()
  local late = handling.escalation({ team = "airport" }, { clock = "callback", late_minutes = 600, standard = "complaints" })
  test.equal(late.team, nil)
  test.truthy(late.note:find("call the passenger back today", 1, true) ~= nil)
end)

-- Service recovery.
test.case("a resolved complaint gets an apology letter now and a callback the next day", function()
  local care = handling.recovery({ id = 7, kind = "complaint", severity = "medium", customer = 3 }, { action = "status", from = "agreed", to = "resolved" })
  test.equal(care.letter.template, "apology")
  test.equal(care.call.after_days, 1)
  test.equal(care.gift, nil)
  test.equal(handling.recovery({ id = 7, kind = "complaint", severity = "critical", customer = 3 }, { action = "status", to = "resolved" }).gift.item, "lounge-pass")
end)

test.case("no recovery for other steps, other kinds, or an anonymous contact", function()
  test.equal(handling.recovery({ id = 7, kind = "complaint", customer = 3 }, { action = "status", to = "investigating" }), nil)
  test.equal(handling.recovery({ id = 7, kind = "compliment", customer = 3 }, { action = "status", to = "resolved" }), nil)
  test.equal(handling.recovery({ id = 7, kind = "complaint", customer = nil }, { action = "status", to = "resolved" }), nil)
end)

-- The hooks themselves, run as the host runs them on a fixture case.
test.case("the created hook assigns a gold passenger's complaint to the supervisors", function()
  local id = test.customer { tier = "gold" }
  local asked = test.hook("feedback.created", { customer = id, kind = "complaint", severity = "low", category = "lounge/food" })
  test.equal(#asked.changes, 1)
  test.equal(asked.changes[1].action, "assign")
  test.equal(asked.changes[1].team, "supervisors")
  test.equal(#asked.recovery, 0)
end)

test.case("the updated hook plans the apology and the callback in the recovery campaign, keyed by the case", function()
  test.today("2025-03-10")
  local id = test.customer { locale = "vi" }
  local asked = test.hook("feedback.updated", { id = 42, customer = id, kind = "complaint", status = "resolved" },
    { action = "status", from = "agreed", to = "resolved" })
  test.equal(#asked.changes, 0)
  test.equal(#asked.recovery, 2)
  local forms = {}
  for _, action in ipairs(asked.recovery) do forms[action.form] = action end
  test.equal(forms.letter.template, "apology")
  test.equal(forms.letter.campaign, "ground-recovery")
  test.equal(forms.letter.occasion, "case-42")
  test.equal(forms.letter.date, "2025-03-10")
  test.equal(forms.call.date, "2025-03-11")
  test.equal(forms.call.role, "agent")
end)

test.case("the breached hook escalates a late first contact", function()
  local asked = test.hook("feedback.breached", { kind = "complaint", severity = "high" },
    { clock = "first-contact", late_minutes = 20, standard = "urgent-complaints" })
  test.equal(asked.changes[1].team, "supervisors")
end)
