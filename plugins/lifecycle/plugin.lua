-- Lifecycle: where each customer stands in the relationship, by the days since their
-- first and last purchase. The thresholds live in thresholds.lua.
local cordial = require "cordial"
local thresholds = require "thresholds"

local plugin = cordial.plugin {
  name = "lifecycle",
  version = "1.0.0",
  api = 1,
  description = "Prospect, new, active, lapsing and lost customers by days since purchase",
  permissions = {},
}

plugin:segment("lifecycle", {
  description = "new: first purchase in the last " .. thresholds.new_days .. " days; active: bought in the last "
    .. thresholds.active_days .. "; lapsing: in the last " .. thresholds.lapsing_days .. "; lost: longer ago",
  labels = { "prospect", "new", "active", "lapsing", "lost" },
}, function(c)
  local p = c.purchases
  if p.count == 0 then return "prospect" end
  local since_last = p.days_since_last
  if since_last > thresholds.lapsing_days then return "lost" end
  if since_last > thresholds.active_days then return "lapsing" end
  if cordial.dates.days_between(p.first, cordial.dates.today()) <= thresholds.new_days then return "new" end
  return "active"
end)

return plugin
