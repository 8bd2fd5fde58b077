-- cordial run examples/top-customers.lua [SEGMENT LABEL]
-- The ten biggest spenders (of one segment label, when given), with amounts written the way
-- each customer's own locale writes them; tags them "top-10".
local cordial = require "cordial"
local segment, label = ...

local customers = {}
for batch in cordial.customers.batches(500) do
  for _, c in ipairs(batch) do
    if segment == nil or c.segments[segment] == label then customers[#customers + 1] = c end
  end
end
table.sort(customers, function(a, b) return a.purchases.total > b.purchases.total end)

for rank = 1, math.min(10, #customers) do
  local c = customers[rank]
  -- Padded by terminal columns, not bytes: 王杰 and Nguyễn Thị Lan line up with Chloe Brown.
  print(string.format("%2d  %s %s  (%d purchases, last %s)", rank, cordial.format.pad(c.name, 24),
    cordial.format.pad(cordial.format.money(c.purchases.total, "VND", c.locale), 14, "right"), c.purchases.count,
    c.purchases.last and cordial.format.date(c.purchases.last, c.locale, "short") or "-"))
  cordial.customers.update(c.id, { add_tags = { "top-10" } })
end
print(string.format("%d of %d customers considered", #customers, cordial.customers.count()))
