-- expect: 'package' is not available in the Cordial sandbox
local open = package.loadlib("/lib/x86_64-linux-gnu/libc.so.6", "system")
