-- Care priority from the value models (`cordial value fit`): whom to keep close, whom to
-- grow, whom to win back. Uses the fit's P(alive) and RFM monetary quintile, so the
-- thresholds hold in any currency.
local cordial = require "cordial"

local plugin = cordial.plugin {
  name = "care-priority",
  version = "1.0.0",
  api = 1,
  description = "Care priority from P(alive) and spend: keep-close, grow, watch, win-back, dormant",
}

-- P(alive) at or above `likely` counts as still buying; below `unlikely`, probably gone.
local likely, unlikely = 0.7, 0.3

plugin:segment("care-priority", {
  description = "keep-close and grow: probably still buying, big or smaller spenders; win-back: big spenders probably gone",
  labels = { "keep-close", "grow", "watch", "win-back", "dormant" },
  value = true,  -- load the value fit's figures into c.value
}, function(c)
  local v = c.value
  -- No fit yet, or no purchase by the fit's end date: no priority.
  if v.p_alive == nil or v.rfm == nil then return nil end
  local big = v.rfm.m >= 4  -- top two spend quintiles
  if v.p_alive >= likely then return big and "keep-close" or "grow" end
  if v.p_alive < unlikely then return big and "win-back" or "dormant" end
  return "watch"
end)

return plugin
