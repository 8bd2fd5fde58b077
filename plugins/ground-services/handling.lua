-- How the ground-services team handles a case, as plain decisions on plain values, so that
-- the tests can check them without a store: plugin.lua's hooks turn them into changes.
local handling = {}

-- Severities a supervisor takes from the start.
local escalated_severities = { high = true, critical = true }

-- Tiers whose complaints a supervisor takes whatever their severity.
local priority_tiers = { gold = true, platinum = true }

-- The team a new complaint goes to, and why; nil when the agents on the desk keep it.
function handling.route(case, tier)
  if case.kind ~= "complaint" then return nil end
  if escalated_severities[case.severity] then
    return { team = "supervisors", note = case.severity .. " complaint: a supervisor handles it from the start" }
  end
  if tier and priority_tiers[tier] then
    return { team = "supervisors", note = tier .. " passenger: a supervisor handles it from the start" }
  end
  if case.category:find("^special%-assistance") then
    return { team = "airport", note = "special assistance: the airport desk handles it" }
  end
  return nil
end

-- The escalation of a clock that ran late: a missed first contact or resolution goes to the
-- supervisors (and a second miss on the supervisors' own case to the duty manager); a
-- missed callback stays with its owner, with a note.
function handling.escalation(case, breach)
  local late = string.format("%s clock %d min late (standard %s)", breach.clock, breach.late_minutes, breach.standard)
  if breach.clock == "callback" then
    return { note = late .. ": call the passenger back today" }
  end
  if case.team == "supervisors" then
    return { team = "duty-managers", note = late .. ": escalated to the duty manager" }
  end
  return { team = "supervisors", note = late .. ": escalated to the supervisors" }
end

-- Service recovery once a complaint is resolved: an apology letter now, and a callback by
-- an agent the next day to check that the solution held (the callback standard's "1 to 2
-- days after"). A critical complaint also gets a lounge pass.
function handling.recovery(case, event)
  if case.kind ~= "complaint" or case.customer == nil then return nil end
  if event.action ~= "status" or event.to ~= "resolved" then return nil end
  local care = {
    letter = { template = "apology", channel = "email" },
    call = { role = "agent", script = "Callback on " .. "FB-" .. case.id .. ": did the solution hold? Ask for a CSAT of 1 to 5.", after_days = 1 },
  }
  if case.severity == "critical" then
    care.gift = { catalog = "recovery", item = "lounge-pass" }
  end
  return care
end

return handling
