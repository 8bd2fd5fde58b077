-- expect: memory limit of 32 MB exceeded
-- string.pack's buffer refused, caught, and tried again: the first refusal ends the script.
for round = 1, 50 do
  pcall(string.pack, "s4", string.rep("z", 20 * 1024 * 1024))
end
return "survived"
