-- cordial run examples/hello.lua [NAME ...]
-- A first script: greets customers in their own language and totals their orders.
local greetings = require "greetings"

local customers = {
  { name = "Nguyễn Thị Lan", locale = "vi", orders = { 120000, 89000, 45500 } },
  { name = "王伟", locale = "zh", orders = { 388, 120 } },
  { name = "Emily Carter", locale = "en", orders = { 42.5 } },
}
for _, extra in ipairs(arg) do
  customers[#customers + 1] = { name = extra, locale = "en", orders = {} }
end

for _, customer in ipairs(customers) do
  local total = 0
  for _, amount in ipairs(customer.orders) do total = total + amount end
  print(string.format("%s  (%d orders, total %s)",
    greetings.hello(customer.locale, customer.name), #customer.orders, total))
end
print(string.format("%d customers greeted", #customers))
