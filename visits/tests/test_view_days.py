"""The per-day cache of the views no rollup holds (`visits.stats.view_days`): two filters, a
rarer filter, a property and a funnel's drop-off give exactly the raw read's figures, cold (first
read, storing the days) and warm, with today's visits; a warm read reads today's visits only
(and resolves a drop-off's funnel for today only); an edited funnel reads no old day."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sites.models import FunnelStep
from sites.services import goal_create
from visits.models import ReportDay, Visit
from visits.stats import funnel_filter
from visits.stats.dimensions import TOTAL
from visits.tests.factories import VisitFactory

NOW = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def hit(site, visitor, at, path, event="pageview", country="DE", scroll=None):
    VisitFactory(
        site=site,
        visitor_hash=visitor,
        timestamp=at,
        url=f"https://blog.example.com{path}",
        event=event,
        country_code=country,
        city="Berlin" if country == "DE" else "Paris",
        browser="Firefox" if visitor % 2 else "Chrome",
        props={"plan": "pro"} if event == "signup" else {},
        revenue_amount=Decimal("12.50") if event == "signup" else None,
        revenue_currency="EUR" if event == "signup" else "",
        scroll_depth=scroll,
    )


def add_day(site, days_ago, *, base, minute=0):
    """A day of visitors (hashes of their own day): some drop before /pricing, some not."""
    start = datetime(2026, 3, 15, 8, minute, tzinfo=UTC) - timedelta(days=days_ago)
    country = "FR" if days_ago % 2 else "DE"
    hit(site, base + 1, start, "/", country=country)
    hit(site, base + 1, start + timedelta(minutes=2), "/about", country=country)
    hit(
        site, base + 1, start + timedelta(minutes=3), "/about", "engagement", country, 40 + days_ago
    )
    hit(site, base + 2, start, "/", country="DE")
    hit(site, base + 2, start + timedelta(minutes=1), "/pricing", country="DE")
    hit(site, base + 2, start + timedelta(minutes=2), "/pricing", "signup", "DE")
    hit(site, base + 3, start, "/", country="FR")
    hit(site, base + 3, start + timedelta(minutes=1), "/", "engagement", "FR", 75)
    hit(site, base + 3, start + timedelta(minutes=50), "/pricing", country="FR")  # later visit


@pytest.fixture
def funnel(site, signup_funnel):
    goal_create(site=site, name="Pricing", kind="page", value="/pricing")
    goal_create(site=site, name="Signup", kind="event", value="signup", currency="EUR")
    goal_create(site=site, name="Any pricing page", kind="page", value="/pri*")
    for days_ago in range(0, 16):
        add_day(site, days_ago, base=days_ago * 100)
    return signup_funnel


def figures(response) -> dict:
    """Everything the drop-off dashboard shows, as comparable values."""
    context = response.context
    return {
        "headline": [tuple(card[:2]) for card in context["headline"]],
        "chart": [tuple(vars(point).values()) for point in context["points"]],
        "goals": context["goals"],
        "revenue": context["revenue"],
        "scroll": context["scroll_depth"],
        "panels": {panel["dimension"]: panel["rows"] for panel in context["panels"]},
        "chips": context["filters"],
    }


def read(client, site, query, *, raw=False, queries=None):
    """The dashboard's figures, through the cache or (raw) as every day read raw; `queries`
    (a list) gets the SQL of the queries that touched raw visits."""
    with CaptureQueriesContext(connection) as captured:
        response = dashboard(client, site, query, raw=raw)
    if queries is not None:
        queries += [q["sql"] for q in captured if f'"{Visit._meta.db_table}"' in q["sql"]]
    return figures(response)


def dashboard(client, site, query, *, raw=False):
    """The dashboard's response at NOW, through the cache or as every day read raw."""
    off = [
        mock.patch(f"visits.stats.{module}.view_cached", return_value=None)
        for module in ("figures", "performance")
    ]
    with time_machine.travel(NOW, tick=False):
        for patch in off if raw else ():
            patch.start()
        try:
            response = client.get(f"/sites/{site.pk}/stats/?{query}")
        finally:
            for patch in off if raw else ():
                patch.stop()
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("extra", ["", "&country=FR"])
def test_cached_equal_raw_cold_warm_and_with_today(owner_client, site, funnel, extra):
    query = f"period=7d&dropped={funnel.pk}.2{extra}"
    raw = read(owner_client, site, query, raw=True)
    assert not ReportDay.objects.filter(kind="dropped").exists()
    assert read(owner_client, site, query) == raw  # cold: computes and stores the days
    # Every finished day of the period and the one before, today excluded.
    assert ReportDay.objects.filter(kind="dropped").count() == 13
    assert read(owner_client, site, query) == raw  # warm
    assert raw["headline"][0][1] > 0 and raw["scroll"]["value"] is not None
    add_day(site, 0, base=5000, minute=30)  # more of today's visits
    again = read(owner_client, site, query, raw=True)
    assert again != raw
    assert read(owner_client, site, query) == again


