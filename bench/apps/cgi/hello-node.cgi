#!/bin/sh
# W1 as CGI through our framework: one `framework cgi` process per request (node, tsx, the
# gateway's CGI host and examples/hello_world.ts loaded from scratch each time).
cd "$(dirname "$0")/../../.." && exec node bin/framework.js cgi examples/hello_world.ts:processHttpRequest
