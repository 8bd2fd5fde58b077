local test = require "cordial.test"

test.today("2025-01-15")

local function customer(p_alive, m, orders)
  local purchases = {}
  for i = 1, orders do purchases[i] = { days_ago = 300 + 30 * i, amount = 900000 } end
  return test.customer { purchases = purchases, value = { p_alive = p_alive, clv = 100000, rfm = { r = 1, f = 3, m = m } } }
end

test.case("repeat big spenders who have probably stopped buying are called", function()
  test.equal(test.classify("win-back", customer(0.1, 5, 3)), "call")
  test.equal(test.classify("win-back", customer(0.29, 4, 2)), "call")
end)

test.case("customers probably still buying are not", function()
  test.equal(test.classify("win-back", customer(0.3, 5, 3)), nil)
end)

test.case("small spenders and one-time buyers are not", function()
  test.equal(test.classify("win-back", customer(0.1, 3, 3)), nil)
  test.equal(test.classify("win-back", customer(0.1, 5, 1)), nil)
end)

test.case("customers the value fit did not score are not", function()
  test.equal(test.classify("win-back", test.customer { purchases = { { days_ago = 400, amount = 900000 } } }), nil)
end)
