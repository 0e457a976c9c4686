"""Writes for accounts: registering a new site owner, and changing one's email address only
once the new address has confirmed a link sent to it."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.language import email_language
from accounts.models import User, normalize_email_address

SITE_OWNERS_GROUP = "Site owners"
EMAIL_CHANGE_LIFETIME = timedelta(days=2)
_EMAIL_CHANGE_SALT = "accounts.email_change"


@transaction.atomic
def user_register(*, email: str, password: str | None, name: str = "") -> User:
    """Create an owner who manages their own sites in the pages and in the admin; without a
    password (single sign-on), the account can't log in with one."""
    user = User.objects.create_user(email=email, password=password, name=name, is_staff=True)
    group, _created = Group.objects.get_or_create(name=SITE_OWNERS_GROUP)
    user.groups.add(group)
    return user


def email_check_free(*, email: str, user: User | None = None) -> None:
    """Refuse an email that another account already uses, in any letter case."""
    others = User.objects.filter(email__iexact=email)
    if user is not None and user.pk:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise ValidationError(_("An account with this email address already exists."))


def email_change_request(*, user: User, email: str) -> None:
    """Email a link to `email`; the account's address becomes it only when the link is opened.
    Invitations and email reports are bound to the address, so it must be proven, not typed."""
    email = normalize_email_address(email)
    email_check_free(email=email, user=user)
    # The old address in the link makes it single use: once the email changed, it is stale.
    token = signing.TimestampSigner(salt=_EMAIL_CHANGE_SALT).sign_object(
        {"user": user.pk, "old": user.email, "new": email}
    )
    context = {
        "user": user,
        "email": email,
        "url": settings.PUBLIC_URL + reverse("accounts:email_confirm", kwargs={"token": token}),
        "days": EMAIL_CHANGE_LIFETIME.days,
    }
    with email_language(user):
        send_mail(
            subject=_("Confirm your new email address"),
            message=render_to_string("accounts/email_change_email.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )


@transaction.atomic
def email_change_confirm(*, user: User, token: str) -> User:
    """Give the account the address of a confirmation link opened by that account's user, and
    tell the old address."""
    try:
        change = signing.TimestampSigner(salt=_EMAIL_CHANGE_SALT).unsign_object(
            token, max_age=EMAIL_CHANGE_LIFETIME
        )
    except signing.SignatureExpired:
        raise ValidationError(
            _("This link has expired: change your email again for a new one.")
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid.")) from None
    if change["user"] != user.pk:
        raise ValidationError(_("This link is for another account: log in with that one."))
    if change["old"] != user.email:
        raise ValidationError(_("This link was used already, or your email changed since."))
    email_check_free(email=change["new"], user=user)
    old = user.email
    user.email = change["new"]
    user.save(update_fields=["email"])
    with email_language(user):
        send_mail(
            subject=_("Your email address was changed"),
            message=render_to_string(
                "accounts/email_changed_notice.txt", {"user": user, "old": old, "new": user.email}
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[old],
        )
    return user
