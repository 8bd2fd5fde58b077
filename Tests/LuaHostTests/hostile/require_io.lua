-- expect: module 'io' is not available in the Cordial sandbox
local io = require "io"
