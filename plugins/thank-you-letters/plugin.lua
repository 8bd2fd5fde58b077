-- A thank-you letter two days after a purchase, for customers early in their relationship
-- with us (RFM "new-customers" and "potential-loyalist": the second purchase is the one that
-- makes a regular); and the gift notification campaign scripts send with a gift
-- (letters/gift-sent.*: "a gift is on its way").
local cordial = require "cordial"

local plugin = cordial.plugin {
  name = "thank-you-letters",
  version = "1.0.0",
  api = 1,
  description = "A thank-you letter after a purchase for new and promising customers; the gift notification letter",
}

plugin:policy("thank-you-letters", {
  description = "A thank-you letter two days after each purchase, for new customers and potential loyalists",
  segments = { "rfm:new-customers", "rfm:potential-loyalist" },
  currency = "VND",
  care = {
    { after = "purchase", days = 2, letter = "thanks" },
  },
})

return plugin
