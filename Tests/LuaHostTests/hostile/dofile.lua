-- expect: 'dofile' is not available in the Cordial sandbox
dofile("/etc/passwd")
