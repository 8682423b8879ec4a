#!/usr/bin/python3
# W1 as the 1990s did it: a Python CGI script, one interpreter per request, no framework.
import sys

sys.stdout.write("Content-Type: text/plain; charset=utf-8\r\n\r\nHello, World!")
