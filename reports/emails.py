"""The emails a subscription receives: each in its recipient's language, subject and all, with
a one-click unsubscribe link."""

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.language import email_language
from reports.models import SentAlert, Subscription
from sites.models import Segment, Site
from visits.stats.words import in_sentence


def _unsubscribe_url(subscription: Subscription) -> str:
    path = reverse("reports:unsubscribe", kwargs={"token": subscription.token})
    return settings.PUBLIC_URL + path


def subscriber_email_send(
    *, subscription: Subscription, subject: Callable[[], str], template: str, context: dict
) -> None:
    """Render `template` and `subject()` for the subscription's recipient and send them."""
    unsubscribe = _unsubscribe_url(subscription)
    # Sent on a schedule, not by a request: without an account's choice, the default language.
    # The subject is worded in that language too, so it is made here.
    with email_language(subscription.user, default=settings.LANGUAGE_CODE):
        body = render_to_string(template, {**context, "unsubscribe_url": unsubscribe})
        subject_text = subject()
    EmailMessage(
        subject=subject_text,
        body=body,
        to=[subscription.recipient],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    ).send()


def digest_subject(*, site: Site, first: date, last: date, weekly: bool) -> str:
    """'Blog: your week from 9 Mar to 15 Mar 2026', in the active language."""
    if weekly:
        subject = _("%(site)s: your week from %(first_day)s to %(last_day)s")
    else:
        subject = _("%(site)s: your month from %(first_day)s to %(last_day)s")
    return subject % {
        "site": site.name,
        "first_day": date_format(first, "j M"),
        "last_day": date_format(last, "j M Y"),
    }


def alert_subject(*, site: Site, kind: str) -> str:
    """'Blog: no visits for 24 hours', in the active language."""
    return _("%(site)s: %(alert)s") % {
        "site": site.name,
        "alert": in_sentence(SentAlert.Kind(kind).label),
    }


def dashboard_url(site: Site, segment: Segment | None = None) -> str:
    """The site's dashboard (with the subscription's segment) at the public address."""
    url = settings.PUBLIC_URL + reverse("visits:dashboard", kwargs={"site_id": site.pk})
    return f"{url}?segment={segment.pk}" if segment else url
