-- expect: 'os.execute' is not available in the Cordial sandbox
os.execute("touch /tmp/cordial-hostile-was-here")
