-- RFM: recency, frequency and monetary quintile scores (computed by the host as of the run's
-- date, among customers who bought) mapped onto the usual named groups by recency and
-- frequency. Customers who never bought get no label.
local cordial = require "cordial"
local groups = require "groups"

local plugin = cordial.plugin {
  name = "rfm",
  version = "1.0.0",
  api = 1,
  description = "RFM groups: champions, loyal, at risk, hibernating, …",
  permissions = {},
}

plugin:segment("rfm", {
  description = "Named groups on the recency × frequency grid of RFM quintile scores",
  labels = groups.labels,
  rfm = true,
}, function(c)
  local score = c.value.rfm
  if score == nil then return nil end
  return groups.of(score.r, score.f)
end)

return plugin
