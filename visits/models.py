"""Visits recorded by the beacon, and the daily salt that keeps unique visitors untraceable."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sites.currencies import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS
from sites.models import Site

URL_MAX_LENGTH = 2048
USER_AGENT_MAX_LENGTH = 512
EVENT_MAX_LENGTH = 100
PAGEVIEW = "pageview"
# Sent by the snippet when a page is hidden or left: it marks when time on the page ended and
# counts neither as a pageview nor as a custom event.
ENGAGEMENT = "engagement"
RESERVED_EVENTS = (PAGEVIEW, ENGAGEMENT)


# What a visit records about a page view, in display order (the admin, the API, bulk inserts).
RECORDED_FIELDS = (
    "timestamp", "url", "path", "referrer", "referrer_domain", "referrer_source", "channel",
    "event", "browser",
    "browser_version", "os", "device", "screen", "country_code", "country", "region", "city",
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "props",
)  # fmt: skip
# What a custom event earned: kept apart from the fields above, which exports list as they were.
REVENUE_FIELDS = ("revenue_amount", "revenue_currency")
# What an engagement ping measured about its page view (see visits.ingest.engagement).
ENGAGEMENT_FIELDS = ("scroll_depth", "lcp", "inp", "cls", "fcp", "ttfb")


class Device(models.TextChoices):
    DESKTOP = "desktop", _("Desktop")
    MOBILE = "mobile", _("Mobile")
    TABLET = "tablet", _("Tablet")
    TV = "tv", _("TV")
    CONSOLE = "console", _("Game console")
    CAR = "car", _("Car")


class Visit(models.Model):
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="visits", verbose_name=_("site")
    )
    timestamp = models.DateTimeField(_("time"), default=timezone.now)
    url = models.CharField(_("page"), max_length=URL_MAX_LENGTH)
    referrer = models.CharField(_("referrer"), max_length=URL_MAX_LENGTH, blank=True)
    # Derived at ingest so reports group by them without parsing URLs in SQL.
    path = models.CharField(_("path"), max_length=URL_MAX_LENGTH, blank=True)
    referrer_domain = models.CharField(_("referrer domain"), max_length=255, blank=True)
    # The named source ("Google" for every Google domain) and the channel ("Organic Search"),
    # both "(internal)" for a link within the site (see visits.ingest.referrers).
    referrer_source = models.CharField(_("referrer source"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=30, blank=True)
    event = models.CharField(_("event"), max_length=EVENT_MAX_LENGTH, default=PAGEVIEW)
    browser = models.CharField(_("browser"), max_length=50, blank=True)
    browser_version = models.CharField(_("browser version"), max_length=20, blank=True)
    os = models.CharField(_("operating system"), max_length=50, blank=True)
    device = models.CharField(_("device"), max_length=10, choices=Device.choices, blank=True)
    screen = models.CharField(_("screen size"), max_length=10, blank=True)
    country_code = models.CharField(_("country code"), max_length=2, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    utm_source = models.CharField(_("campaign source"), max_length=100, blank=True)
    utm_medium = models.CharField(_("campaign medium"), max_length=100, blank=True)
    utm_campaign = models.CharField(_("campaign"), max_length=100, blank=True)
    utm_term = models.CharField(_("campaign term"), max_length=100, blank=True)
    utm_content = models.CharField(_("campaign content"), max_length=100, blank=True)
    # A custom event's properties: a few short strings (see visits.properties).
    props = models.JSONField(_("properties"), default=dict, blank=True)
    # Revenue a custom event carried: exact (never a float), with its ISO 4217 currency.
    revenue_amount = models.DecimalField(
        _("revenue"),
        max_digits=AMOUNT_MAX_DIGITS,
        decimal_places=AMOUNT_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    revenue_currency = models.CharField(_("revenue currency"), max_length=3, blank=True)
    # On engagement pings only: the deepest point scrolled to (percent of the page's height)
    # and the page view's Core Web Vitals, in milliseconds (CLS: a unitless score).
    scroll_depth = models.PositiveSmallIntegerField(_("scroll depth (%)"), null=True, blank=True)
    lcp = models.PositiveIntegerField(_("largest contentful paint (ms)"), null=True, blank=True)
    inp = models.PositiveIntegerField(_("interaction to next paint (ms)"), null=True, blank=True)
    cls = models.FloatField(_("cumulative layout shift"), null=True, blank=True)
    fcp = models.PositiveIntegerField(_("first contentful paint (ms)"), null=True, blank=True)
    ttfb = models.PositiveIntegerField(_("time to first byte (ms)"), null=True, blank=True)
    # A keyed hash of (day's salt, site, address, user agent): the same visitor within one day
    # gives the same number, and once the salt is deleted nobody can recompute it.
    visitor_hash = models.BigIntegerField(_("visitor"), default=0)
    # Set on visits brought in by `import_visits`: a digest of the source row, so importing the
    # same file again adds nothing. NULL for visits recorded here (a partial unique index
    # then covers only imported rows).
    import_key = models.CharField(  # noqa: DJ001
        _("import key"), max_length=32, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["site", "-timestamp"], name="visit_site_latest_idx"),
            models.Index(fields=["timestamp"], name="visit_timestamp_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(event=""), name="visit_event_not_empty"),
            models.UniqueConstraint(
                fields=["site", "import_key"],
                condition=Q(import_key__isnull=False),
                name="visit_import_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(device__in=["", *Device.values]), name="visit_device_known"
            ),
            models.CheckConstraint(
                condition=(Q(revenue_amount__isnull=True) & Q(revenue_currency=""))
                | (Q(revenue_amount__gte=0) & ~Q(revenue_currency="")),
                name="visit_revenue_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.url} at {self.timestamp:%Y-%m-%d %H:%M}"

    @property
    def location(self) -> str:
        """ "City, Country" as far as it is known."""
        return ", ".join(part for part in (self.city, self.country) if part)

    @property
    def browser_label(self) -> str:
        return f"{self.browser} {self.browser_version}".strip()


class VisitorSalt(models.Model):
    """A random salt for one UTC day; deleted after two days so old hashes can't be recomputed."""

    day = models.DateField(_("day"), unique=True)
    salt = models.BinaryField(_("salt"), max_length=32)

    class Meta:
        verbose_name = _("visitor salt")
        verbose_name_plural = _("visitor salts")

    def __str__(self) -> str:
        return f"salt for {self.day:%Y-%m-%d}"


