"""The API answers in English whatever language the browser asks for: scripts read its messages
and field descriptions, so their words must not change with a visitor's Accept-Language."""

from functools import wraps

from django.utils import translation


def in_english(view):
    """`view`, run and its response rendered with English active."""

    @wraps(view)
    def english_view(request, *args, **kwargs):
        with translation.override("en"):
            response = view(request, *args, **kwargs)
            # A DRF or template response renders later, outside this block, unless made here.
            if callable(getattr(response, "render", None)) and not response.is_rendered:
                response.render()
        # LocaleMiddleware would label the answer with the browser's language otherwise.
        response.headers["Content-Language"] = "en"
        return response

    return english_view


class EnglishMixin:
    """For API views: every request handled, and answered, in English."""

    def dispatch(self, request, *args, **kwargs):
        return in_english(super().dispatch)(request, *args, **kwargs)
