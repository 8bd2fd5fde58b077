local test = require "cordial.test"

test.today("2025-01-15")

local function customer(p_alive, m)
  return test.customer { value = { p_alive = p_alive, clv = 1000000, rfm = { r = 3, f = 3, m = m } } }
end

test.case("big spenders still buying are kept close", function()
  test.equal(test.classify("care-priority", customer(0.95, 5)), "keep-close")
  test.equal(test.classify("care-priority", customer(0.7, 4)), "keep-close")
end)

test.case("smaller spenders still buying are grown", function()
  test.equal(test.classify("care-priority", customer(0.9, 3)), "grow")
end)

test.case("big spenders probably gone are won back", function()
  test.equal(test.classify("care-priority", customer(0.05, 5)), "win-back")
end)

test.case("smaller spenders probably gone are dormant", function()
  test.equal(test.classify("care-priority", customer(0.1, 1)), "dormant")
end)

test.case("the uncertain middle is watched", function()
  test.equal(test.classify("care-priority", customer(0.5, 5)), "watch")
  test.equal(test.classify("care-priority", customer(0.3, 2)), "watch")
end)

test.case("customers without a value fit have no priority", function()
  test.equal(test.classify("care-priority", test.customer { purchases = { { days_ago = 3, amount = 50000 } } }), nil)
end)

test.case("a misspelt value field in a fixture is an error", function()
  test.fails(function() test.customer { value = { palive = 0.5 } } end, "unknown value field 'palive'")
end)
