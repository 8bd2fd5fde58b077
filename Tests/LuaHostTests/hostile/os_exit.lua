-- expect: 'os.exit' is not available in the Cordial sandbox
os.exit(3)
