"""The language of the pages: the browser's (LocaleMiddleware) unless the account chose one."""

from django.conf import settings
from django.utils import translation

# The JSON API answers scripts, not people: its messages stay in the default language.
_DEFAULT_LANGUAGE_PREFIXES = ("/api/",)


def user_language(user) -> str:
    """The language an account chose, or "" for its browser's."""
    return getattr(user, "language", "") or ""


class AccountLanguageMiddleware:
    """After AuthenticationMiddleware: a signed-in account's choice wins over Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(_DEFAULT_LANGUAGE_PREFIXES):
            language = settings.LANGUAGE_CODE
        else:
            language = user_language(request.user) if request.user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def email_language(user, *, default: str = ""):
    """Render an email to this account in its chosen language, else in `default`, else in the
    one active now (the browser's, for an email a request sends)."""
    return translation.override(user_language(user) or default or translation.get_language())
