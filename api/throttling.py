from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken

PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (per user for browser sessions)."""

    scope = "token"

    def get_rate(self):
        rate = settings.API_RATE_LIMIT
        return None if rate == "off" else rate

    def parse_rate(self, rate):
        # The same forms as every other limit, multiplied periods included ("5/2m").
        if rate is None:
            return None, None
        count, _, period = rate.partition("/")
        multiplier, unit = period[:-1] or "1", period[-1]
        return int(count), int(multiplier) * PERIOD_SECONDS[unit]

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}
