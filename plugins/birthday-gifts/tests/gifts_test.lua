local test = require "cordial.test"
local gifts = require "gifts"

-- What the planner hands `choose`: the catalog's items in stock within max_cost, cheapest first.
local items = {
  { code = "card-flowers", name = "Thiệp và hoa", cost = 180000, currency = "VND", stock = 10 },
  { code = "tea-set", name = "Bộ ấm chén", cost = 450000, currency = "VND", stock = 10 },
  { code = "lacquer-box", name = "Hộp sơn mài", cost = 1150000, currency = "VND", stock = 10 },
}

-- The fields of a customer view `choose` reads.
local function spent(total) return { purchases = { total = total } } end

test.case("the dearest gift within a tenth of what the customer spent", function()
  test.equal(gifts.choose(spent(5000000), items), "tea-set")
  test.equal(gifts.choose(spent(11500000), items), "lacquer-box")
  test.equal(gifts.choose(spent(11499999), items), "tea-set")
end)

test.case("a customer who spent little still gets the cheapest gift", function()
  test.equal(gifts.choose(spent(100000), items), "card-flowers")
end)

test.case("nothing in stock: no gift, and the plan holds it back", function()
  test.equal(gifts.choose(spent(5000000), {}), nil)
end)
