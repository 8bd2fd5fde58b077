-- expect: 'os.getenv' is not available in the Cordial sandbox
local home = os.getenv("HOME")
