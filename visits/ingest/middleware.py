"""Serve the beacon ahead of the middleware stack: it needs no session, user, CSRF or messages."""

import re

from visits.ingest.views import beacon

BEACON_PATH = re.compile(r"^/sites/(?P<site_id>[0-9]{1,18})/visit$")


class BeaconFastPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = BEACON_PATH.match(request.path_info)
        if match:
            return beacon(request, site_id=int(match.group("site_id")))
        return self.get_response(request)
