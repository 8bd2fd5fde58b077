local test = require "cordial.test"

test.today("2026-03-01")

test.case("a customer without purchases is a prospect", function()
  test.equal(test.classify("lifecycle", test.customer {}), "prospect")
end)

test.case("a first purchase within 30 days is new", function()
  local id = test.customer { purchases = { { date = "2026-02-10", amount = 250000 } } }
  test.equal(test.classify("lifecycle", id), "new")
end)

test.case("an older customer who bought within 90 days is active", function()
  local id = test.customer { purchases = {
    { date = "2025-06-01", amount = 100000 }, { date = "2026-01-15", amount = 80000 } } }
  test.equal(test.classify("lifecycle", id), "active")
end)

test.case("91 to 365 days since the last purchase is lapsing", function()
  test.equal(test.classify("lifecycle", test.customer { purchases = { { days_ago = 91, amount = 1 } } }), "lapsing")
  test.equal(test.classify("lifecycle", test.customer { purchases = { { days_ago = 365, amount = 1 } } }), "lapsing")
end)

test.case("more than a year since the last purchase is lost", function()
  test.equal(test.classify("lifecycle", test.customer { purchases = { { days_ago = 366, amount = 1 } } }), "lost")
end)

test.case("the boundaries belong to the fresher stage", function()
  test.equal(test.classify("lifecycle", test.customer { purchases = {
    { days_ago = 400, amount = 1 }, { days_ago = 90, amount = 1 } } }), "active")
  test.equal(test.classify("lifecycle", test.customer { purchases = { { days_ago = 30, amount = 1 } } }), "new")
end)
