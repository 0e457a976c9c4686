"""Digests and alerts by email and to webhooks, sent by `manage.py send_reports` (run it
hourly from cron).

A digest covers the last full week (Monday to Sunday) or month in the site's time zone and goes
out once per subscription and period. An alert is one event (the silence after a given last
visit, or one hour's spike): it is recorded before it is sent, so it never goes twice.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User, normalize_email_address
from reports.emails import alert_subject, dashboard_url, digest_subject, subscriber_email_send
from reports.models import SentAlert, Subscription, Webhook
from reports.payloads import alert_payload, digest_payload
from reports.webhooks import webhook_deliver
from sites.models import Segment, Site
from visits.models import ENGAGEMENT, Visit
from visits.segments import segment_filters
from visits.stats.breakdowns import visit_breakdown
from visits.stats.figures import visit_totals
from visits.stats.goals import visit_goals
from visits.stats.headline import headline_figures
from visits.stats.periods import period_from_params
from visits.stats.revenue import goal_revenue

logger = logging.getLogger(__name__)
SILENCE = timedelta(hours=24)
SPIKE_FACTOR = 4  # an hour with this many times the hourly average of the week before
SPIKE_MINIMUM = 50  # and at least this many hits: small sites are noisy
TOP_ROWS = 5
# Named as `headline_figures` names them, in the same words, so they match in any language.
DIGEST_FIGURES = tuple(
    gettext_lazy(name)
    for name in ("Unique visitors", "Visits", "Pageviews", "Bounce rate", "Visit duration")
)
DIGEST_COMPARED = DIGEST_FIGURES[:3]


def subscription_create(
    *,
    site: Site,
    frequency: str,
    alerts: bool,
    email: str = "",
    user: User | None = None,
    segment: Segment | None = None,
) -> Subscription:
    """Subscribe a user (to their account, wherever its address goes) or an address. An
    address of an account is bound to that account, so it leaves with them."""
    email = normalize_email_address(user.email if user else email)
    if user is None:
        user = User.objects.filter(email__iexact=email).first() if email else None
    subscription = Subscription(
        site=site,
        user=user,
        email=email,
        frequency=frequency,
        alerts=alerts,
        segment=segment,
        token=secrets.token_urlsafe(24),
    )
    subscription.full_clean()
    subscription.save()
    return subscription


def subscription_delete(*, subscription: Subscription) -> None:
    """Stop one recipient's emails for one site (from their page, or an email's link)."""
    subscription.delete()


def digest_period(*, frequency: str, today: date) -> tuple[date, date] | None:
    """The last full week or month before `today`, or None for alerts-only subscriptions."""
    if frequency == Subscription.Frequency.WEEKLY:
        first = today - timedelta(days=today.weekday() + 7)
        return first, first + timedelta(days=6)
    if frequency == Subscription.Frequency.MONTHLY:
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    return None


@dataclass(frozen=True)
class Digest:
    site: Site
    first_day: date
    last_day: date
    headline: list  # (label, value, percent change or None)
    panels: list  # (title, rows)
    segment: Segment | None = None
    goals: list = ()  # GoalRow per goal of the site: its conversions in the period
    revenue: tuple = ()  # each revenue goal's figures (visits.stats.revenue.GoalRevenue)


def digest_build(
    *, site: Site, first_day: date, last_day: date, now: datetime, segment: Segment | None = None
) -> Digest:
    """The figures of a digest: all the site's visits, or only its segment's."""
    period = period_from_params(
        {"period": "custom", "from": first_day.isoformat(), "to": last_day.isoformat()},
        tz_name=site.timezone,
        now=now,
    )
    filters = segment_filters(segment) if segment else {}
    totals, previous = visit_totals(site=site, period=period, filters=filters, now=now)
    # The dashboard's headline, less its ratios; rates and durations without a relative change.
    headline = [
        (label, value, change if label in DIGEST_COMPARED else None)
        for label, value, change in headline_figures(totals, previous)
        if label in DIGEST_FIGURES
    ]
    panels = [
        (
            title,
            visit_breakdown(
                site=site,
                period=period,
                filters=filters,
                dimension=dimension,
                now=now,
                limit=TOP_ROWS,
            ),
        )
        for dimension, title in (("page", gettext_lazy("Top pages")),
                                 ("referrer", gettext_lazy("Referrers")),
                                 ("country", gettext_lazy("Countries")))
    ]  # fmt: skip
    goals = visit_goals(
        site=site, period=period, filters=filters, now=now, total_visitors=totals.visitors
    )
    revenue = tuple(goal_revenue(site=site, period=period, filters=filters, now=now))
    return Digest(site, first_day, last_day, headline, panels, segment, goals, revenue)


def digests_send(*, now: datetime) -> tuple[int, int]:
    """Send every digest that is due, by email and to webhooks; return (sent, failed)."""
    sent = failed = 0
    # Recipients of the same site, segment and period share one digest: summed once.
    digests: dict[tuple, Digest] = {}

    def digest_due(recipient: Subscription | Webhook) -> Digest | None:
        site = recipient.site
        today = now.astimezone(ZoneInfo(site.timezone)).date()
        first_day, last_day = digest_period(frequency=recipient.frequency, today=today)
        if recipient.last_period_sent == first_day:
            return None
        segment = getattr(recipient, "segment", None)  # webhooks cover all visits
        key = (site.pk, segment.pk if segment else None, first_day, last_day)
        if key not in digests:
            digests[key] = digest_build(
                site=site, first_day=first_day, last_day=last_day, now=now, segment=segment
            )
        return digests[key]

    subscriptions = Subscription.objects.exclude(frequency=Subscription.Frequency.NONE)
    for subscription in subscriptions.select_related("site", "user", "segment").order_by("pk"):
        site = subscription.site
        digest = digest_due(subscription)
        if digest is None:
            continue
        first_day, last_day = digest.first_day, digest.last_day
        weekly = subscription.frequency == Subscription.Frequency.WEEKLY
        try:
            subscriber_email_send(
                subscription=subscription,
                subject=partial(
                    digest_subject, site=site, first=first_day, last=last_day, weekly=weekly
                ),
                template="reports/digest.txt",
                context={
                    "digest": digest,
                    "dashboard_url": dashboard_url(site, segment=subscription.segment),
                },
            )
        except Exception:  # one bad address or a mail server hiccup must not stop the rest
            logger.exception("Digest for subscription %s not sent", subscription.pk)
            failed += 1
            continue
        subscription.last_period_sent = first_day
        subscription.save(update_fields=["last_period_sent"])
        sent += 1
    webhooks = Webhook.objects.exclude(frequency=Subscription.Frequency.NONE)
    for webhook in webhooks.select_related("site").order_by("pk"):
        digest = digest_due(webhook)
        if digest is None:
            continue
        payload = digest_payload(
            kind=webhook.kind, digest=digest, dashboard_url=dashboard_url(webhook.site)
        )
        if not webhook_deliver(webhook=webhook, payload=payload):
            failed += 1  # the next run tries again
            continue
        webhook.last_period_sent = digest.first_day
        webhook.save(update_fields=["last_period_sent"])
        sent += 1
    return sent, failed


def alerts_due(*, site: Site, now: datetime) -> list[tuple[str, str, str]]:
    """(kind, key, message) for each alert event the site is in now."""
    hits = Visit.objects.filter(site=site).exclude(event=ENGAGEMENT)
    found = []
    last = hits.aggregate(last=Max("timestamp"))["last"]
    if last is not None and now - last >= SILENCE:
        found.append(
            (
                SentAlert.Kind.NO_VISITS,
                last.isoformat(),
                _("No visits since %(time)s UTC: the snippet may have broken.")
                % {"time": f"{last:%Y-%m-%d %H:%M}"},
            )
        )
    hour_start = now.replace(minute=0, second=0, microsecond=0)
    recent = hits.filter(timestamp__gte=now - timedelta(hours=1), timestamp__lt=now).count()
    week = hits.filter(
        timestamp__gte=now - timedelta(days=7, hours=1), timestamp__lt=now - timedelta(hours=1)
    ).count()
    hourly_average = week / (7 * 24)
    if recent >= SPIKE_MINIMUM and recent >= SPIKE_FACTOR * max(hourly_average, 1):
        found.append(
            (
                SentAlert.Kind.SPIKE,
                hour_start.isoformat(),
                ngettext(
                    "%(count)s hit in the last hour, against %(average)s an hour over the week "
                    "before.",
                    "%(count)s hits in the last hour, against %(average)s an hour over the week "
                    "before.",
                    recent,
                )
                % {"count": recent, "average": f"{hourly_average:.1f}"},
            )
        )
    return found


def alerts_send(*, now: datetime) -> tuple[int, int]:
    """Send each new alert event to the site's alert subscribers and webhooks; return (sent,
    failed)."""
    sent = failed = 0
    listening = Q(subscriptions__alerts=True) | Q(webhooks__alerts=True)
    sites = Site.objects.filter(listening).distinct().order_by("pk")
    for site in sites:
        for kind, key, message in alerts_due(site=site, now=now):
            try:
                with transaction.atomic():
                    record = SentAlert.objects.create(site=site, kind=kind, key=key)
            except IntegrityError:
                continue  # this event was announced already
            recipients = site.subscriptions.filter(alerts=True).select_related("user")
            errors = 0
            for subscription in recipients:
                try:
                    subscriber_email_send(
                        subscription=subscription,
                        subject=partial(alert_subject, site=site, kind=kind),
                        template="reports/alert.txt",
                        context={
                            "site": site,
                            "message": message,
                            "dashboard_url": dashboard_url(site),
                        },
                    )
                    sent += 1
                except Exception:
                    logger.exception("Alert %s for site %s not sent", kind, site.pk)
                    errors += 1
            hooks = list(site.webhooks.filter(alerts=True).order_by("pk"))
            for webhook in hooks:
                payload = alert_payload(
                    kind=webhook.kind,
                    site=site,
                    alert=kind,
                    message=message,
                    dashboard_url=dashboard_url(site),
                    now=now,
                )
                delivered = webhook_deliver(webhook=webhook, payload=payload)
                sent, errors = sent + delivered, errors + (not delivered)
            if errors and errors == recipients.count() + len(hooks):
                record.delete()  # nobody heard of it: try again next run
            failed += errors
    return sent, failed
