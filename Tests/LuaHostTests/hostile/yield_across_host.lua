-- expect: attempt to yield across a C-call boundary
local host = require "host"
local co = coroutine.wrap(function()
  host.call(function() coroutine.yield(1) end)
end)
co()