class DailyRollup(models.Model):
    """One site's figures for one day (in the site's time zone), per dimension value.

    `dimension` is "" for the day's totals, which also marks the day as rolled up. Visitors are
    the day's distinct visitor hashes, so they add up across days like the live figures do.
    """

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="rollups", verbose_name=_("site")
    )
    day = models.DateField(_("day"))
    dimension = models.CharField(_("dimension"), max_length=20, blank=True)
    value = models.CharField(_("value"), max_length=URL_MAX_LENGTH, blank=True)
    label = models.CharField(_("label"), max_length=100, blank=True)
    visitors = models.PositiveIntegerField(_("visitors"), default=0)
    pageviews = models.PositiveIntegerField(_("pageviews"), default=0)
    events = models.PositiveIntegerField(_("events"), default=0)
    # Visits (sessions) that started this day: on the totals row and the entry/exit page rows.
    sessions = models.PositiveIntegerField(_("visits"), default=0)
    bounces = models.PositiveIntegerField(_("bounces"), default=0)
    duration = models.PositiveBigIntegerField(_("visit seconds"), default=0)

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        indexes = [
            models.Index(fields=["site", "dimension", "day"], name="rollup_site_dimension_day_idx")
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.day} {self.dimension or 'total'}={self.value}"


class FilteredRollup(models.Model):
    """One site's figures for one day, per dimension value, among the visits that match one
    filter (`filter`=`filter_value`): what a dashboard filtered by that value shows.

    Built and dropped with the day's `DailyRollup` rows; the day's totals row there marks both
    as done. Visits (sessions) are formed from the matching hits only, as a filtered view does.
    """

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="filtered_rollups", verbose_name=_("site")
    )
    day = models.DateField(_("day"))
    filter = models.CharField(_("filter"), max_length=20)
    # A digest of filter_value, so the index stays small however long a page's path is.
    filter_key = models.BigIntegerField(_("filter key"))
    filter_value = models.CharField(_("filter value"), max_length=URL_MAX_LENGTH, blank=True)
    dimension = models.CharField(_("dimension"), max_length=20, blank=True)
    value = models.CharField(_("value"), max_length=URL_MAX_LENGTH, blank=True)
    label = models.CharField(_("label"), max_length=100, blank=True)
    visitors = models.PositiveIntegerField(_("visitors"), default=0)
    pageviews = models.PositiveIntegerField(_("pageviews"), default=0)
    events = models.PositiveIntegerField(_("events"), default=0)
    sessions = models.PositiveIntegerField(_("visits"), default=0)
    bounces = models.PositiveIntegerField(_("bounces"), default=0)
    duration = models.PositiveBigIntegerField(_("visit seconds"), default=0)

    class Meta:
        verbose_name = _("filtered rollup")
        verbose_name_plural = _("filtered rollups")
        indexes = [
            models.Index(
                fields=["site", "filter", "filter_key", "dimension", "day"],
                name="frollup_site_filter_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.day} {self.filter}={self.filter_value} {self.dimension}"


class RevenueRollup(models.Model):
    """One site's revenue for one day, per custom event and currency, in total (`dimension` "")
    and per value of the dimensions revenue is broken down by. Built and dropped with the day's
    `DailyRollup` rows."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="revenue_rollups", verbose_name=_("site")
    )
    day = models.DateField(_("day"))
    event = models.CharField(_("event"), max_length=EVENT_MAX_LENGTH)
    currency = models.CharField(_("currency"), max_length=3)
    dimension = models.CharField(_("dimension"), max_length=20, blank=True)
    value = models.CharField(_("value"), max_length=URL_MAX_LENGTH, blank=True)
    label = models.CharField(_("label"), max_length=100, blank=True)
    # A sum of many amounts: room for more digits than one event's.
    amount = models.DecimalField(
        _("revenue"), max_digits=AMOUNT_MAX_DIGITS + 6, decimal_places=AMOUNT_DECIMAL_PLACES
    )
    events = models.PositiveIntegerField(_("events with revenue"), default=0)

    class Meta:
        verbose_name = _("revenue rollup")
        verbose_name_plural = _("revenue rollups")
        indexes = [
            models.Index(
                fields=["site", "event", "currency", "dimension", "day"],
                name="rrollup_site_event_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.day} {self.event} {self.currency} {self.dimension}"


class ReportDay(models.Model):
    """One site's figures of one report (a funnel, a journey query, an experiment or a
    funnel's drop-off dashboard) for one finished day, unfiltered or under one rolled-up
    filter: summable counts that a period's report adds up.

    A visit never crosses local midnight and a visitor hash belongs to one day, so a period's
    figures are exactly the sum of its days'. `key` is a digest of everything that changes the
    result (a funnel's steps, a journey's entry, exit and length, an experiment's property and
    goal, the time zone and the filter), so an edited definition never reads old figures.
    Dropped with the day's rollups.
    """

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="report_days", verbose_name="site"
    )
    kind = models.CharField("kind", max_length=20)
    key = models.BigIntegerField("definition key")
    day = models.DateField("day")
    data = models.JSONField("figures", default=dict)

    class Meta:
        verbose_name = "report day"
        verbose_name_plural = "report days"
        # Also the index a report's days are read by.
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "key", "day"], name="reportday_site_kind_key_day_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.day} {self.kind} {self.key}"


class SpoolProgress(models.Model):
    """How far into one spool file the visits are stored (see visits.spool)."""

    name = models.CharField(_("spool file"), max_length=200, unique=True)
    offset = models.BigIntegerField(_("bytes stored"), default=0)

    class Meta:
        verbose_name = _("spool progress")
        verbose_name_plural = _("spool progress")

    def __str__(self) -> str:
        return f"{self.name} at {self.offset}"


class DatabaseIdentity(models.Model):
    """This database's random name, made once: spool files carry it, so a file is only ever
    stored into the database it was written for (never one that merely shares the directory)."""

    key = models.UUIDField(_("identity"), unique=True, default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("database identity")
        verbose_name_plural = _("database identity")

    def __str__(self) -> str:
        return str(self.key)


class SpoolErasure(models.Model):
    """An erasure of a site's visits from `start` to `end`, at `erased_at`: spooled lines it
    covers that are still waiting in any process's file are dropped when they are ingested."""

    site_id = models.BigIntegerField(_("site"))
    start = models.DateTimeField(_("first moment erased"), null=True, blank=True)
    end = models.DateTimeField(_("end of the erased span"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)

    class Meta:
        verbose_name = _("spool erasure")
        verbose_name_plural = _("spool erasures")
        indexes = [models.Index(fields=["site_id"], name="spoolerasure_site_idx")]

    def __str__(self) -> str:
        return f"site {self.site_id} erased at {self.erased_at:%Y-%m-%d %H:%M}"

    def covers(self, *, site_id: int, timestamp) -> bool:
        return (
            site_id == self.site_id
            and timestamp < self.erased_at
            and (self.start is None or timestamp >= self.start)
            and (self.end is None or timestamp < self.end)
        )
