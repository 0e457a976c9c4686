"""The tracking snippet an owner pastes into their pages."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from sites.models import Site
from sites.script import SCRIPT_URL

# What `data-track` may switch on, in the order the site page offers them.
TRACK_OPTIONS = {
    "outbound": _("Clicks on links to other sites (event “Outbound Link: Click”)"),
    "downloads": _("File downloads (event “File Download”)"),
}
# Keeps `window.tracker(...)` calls made before the deferred script runs; the script replays them.
QUEUE = (
    "<script>window.tracker=window.tracker||function(){"
    "(window.tracker.q=window.tracker.q||[]).push(arguments)}</script>"
)


def tracking_snippet(*, site: Site, request: HttpRequest, track: tuple[str, ...] = ()) -> str:
    """A call queue, a deferred first-party script and a `<noscript>` pixel aimed at the beacon.

    The script's address has no content hash: it stays the same across upgrades. URLs are
    absolute and built from the request, so they follow the host and scheme the
    owner reached us on (a trusted proxy's HTTPS header included). `track` names options of
    TRACK_OPTIONS (others are left out). The result is plain text for the owner to copy;
    templates escape it when they show it.
    """
    beacon_url = escape(
        request.build_absolute_uri(reverse("visits:beacon", kwargs={"site_id": site.pk}))
    )
    script_url = escape(request.build_absolute_uri(SCRIPT_URL))
    words = " ".join(option for option in TRACK_OPTIONS if option in track)
    attributes = (f'data-track="{words}" ' if words else "") + f'data-endpoint="{beacon_url}"'
    return (
        f"{QUEUE}\n"
        f'<script defer src="{script_url}" {attributes}></script>\n'
        f'<noscript><img src="{beacon_url}" alt="" width="1" height="1" '
        f'referrerpolicy="no-referrer-when-downgrade"></noscript>'
    )


def own_visit_links(*, site: Site) -> list[tuple[str, str, str]]:
    """For each of the site's domains: the addresses that make the snippet stop and resume
    counting the browser that opens them (it keeps a flag in that site's localStorage, which
    only a page of the site itself can set; no cookie, nothing sent to us)."""
    scheme = site.base_url.split("://", 1)[0]
    origins = [site.base_url] + [f"{scheme}://{domain}" for domain in site.domains[1:]]
    return [
        (origin.split("://", 1)[1], f"{origin}/#tracker-ignore=on", f"{origin}/#tracker-ignore=off")
        for origin in origins
    ]


def track_options_from(params) -> tuple[str, ...]:
    """The options a site page's switches ask for (`?track=outbound&track=downloads`)."""
    return tuple(option for option in TRACK_OPTIONS if option in params.getlist("track"))


def snippet_context(*, site: Site, request: HttpRequest) -> dict:
    """What the snippet's block of a page shows: the snippet and its switches."""
    track = track_options_from(request.GET)
    return {
        "snippet": tracking_snippet(site=site, request=request, track=track),
        "track_options": [(name, label, name in track) for name, label in TRACK_OPTIONS.items()],
    }
