-- Which birthday gift a customer gets: the dearest item that costs at most a tenth of what
-- the customer has spent with us, else the cheapest. `items` are the catalog's items in
-- stock and within the policy's max_cost, cheapest first.
local share = 0.10

local function choose(c, items)
  local chosen = items[1]
  if chosen == nil then return nil end  -- nothing in stock: the plan holds the gift back
  local limit = c.purchases.total * share
  for _, item in ipairs(items) do
    if item.cost <= limit then chosen = item end
  end
  return chosen.code
end

return { choose = choose, share = share }
