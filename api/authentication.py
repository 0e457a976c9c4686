"""`Authorization: Bearer <token>` for the API."""

from rest_framework import authentication, exceptions

from accounts.two_factor import second_step_due
from api.services import token_authenticate


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as: Authorization: Bearer <token>."
            )
        try:
            plain = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("That token is not valid.") from exc
        token = token_authenticate(plain=plain)
        if token is None:
            raise exceptions.AuthenticationFailed("That token is not valid or was revoked.")
        return token.owner, token

    def authenticate_header(self, request):
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """A logged-in browser session, once it has passed two-factor login where that is due."""

    def authenticate(self, request):
        result = super().authenticate(request)
        step = second_step_due(request._request) if result is not None else None
        if step == "verify":
            raise exceptions.AuthenticationFailed(
                "This session has not passed two-factor login: "
                "enter a code at /accounts/two-factor/."
            )
        if step == "setup":
            raise exceptions.AuthenticationFailed(
                "This account must set up two-factor login first: /accounts/two-factor/setup/."
            )
        return result
