-- expect: 'debug' is not available in the Cordial sandbox
debug.sethook()
