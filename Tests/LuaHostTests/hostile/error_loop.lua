-- expect: time limit of 0.5 s exceeded
-- Swallowing errors in a loop, re-raising with a different value.
while true do
  local ok = pcall(error, {})
  ok = pcall(error, "again")
end
