-- expect: too many captures
return string.find(string.rep("a", 1000), string.rep("(", 250) .. "a" .. string.rep(")", 250))
