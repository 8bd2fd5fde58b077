-- expect: 'string.dump' is not available in the Cordial sandbox
local f = load(string.dump(function() return 1 end))
