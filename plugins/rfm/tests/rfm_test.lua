local test = require "cordial.test"

test.today("2026-03-01")

-- Ten customers whose recency and frequency rise together: quintiles put two in each score.
local ids = {}
for i = 1, 10 do
  local purchases = {}
  for n = 1, i do purchases[n] = { days_ago = 200 - i * 19 + n, amount = 100000 } end
  ids[i] = test.customer { purchases = purchases }
end

test.case("the most recent and most frequent are champions", function()
  test.equal(test.classify("rfm", ids[10]), "champions")
  test.equal(test.classify("rfm", ids[9]), "champions")
end)

test.case("the least recent and least frequent are hibernating", function()
  test.equal(test.classify("rfm", ids[1]), "hibernating")
  test.equal(test.classify("rfm", ids[2]), "hibernating")
end)

test.case("the middle of the grid needs attention", function()
  test.equal(test.classify("rfm", ids[5]), "need-attention")
end)

test.case("customers who never bought have no RFM group", function()
  test.equal(test.classify("rfm", test.customer {}), nil)
end)

test.case("a recent first purchase among frequent buyers is a new customer", function()
  local id = test.customer { purchases = { { days_ago = 1, amount = 50000 } } }
  test.equal(test.classify("rfm", id), "new-customers")
end)
