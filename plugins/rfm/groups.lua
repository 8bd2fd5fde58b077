-- The recency (rows) × frequency (columns) grid of RFM groups, scores 1 (worst) to 5 (best).
local grid = {
  --      F=1                 F=2                   F=3                   F=4               F=5
  [1] = { "hibernating",      "hibernating",        "at-risk",            "at-risk",        "cant-lose" },
  [2] = { "hibernating",      "hibernating",        "at-risk",            "at-risk",        "cant-lose" },
  [3] = { "about-to-sleep",   "about-to-sleep",     "need-attention",     "loyal",          "loyal" },
  [4] = { "promising",        "potential-loyalist", "potential-loyalist", "loyal",          "loyal" },
  [5] = { "new-customers",    "potential-loyalist", "potential-loyalist", "champions",      "champions" },
}

local labels = {
  "champions", "loyal", "potential-loyalist", "new-customers", "promising", "need-attention",
  "about-to-sleep", "at-risk", "cant-lose", "hibernating",
}

local function of(recency, frequency)
  return grid[recency][frequency]
end

return { labels = labels, of = of }
