-- expect: collectgarbage('generational') is not available in the Cordial sandbox
collectgarbage("generational")
