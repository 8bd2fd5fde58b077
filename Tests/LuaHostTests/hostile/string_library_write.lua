-- expect: attempt to modify read-only table 'string' (key 'format')
string.format = function() return "hijacked" end
