"""OpenAPI description of the bearer token and session schemes (loaded by ApiConfig.ready)
and of scopes."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension

SCOPES_NOTE = (
    ' A token without the scope gets 403 `{"detail", "missing_scope", "token_scopes"}`;'
    " a site outside a token's sites is 404, as for a stranger."
)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "a personal API token, made on your account page, a site's token "
            "page or in the admin. Its scopes: `read` (sites, figures, goals' conversions, "
            "visits, exports), `write` (add, change and delete sites and goals), `ingest` (only "
            "`POST …/events/`). It may be limited to some sites: the others are 404 to it, and "
            "it can't add sites. A browser session has every scope.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "a logged-in browser session (with CSRF for writes), once it has "
            "passed two-factor login where the account has it on.",
        }
