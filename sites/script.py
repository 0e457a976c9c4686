"""The tracking script, at the stable address the snippet names and at every one it ever named.

Snippets pasted before used the content-hashed name (`/static/js/tracker.<hash>.js`) that
`collectstatic` gave the script at the time; those names answer with today's script too, so no
pasted snippet ever stops counting. Browsers keep it an hour, then revalidate with its ETag: an
upgrade reaches every visitor within the hour, and an unchanged script costs a 304.
"""

import gzip
import hashlib
import re

import rjsmin
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, HttpResponseNotModified

SCRIPT_URL = "/static/js/tracker.js"
SCRIPT_PATHS = re.compile(r"/static/js/tracker(?:\.[0-9a-f]{12})?\.js")
MAX_AGE = 3600


def script_bytes(source: bytes) -> tuple[bytes, bytes]:
    """What is served for a script source: minified, and that gzipped."""
    body = rjsmin.jsmin(source)
    return body, gzip.compress(body, compresslevel=9, mtime=0)


class Script:
    """The script's bytes (minified from the source, so what is served can't drift from what is
    written), gzipped copy and ETag."""

    def __init__(self):
        path = finders.find("js/tracker.js")
        with open(path, "rb") as source:
            self.source = source.read()
        self.body, self.gzipped = script_bytes(self.source)
        self.etag = f'"{hashlib.sha256(self.body).hexdigest()[:20]}"'


class TrackerScriptMiddleware:
    """Answers the script's addresses before static files and URL routing see them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.script = Script()

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not SCRIPT_PATHS.fullmatch(request.path_info):
            return self.get_response(request)
        script = Script() if settings.DEBUG else self.script  # edits show up while developing
        if script.etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
        elif "gzip" in request.headers.get("Accept-Encoding", ""):
            response = HttpResponse(script.gzipped, content_type="text/javascript; charset=utf-8")
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(script.body, content_type="text/javascript; charset=utf-8")
        response["ETag"] = script.etag
        response["Cache-Control"] = f"public, max-age={MAX_AGE}"
        response["Vary"] = "Accept-Encoding"
        response["Access-Control-Allow-Origin"] = "*"
        if request.method == "HEAD":
            response.content = b""
        return response
