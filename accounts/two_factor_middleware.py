"""A session logged in with the password of an account that has two-factor login reaches
nothing but the code page and logout until a code passes; under REQUIRE_2FA, staff without it
reach only its set-up page. Every other page, the admin's included, redirects there.

The API's views are left to the API's own session authentication, which refuses such a
session with a JSON error (bearer tokens are not sessions and are not asked for codes).
"""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from rest_framework.views import APIView

from accounts.two_factor import second_step_due

PAGE = {"verify": "two_factor:verify", "setup": "two_factor:setup"}
ALWAYS_OPEN = {"accounts:logout", "admin:logout"}


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None
        step = second_step_due(request)
        if step is None:
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name == PAGE[step] or name in ALWAYS_OPEN:
            return None
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(PAGE[step])}?{query}")