def test_an_edited_funnel_reads_no_stale_days(owner_client, site, funnel):
    query = f"period=7d&dropped={funnel.pk}.2"
    before = read(owner_client, site, query)
    FunnelStep.objects.filter(funnel=funnel, position=2).update(value="/about")
    raw = read(owner_client, site, query, raw=True)
    assert raw != before
    assert read(owner_client, site, query) == raw
    assert read(owner_client, site, query) == raw


def test_a_warm_read_resolves_the_funnel_for_today_only(owner_client, site, funnel):
    query = f"period=30d&dropped={funnel.pk}.2"
    read(owner_client, site, query)
    today = datetime(2026, 3, 15, tzinfo=UTC)
    with mock.patch.object(
        funnel_filter, "steps_depths", wraps=funnel_filter.steps_depths
    ) as depths:
        read(owner_client, site, query)
    assert depths.call_count == 1
    assert depths.call_args.kwargs["start"] == today  # today alone: no cached day read raw
    ReportDay.objects.filter(kind="dropped").delete()
    with mock.patch.object(
        funnel_filter, "steps_depths", wraps=funnel_filter.steps_depths
    ) as depths:
        read(owner_client, site, query)
    # Cold: the missing days of the period in one run, then today, then the period before.
    starts = sorted(call.kwargs["start"] for call in depths.call_args_list)
    assert starts == [today - timedelta(days=59), today - timedelta(days=29), today]


VIEWS = [
    "country=DE&page=/pricing",
    "city=Paris",
    "prop=plan%3Dpro",
    "country=FR&browser=Firefox&page=/",
    "country=FR&referrer=direct",
]


@pytest.mark.parametrize("view", VIEWS)
def test_views_no_rollup_holds_are_cached_and_equal_raw(owner_client, site, funnel, view):
    query = f"period=7d&{view}"
    raw = read(owner_client, site, query, raw=True)
    assert raw["headline"][0][1] > 0, view
    assert not ReportDay.objects.filter(kind="view").exists()
    # Nobody reached /pricing in the others (a view of the page / has no other page's hits).
    with_goals = view in ("country=DE&page=/pricing", "city=Paris", "prop=plan%3Dpro")
    reached = {goal.name: goal.visitors for goal in raw["goals"]}["Any pricing page"]
    assert not with_goals or reached > 0, view
    assert read(owner_client, site, query) == raw  # cold: computes and stores the days
    # Every finished day of the period and the one before, today excluded.
    assert ReportDay.objects.filter(kind="view").count() == 13
    warm_reads = []
    assert read(owner_client, site, query, queries=warm_reads) == raw
    # Today's hits alone (and whether the site has any visit, one row).
    reads = [sql for sql in warm_reads if not sql.endswith("LIMIT 1")]
    assert reads and all("2026-03-15" in sql for sql in reads), reads
    add_day(site, 0, base=5000, minute=30)  # more of today's visits
    again = read(owner_client, site, query, raw=True)
    assert again != raw
    assert read(owner_client, site, query) == again


def test_each_view_keeps_its_own_days(owner_client, site, funnel):
    first = read(owner_client, site, "period=7d&country=DE&page=/pricing")
    other = read(owner_client, site, "period=7d&country=FR&page=/pricing")
    assert first != other
    assert ReportDay.objects.filter(kind="view").count() == 26
    assert read(owner_client, site, "period=7d&country=FR&page=/pricing") == other
    assert read(owner_client, site, "period=7d&country=DE&page=/pricing") == first


def test_a_site_keeps_its_newest_view_days_only(owner_client, site, funnel, monkeypatch):
    monkeypatch.setattr("visits.stats.report_days.KEPT_DAYS", 20)
    read(owner_client, site, "period=7d&country=DE&page=/pricing")
    first_keys = set(ReportDay.objects.filter(kind="view").values_list("key", flat=True))
    newest = read(owner_client, site, "period=7d&country=FR&page=/pricing")
    assert ReportDay.objects.filter(kind="view").count() == 20
    kept = ReportDay.objects.filter(kind="view")
    # The first view's oldest days went; the second view's 13 (its period's 6 finished days
    # with every panel, the 7 before them with their totals) are all kept.
    assert kept.exclude(key__in=first_keys).count() == 13
    assert read(owner_client, site, "period=7d&country=FR&page=/pricing") == newest
    raw = read(owner_client, site, "period=7d&country=DE&page=/pricing", raw=True)
    assert read(owner_client, site, "period=7d&country=DE&page=/pricing") == raw


