-- A New Year letter on each customer's own new year: Tết Nguyên Đán for Vietnamese customers
-- and the Spring Festival for Chinese ones (the lunar new year of their locale's calendar,
-- computed for Hanoi and Beijing, which in some years fall on different days), and a
-- season's greeting before Christmas for English-speaking customers.
local cordial = require "cordial"
local audience = require "audience"

local plugin = cordial.plugin {
  name = "new-year-letters",
  version = "1.0.0",
  api = 1,
  description = "New Year letters on the customer's own new year: Tết, the Spring Festival, or Christmas",
}

-- Who is written to, and for which new year (audience.lua).
plugin:segment("new-year-letter", {
  description = "lunar: Vietnamese and Chinese customers still with us; christmas: English-speaking ones",
  labels = { "lunar", "christmas" },
}, function(c) return audience.of(c.locale, c.segments.lifecycle) end)

plugin:policy("new-year-letters", {
  description = "A letter 10 days before the customer's lunar new year (Tết in Vietnam, the Spring Festival in China)",
  segment = "new-year-letter:lunar",
  currency = "VND",
  budget = { total = 30000000 },
  care = {
    { on = "holiday:lunar-new-year", lead_days = 10, letter = { template = "new-year", channel = "email" } },
  },
})

plugin:policy("season-letters", {
  description = "A season's greeting 10 days before Christmas",
  segment = "new-year-letter:christmas",
  currency = "VND",
  care = {
    { on = "holiday:christmas", lead_days = 10, letter = { template = "season", channel = "email" } },
  },
})

return plugin
