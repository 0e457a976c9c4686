"""Writes for sites: create, change and delete, used by the pages and the admin alike."""

import re
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from accounts.language import email_language
from accounts.models import User, normalize_email_address
from sites.base_urls import normalize_base_url, normalize_domains
from sites.models import (
    Annotation,
    Goal,
    Invitation,
    Membership,
    SharedLink,
    SharedLinkGuess,
    Site,
)
from sites.shields import SHIELD_FIELDS, shields_normalize
from sites.signals import membership_removed, site_deleted, site_saved

UNCHANGED = object()


@transaction.atomic
def site_save(*, site: Site) -> Site:
    """Normalise, validate and store a site that a form or the admin has filled in."""
    site.base_url = normalize_base_url(site.base_url)
    site.extra_domains = normalize_domains(site.extra_domains)
    # One line: the name goes into email subjects, where a line break is refused.
    site.name = " ".join(site.name.split())
    for field, value in shields_normalize(
        {field: getattr(site, field) for field in SHIELD_FIELDS}
    ).items():
        setattr(site, field, value)
    site.full_clean()
    timezone_changed = (
        site.pk is not None
        and Site.objects.filter(pk=site.pk).exclude(timezone=site.timezone).exists()
    )
    site.save()
    site_saved.send(sender=Site, site=site, timezone_changed=timezone_changed)
    return site


def site_create(
    *,
    owner: User,
    name: str,
    base_url: str,
    timezone: str = "UTC",
    extra_domains: str = "",
    allow_localhost: bool = False,
    retention_days: int | None = None,
    excluded_ips: str = "",
    excluded_countries: str = "",
    excluded_paths: str = "",
    excluded_hostnames: str = "",
) -> Site:
    site = Site(
        excluded_ips=excluded_ips,
        excluded_countries=excluded_countries,
        excluded_paths=excluded_paths,
        excluded_hostnames=excluded_hostnames,
        owner=owner,
        retention_days=retention_days,
        name=name,
        base_url=base_url,
        timezone=timezone,
        extra_domains=extra_domains,
        allow_localhost=allow_localhost,
    )
    return site_save(site=site)


def site_update(
    *,
    site: Site,
    name: str | None = None,
    base_url: str | None = None,
    timezone: str | None = None,
    extra_domains: str | None = None,
    allow_localhost: bool | None = None,
    retention_days: int | object | None = UNCHANGED,
    excluded_ips: str | None = None,
    excluded_countries: str | None = None,
    excluded_paths: str | None = None,
    excluded_hostnames: str | None = None,
) -> Site:
    if retention_days is not UNCHANGED:
        site.retention_days = retention_days  # None: keep visits forever
    changes = {
        "name": name,
        "base_url": base_url,
        "timezone": timezone,
        "extra_domains": extra_domains,
        "allow_localhost": allow_localhost,
        "excluded_ips": excluded_ips,
        "excluded_countries": excluded_countries,
        "excluded_paths": excluded_paths,
        "excluded_hostnames": excluded_hostnames,
    }
    for field, value in changes.items():
        if value is not None:
            setattr(site, field, value)
    return site_save(site=site)


@transaction.atomic
def site_delete(*, site: Site) -> None:
    """Delete a site with all of its visits."""
    site_id = site.pk
    site.delete()
    site_deleted.send(sender=Site, site_id=site_id)


MAX_GOALS_PER_SITE = 20


@transaction.atomic
def goal_create(*, site: Site, name: str, kind: str, value: str, currency: str = "") -> Goal:
    """Add a goal to a site, at most MAX_GOALS_PER_SITE of them; with a currency, a revenue
    goal (an event goal whose revenue in that currency is summed)."""
    if site.goals.count() >= MAX_GOALS_PER_SITE:
        raise ValidationError(
            _("A site can have at most %(count)s goals.") % {"count": MAX_GOALS_PER_SITE}
        )
    goal = Goal(site=site, name=name.strip(), kind=kind, value=value, currency=currency.strip())
    goal.full_clean()
    goal.save()
    return goal


def goal_delete(*, goal: Goal) -> None:
    goal.delete()


def shared_link_create(*, site: Site, name: str = "", password: str = "") -> SharedLink:
    """A new secret link to the site's dashboard; the password, if any, is stored hashed."""
    return SharedLink.objects.create(
        site=site,
        name=name.strip(),
        token=secrets.token_urlsafe(24),
        password=make_password(password) if password else "",
    )


def shared_link_revoke(*, link: SharedLink) -> None:
    link.delete()


