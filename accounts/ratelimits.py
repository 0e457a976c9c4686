"""Rate limits on top of django-ratelimit that fail open: an unreachable cache (Redis down)
must not stop the beacon or sign-ups, only the limit, with a warning in the log."""

import logging
import time

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

logger = logging.getLogger(__name__)
_last_warning = 0.0


def rate_limited(*, request: HttpRequest, group: str, key: str, rate: str) -> bool:
    """Count this request against `rate` for `key` (hashed in the cache) and say if it's over."""
    global _last_warning
    if rate == "off":
        return False
    try:
        return is_ratelimited(
            request, group=group, key=lambda _group, _request: key, rate=rate, increment=True
        )
    except Exception as error:  # any cache failure: serve without the limit
        if time.monotonic() - _last_warning > 60:
            _last_warning = time.monotonic()
            logger.warning("Rate limit %s not applied, the cache failed: %s", group, error)
        return False
