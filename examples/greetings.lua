-- A module beside the script: `require "greetings"` finds it.
local M = {}

local templates = {
  vi = "Xin chào %s!",
  zh = "%s，您好！",
  en = "Hello, %s!",
}

function M.hello(locale, name)
  return string.format(templates[locale] or templates.en, name)
end

return M
