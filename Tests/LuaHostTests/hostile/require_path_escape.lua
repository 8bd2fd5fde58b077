-- expect: module '../../../etc/passwd' not found: not a valid module name
require "../../../etc/passwd"
