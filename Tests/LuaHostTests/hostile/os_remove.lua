-- expect: 'os.remove' is not available in the Cordial sandbox
os.remove("/tmp/anything")
