"""The tracking snippet an owner pastes into their pages."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import escape

from sites.models import Site
from sites.script import SCRIPT_URL


def tracking_snippet(*, site: Site, request: HttpRequest) -> str:
    """A deferred first-party script plus a `<noscript>` pixel, both aimed at the beacon.

    The script's address has no content hash: it stays the same across upgrades. URLs are
    absolute and built from the request, so they follow the host and scheme the
    owner reached us on (a trusted proxy's HTTPS header included). The result is plain text
    for the owner to copy; templates escape it when they show it.
    """
    beacon_url = escape(
        request.build_absolute_uri(reverse("visits:beacon", kwargs={"site_id": site.pk}))
    )
    script_url = escape(request.build_absolute_uri(SCRIPT_URL))
    return (
        f'<script defer src="{script_url}" data-endpoint="{beacon_url}"></script>\n'
        f'<noscript><img src="{beacon_url}" alt="" width="1" height="1" '
        f'referrerpolicy="no-referrer-when-downgrade"></noscript>'
    )
