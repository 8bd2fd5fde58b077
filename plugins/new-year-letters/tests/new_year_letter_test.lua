local test = require "cordial.test"
local cordial = require "cordial"
local audience = require "audience"

test.case("Vietnamese and Chinese customers still with us get the lunar new year letter", function()
  test.equal(audience.of("vi-VN", "active"), "lunar")
  test.equal(audience.of("zh", "lapsing"), "lunar")
end)

test.case("English-speaking customers get the season's greeting", function()
  test.equal(audience.of("en", "new"), "christmas")
end)

test.case("customers we lost or never sold to get no letter", function()
  test.equal(audience.of("vi", "lost"), nil)
  test.equal(audience.of("zh", "prospect"), nil)
  test.equal(audience.of("vi", nil), nil)
end)

test.case("the segment reads the customer's lifecycle label", function()
  -- A fixture customer has no labels yet: no letter.
  test.equal(test.classify("new-year-letter", test.customer { locale = "vi" }), nil)
end)

test.case("each locale keeps its own lunar new year", function()
  test.equal(cordial.calendar.holiday("lunar-new-year", 2026, "vi"), "2026-02-17")
  test.equal(cordial.calendar.holiday("lunar-new-year", 2026, "zh"), "2026-02-17")
  -- 2030: Tết falls a day before the Spring Festival (new moon near midnight, UTC+7 against UTC+8).
  test.equal(cordial.calendar.holiday("lunar-new-year", 2030, "vi"), "2030-02-02")
  test.equal(cordial.calendar.holiday("lunar-new-year", 2030, "zh"), "2030-02-03")
end)
