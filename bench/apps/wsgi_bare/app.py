"""The Gunicorn peer with no framework: a bare WSGI function for W1 and W2.

gunicorn --chdir bench/apps/wsgi_bare app:application
"""
import json

HELLO = b"Hello, World!"


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/plaintext":
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(HELLO)))])
        return [HELLO]
    if path == "/json":
        body = json.dumps({"message": "Hello, World!"}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    start_response("404 Not Found", [("Content-Length", "0")])
    return [b""]
