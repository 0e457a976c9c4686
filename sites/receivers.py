"""What sites answer to the accounts app's signals."""

from django.dispatch import receiver
from django.utils import timezone

from accounts.sso import sso_signup_allowed
from sites.models import Invitation


@receiver(sso_signup_allowed, dispatch_uid="sites.invited_email_may_sign_up")
def invited_email_may_sign_up(sender, email: str, **kwargs) -> bool:
    """Under OIDC_CREATE_USERS=False, an email with a pending invitation may still get an
    account at its first single sign-on, so that it can accept the invitation."""
    return Invitation.objects.filter(email__iexact=email, expires_at__gt=timezone.now()).exists()
