-- expect: 'loadfile' is not available in the Cordial sandbox
loadfile("/etc/passwd")