GUESS_WINDOW = timedelta(minutes=15)
GUESSES_PER_GUESSER = 10  # in GUESS_WINDOW: one person's typos, never a dictionary
GUESSES_PER_LINK = 100  # in GUESS_WINDOW, from everyone: many guessers at once


def shared_link_guesses_exceeded(*, link: SharedLink, guesser: str, now: datetime) -> bool:
    """Whether this guesser, or everyone together, has typed too many wrong passwords lately."""
    recent = link.guesses.filter(at__gt=now - GUESS_WINDOW)
    if recent.filter(guesser=guesser).count() >= GUESSES_PER_GUESSER:
        return True
    return recent.count() >= GUESSES_PER_LINK


@transaction.atomic
def shared_link_guess_record(*, link: SharedLink, guesser: str, now: datetime) -> None:
    """Note a wrong password; guesses older than the window are forgotten."""
    SharedLinkGuess.objects.filter(at__lte=now - GUESS_WINDOW).delete()
    SharedLinkGuess.objects.create(link=link, guesser=guesser, at=now)


INVITATION_LIFETIME = timedelta(days=7)


@transaction.atomic
def invitation_create(
    *, site: Site, email: str, role: str, invited_by: User, now: datetime
) -> Invitation:
    """Invite someone to the site's team. Inviting the same address again renews the
    invitation (new link, new expiry, the new role); the old link stops working."""
    email = normalize_email_address(email)
    if email == normalize_email_address(site.owner.email):
        raise ValidationError(_("%(email)s owns this site already.") % {"email": email})
    if site.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s is on the team already; change their role in the list.") % {"email": email}
        )
    invitation, _created = Invitation.objects.update_or_create(
        site=site,
        email=email,
        defaults={
            "role": role,
            "token": secrets.token_urlsafe(24),
            "invited_by": invited_by,
            "expires_at": now + INVITATION_LIFETIME,
        },
    )
    return invitation


def invitation_cancel(*, invitation: Invitation) -> None:
    """Withdraw an invitation: its link stops working."""
    invitation.delete()


def invitation_send(*, invitation: Invitation) -> None:
    """Email the invitation's link (raises what the email backend raises)."""
    context = {
        "invitation": invitation,
        "url": settings.PUBLIC_URL + invitation.get_absolute_url(),
        "inviter": invitation.invited_by.name or invitation.invited_by.email,
    }
    # In the language of the invited person's account, if they have one already.
    invitee = User.objects.filter(email__iexact=invitation.email).first()
    with email_language(invitee):
        send_mail(
            subject=_("You are invited to see the visits to %(site)s")
            % {"site": invitation.site.name},
            message=render_to_string("sites/invitation_email.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[invitation.email],
        )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User, now: datetime) -> Membership:
    """Join the team with the invitation's role; the invitation is used up. Only the invited
    address's account may: an account's email changes only by a link sent to the new address,
    so holding that address means holding its inbox."""
    if invitation.expires_at <= now:
        raise ValidationError(_("This invitation has expired. Ask for a new one."))
    if normalize_email_address(user.email) != invitation.email:
        raise ValidationError(
            _("This invitation is for %(email)s, and you are logged in as %(user_email)s.")
            % {"email": invitation.email, "user_email": user.email}
        )
    if invitation.site.owner_id == user.pk:
        raise ValidationError(_("You own this site already."))
    membership, _created = Membership.objects.update_or_create(
        site=invitation.site, user=user, defaults={"role": invitation.role}
    )
    invitation.delete()
    return membership


def membership_role_change(*, membership: Membership, role: str) -> Membership:
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Take someone off a site's team. Receivers stop the site's emails to them: a former
    teammate should not go on reading the figures in their inbox."""
    membership_removed.send(sender=Membership, membership=membership)
    membership.delete()


MAX_ANNOTATIONS_PER_SITE = 1000
# Control characters (NUL among them, which PostgreSQL refuses) never reach a note.
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")


def annotation_create(
    *, site: Site, day: date, text: str, created_by: User | None = None
) -> Annotation:
    """Add a dated note to a site's chart; one line of text, at most MAX_ANNOTATIONS_PER_SITE."""
    if site.annotations.count() >= MAX_ANNOTATIONS_PER_SITE:
        raise ValidationError(
            _("A site can have at most %(count)s notes.") % {"count": MAX_ANNOTATIONS_PER_SITE}
        )
    text = " ".join(_CONTROL_CHARACTERS.sub(" ", text).split())
    annotation = Annotation(site=site, day=day, text=text, created_by=created_by)
    annotation.full_clean()
    annotation.save()
    return annotation


def annotation_delete(*, annotation: Annotation) -> None:
    annotation.delete()
