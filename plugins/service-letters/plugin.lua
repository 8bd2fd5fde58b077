-- Letters of customer service rather than campaigns: the response to a complaint (apology,
-- what we found, what we will do, when we follow up) and the confirmation of a visit. The
-- feedback workflow and the visit scheduler send them with the case or the visit they are
-- about (`case.*`, `visit.*` in the letters' context); until then `cordial letters preview`
-- shows them.
local cordial = require "cordial"

return cordial.plugin {
  name = "service-letters",
  version = "1.0.0",
  api = 1,
  description = "The complaint response and the visit confirmation, in Vietnamese, Chinese and English",
}
