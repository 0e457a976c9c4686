"""Wrong two-factor codes count against the same django-axes lockout as wrong passwords.

A wrong code is a failed login for the account (`user_login_failed`, with the username the
lockout's username callable reads), so after LOGIN_FAILURE_LIMIT of them, passwords and codes
alike, that account and address get the 429 page. With two-factor on, a right password is only
half a login: it clears no failures, or a guesser could log in again between wrong codes.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest

from accounts.models import User
from accounts.two_factor import two_factor_enabled


class TwoFactorAxesHandler(AxesDatabaseHandler):
    def user_logged_in(self, sender, request, user, **kwargs):
        if not kwargs.get("second_step") and two_factor_enabled(user=user):
            return  # the code page finishes the login (code_passed)
        super().user_logged_in(sender, request, user, **kwargs)


def _credentials(user: User) -> dict:
    return {"username": user.get_username()}


def code_locked(*, request: HttpRequest, user: User) -> bool:
    """Is this account locked out from this address? Then the page answers as axes does."""
    credentials = _credentials(user)
    if AxesProxyHandler.is_locked(request, credentials):
        request.axes_locked_out = True
        request.axes_credentials = credentials
        return True
    return False


def code_failed(*, request: HttpRequest, user: User) -> bool:
    """Count a wrong code as a failed login; True when that reached the lockout."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def code_passed(*, request: HttpRequest, user: User) -> None:
    """The login is complete: clear its failures, as axes does after a plain password login."""
    AxesProxyHandler.user_logged_in(__name__, request, user, second_step=True)
