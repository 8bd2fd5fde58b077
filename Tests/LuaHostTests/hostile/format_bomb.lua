-- expect: invalid conversion
return string.format("%9999999999d", 1)
