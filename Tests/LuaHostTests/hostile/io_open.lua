-- expect: 'io' is not available in the Cordial sandbox
local f = io.open("/etc/passwd")
