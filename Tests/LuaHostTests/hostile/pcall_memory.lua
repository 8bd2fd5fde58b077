-- expect: memory limit of 32 MB exceeded
-- Catching "not enough memory" and allocating again.
local keep = {}
while true do
  local ok = pcall(function()
    local t = {}
    for i = 1, 1e8 do t[i] = i end
  end)
  keep[#keep + 1] = ok
end
