-- expect: memory limit of 32 MB exceeded
-- table.concat builds its result in a buffer the cap refuses; pcall must not swallow it.
local parts = {}
for i = 1, 1000 do parts[i] = string.rep("y", 16 * 1024) end
local survived = 0
for round = 1, 100 do
  local ok = pcall(table.concat, { table.concat(parts), table.concat(parts), table.concat(parts) })
  if not ok then survived = survived + 1 end
end
return "survived " .. survived .. " refusals"
