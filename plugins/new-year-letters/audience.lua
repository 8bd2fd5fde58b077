-- Which new year letter a customer gets: the lunar one for Vietnamese and Chinese customers,
-- the season's greeting for English-speaking ones; none for customers we lost or never sold
-- to (their lifecycle label from the segment run before).
local writing = { active = true, lapsing = true, new = true }

local function of(locale, lifecycle)
  if not writing[lifecycle] then return nil end
  local language = (locale or ""):sub(1, 2)
  if language == "vi" or language == "zh" then return "lunar" end
  if language == "en" then return "christmas" end
  return nil
end

return { of = of }