@pytest.mark.parametrize(
    ("extra", "current", "previous", "about"),
    [
        # /about at 40 + days ago (FR on odd days, DE on even ones), / at 75 (FR) every day.
        ("", 59, 62, 43),  # (40..46 + 7 x 75) / 14 = 59; (47..53 + 7 x 75) / 14 = 62.5
        ("&country=DE", 43, 50, 43),  # 40, 42, 44, 46; 48, 50, 52
    ],
)
def test_scroll_depths_keep_their_finished_days(
    owner_client, site, funnel, extra, current, previous, about
):
    query = f"period=7d{extra}"
    for _ in ("cold", "warm"):
        reads = []
        shown = read(owner_client, site, query, queries=reads)
        assert shown["scroll"] == {"value": current, "change": current - previous}
        pages = {row.value: row.scroll_depth for row, _ in shown["panels"]["page"]}
        assert pages["/about"] == about
    assert ReportDay.objects.filter(kind="scroll").count() == 13
    # Warm: only today's pings are read.
    pings = [sql for sql in reads if '"scroll_depth"' in sql]
    assert pings and all("2026-03-15" in sql for sql in pings), pings
    hit(site, 9999, NOW - timedelta(minutes=5), "/about", "engagement", "DE", 100)
    again = read(owner_client, site, query)
    assert again["scroll"]["value"] > current


@pytest.mark.parametrize("tz_name", ["UTC", "America/New_York"])
def test_the_panels_pass_finds_the_scroll_depths_the_pings_query_finds(site, tz_name):
    """The deepest ping of each page view, read with the panels, as the query of pings alone
    reads it: several pings per page view, pings without a depth, days in the site's zone."""
    import random
    from zoneinfo import ZoneInfo

    from visits.stats.onepass import pass_rows_and_scroll
    from visits.stats.view_days import scroll_by_day, scroll_per_day

    chance = random.Random(5)
    for visitor in range(30):
        # A visitor on several days, several pages a day, some pages seen twice.
        for day in chance.sample(range(4), chance.randrange(1, 3)):
            at = NOW - timedelta(days=day, hours=chance.randrange(12))
            for view in range(chance.randrange(1, 4)):
                path = chance.choice(["/", "/about", "/pricing"])
                seen = at + timedelta(minutes=10 * view)
                hit(site, visitor, seen, path)
                for ping in range(chance.randrange(4)):
                    depth = chance.choice([None, 10, 55, 90, 100])
                    moment = seen + timedelta(minutes=ping + 1)
                    hit(site, visitor, moment, path, "engagement", scroll=depth)
    visits = Visit.objects.filter(site=site)
    tz = ZoneInfo(tz_name)
    _, deepest = pass_rows_and_scroll(visits, tz=tz)
    expected = scroll_by_day(visits, tz=tz)
    assert scroll_per_day(deepest.items()) == expected and len(expected) >= 3


def test_the_comparison_period_keeps_its_totals_alone_and_serves_no_panel(
    owner_client, site, funnel
):
    """A first read sums every panel for the period but only the totals (and scroll depths)
    for the one before it, which the headline compares against: its changes equal the raw
    read's, and those days, read later as a period of their own, still give every panel."""
    query = "period=7d&country=DE&page=/"
    raw_cards = read_cards(owner_client, site, query, raw=True)
    assert read_cards(owner_client, site, query) == raw_cards
    assert any(card[2] not in (None, 0) for card in raw_cards)  # changes worth comparing
    stored = {day.day: set(day.data["rows"]) for day in ReportDay.objects.filter(kind="view")}
    before = [day for day in stored if day < datetime(2026, 3, 9).date()]
    assert before and all(stored[day] == {TOTAL} for day in before)
    assert any(len(rows) > 5 for rows in stored.values())  # the period's days: every panel
    earlier = "period=custom&from=2026-03-02&to=2026-03-08&country=DE&page=/"
    assert read(owner_client, site, earlier) == read(owner_client, site, earlier, raw=True)


def read_cards(client, site, query, *, raw=False):
    """The headline's cards, changes included, and the scroll depth card (see `read`)."""
    response = dashboard(client, site, query, raw=raw)
    cards = [tuple(card) for card in response.context["headline"]]
    return [*cards, tuple(response.context["scroll_depth"].values())]
