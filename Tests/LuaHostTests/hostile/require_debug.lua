-- expect: module 'debug' is not available in the Cordial sandbox
local debug = require "debug"
