"""Realistic demo visits, written in bulk, for trying the dashboard and benchmarking it."""

import hashlib
import math
import random
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import accumulate, islice
from operator import itemgetter
from zoneinfo import ZoneInfo

from django.db import transaction

from sites.models import Site
from visits.ingest.bulk import props_json, statistics_refresh, visit_row, visits_insert
from visits.ingest.referrers import referrer_fields
from visits.models import ENGAGEMENT, PAGEVIEW, Visit

PAGES = [
    ("/", 30),
    ("/pricing", 10),
    ("/blog/", 8),
    ("/blog/privacy-first-analytics", 7),
    ("/blog/self-hosting-on-a-small-server", 5),
    ("/docs/", 6),
    ("/docs/getting-started", 6),
    ("/docs/api", 3),
    ("/about", 3),
    ("/contact", 2),
    ("/changelog", 2),
    ("/careers", 1),
]
REFERRERS = [
    ("", 40),
    ("https://www.google.com/", 25),
    ("https://duckduckgo.com/", 6),
    ("https://news.ycombinator.com/", 6),
    ("https://www.bing.com/", 4),
    ("https://github.com/", 5),
    ("https://www.reddit.com/r/selfhosted/", 5),
    ("https://t.co/", 3),
    ("https://lobste.rs/", 2),
    ("https://mastodon.social/", 2),
    ("https://newsletter.example.net/issue-42", 2),
]
PLACES = [
    ("US", "United States", "California", "San Francisco", 14),
    ("US", "United States", "New York", "New York", 10),
    ("DE", "Germany", "Land Berlin", "Berlin", 9),
    ("DE", "Germany", "Bavaria", "Munich", 5),
    ("GB", "United Kingdom", "England", "London", 9),
    ("FR", "France", "Île-de-France", "Paris", 7),
    ("NL", "Netherlands", "North Holland", "Amsterdam", 5),
    ("IN", "India", "Karnataka", "Bengaluru", 6),
    ("BR", "Brazil", "São Paulo", "São Paulo", 4),
    ("JP", "Japan", "Tokyo", "Tokyo", 4),
    ("CA", "Canada", "Ontario", "Toronto", 4),
    ("AU", "Australia", "New South Wales", "Sydney", 3),
    ("SE", "Sweden", "Stockholm County", "Stockholm", 3),
    ("ES", "Spain", "Madrid", "Madrid", 3),
    ("", "", "", "", 3),
]
AGENTS = [
    ("Chrome", "131", "Windows", "desktop", 24),
    ("Chrome", "131", "macOS", "desktop", 10),
    ("Safari", "18", "macOS", "desktop", 8),
    ("Firefox", "133", "Windows", "desktop", 6),
    ("Firefox", "133", "Linux", "desktop", 4),
    ("Edge", "131", "Windows", "desktop", 6),
    ("Safari", "18", "iOS", "mobile", 16),
    ("Chrome", "131", "Android", "mobile", 14),
    ("Samsung Internet", "27", "Android", "mobile", 3),
    ("Safari", "18", "iOS", "tablet", 5),
    ("Chrome", "131", "Android", "tablet", 2),
    ("Chrome", "131", "Chrome OS", "desktop", 2),
]
CAMPAIGNS = [
    ({}, 80),
    ({"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "november-digest"}, 8),
    ({"utm_source": "mastodon", "utm_medium": "social", "utm_campaign": "launch"}, 5),
    (
        {
            "utm_source": "duckduckgo",
            "utm_medium": "cpc",
            "utm_campaign": "privacy-ads",
            "utm_term": "private analytics",
        },
        4,
    ),
    ({"utm_source": "producthunt"}, 3),
]
SCREENS = {"mobile": ["mobile"], "tablet": ["tablet"], "desktop": ["laptop", "desktop", "desktop"]}
OUTBOUND = ["https://github.com/", "https://docs.djangoproject.com/", "https://mastodon.social/"]
EVENTS = [
    ("signup", [{"plan": "free"}, {"plan": "free"}, {"plan": "pro"}], 5),
    ("File Download", [{"url": "{base}/files/guide.pdf"}, {"url": "{base}/files/setup.zip"}], 3),
    ("Outbound Link: Click", [{"url": url} for url in OUTBOUND], 4),
    ("newsletter", [{}], 2),
    ("purchase", [{"plan": "pro"}, {"plan": "pro"}, {"plan": "team"}], 2),
]
PRICES = {"pro": Decimal("19.00"), "team": Decimal("49.00")}  # a purchase's revenue, in EUR
ENGAGED_SHARE = 0.8  # visits whose last page sends an engagement ping when left
EVENT_SHARE = 0.15  # visits that end with a custom event
VISITS_PER_VISITOR = 2.6
SESSION_LENGTHS = [1, 2, 3, 4, 5, 7]
SESSION_WEIGHTS = [45, 22, 14, 9, 6, 4]
BATCH_SIZE = 5000


def _choices(rng: random.Random, table: list[tuple], count: int) -> list[tuple]:
    return rng.choices(table, weights=[row[-1] for row in table], k=count)


def _visitor_hash(site_id: int, visitor: int, day_ordinal: int) -> int:
    """Per site and day, as real visitor hashes are (`visits.ingest.visitors`)."""
    message = f"{site_id}:{visitor}:{day_ordinal}".encode()
    digest = hashlib.blake2b(message, digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _slots(*, days: int, now: datetime, tz: ZoneInfo) -> tuple[list[datetime], list[float]]:
    """Every hour of the period with its share of traffic: busy afternoons, quiet weekends."""
    local_now = now.astimezone(tz).replace(minute=0, second=0, microsecond=0)
    first = local_now - timedelta(days=days - 1, hours=local_now.hour)
    slots, weights = [], []
    for hour_index in range(days * 24):
        slot = first + timedelta(hours=hour_index)
        if slot > local_now:
            break
        daily = 0.25 + math.sin(math.pi * max(0, slot.hour - 6) / 18) ** 2
        weekly = 0.6 if slot.weekday() >= 5 else 1.0
        growth = 0.7 + 0.3 * hour_index / (days * 24)
        slots.append(slot)
        weights.append(daily * weekly * growth)
    return slots, weights


def demo_visits_create(*, site: Site, visits: int, days: int, now: datetime, seed: int = 1) -> int:
    """Add `visits` demo visits over the last `days` days of the site's time zone; return count."""
    created = 0
    # The bulk writer (COPY on PostgreSQL): millions of rows take minutes, not hours.
    with transaction.atomic():
        batch = []
        for row in _demo_rows(site=site, total=visits, days=days, now=now, seed=seed):
            batch.append(row)
            if len(batch) == BATCH_SIZE:
                visits_insert(batch)
                created, batch = created + len(batch), []
        if batch:
            visits_insert(batch)
    statistics_refresh(models=[Visit])
    return created + len(batch)


def _revenue(event: str, props: dict) -> dict:
    if event != "purchase":
        return {}
    # As text, as the recorder writes it.
    return {"revenue_amount": str(PRICES[props["plan"]]), "revenue_currency": "EUR"}


def _demo_rows(*, site: Site, total: int, days: int, now: datetime, seed: int):
    """Visits in sessions: an entry from a referrer, then a few pages followed within minutes.
    Made as the rows the bulk writer takes (a model instance per visit was a third of the time),
    every column the demo leaves alone at the model's default. Written day by day in time
    order, as a beacon writes them: a table in arrival order reads a period from its own part
    of the heap, where shuffled rows made every period's read touch the whole table."""
    defaults = visit_row(Visit(site=site, timestamp=now))
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    slots, weights = _slots(days=days, now=now, tz=ZoneInfo(site.timezone))
    visitor_count = max(1, int(total / VISITS_PER_VISITOR))
    profiles = list(
        zip(
            _choices(rng, PLACES, visitor_count),
            _choices(rng, AGENTS, visitor_count),
            _choices(rng, REFERRERS, visitor_count),
            strict=True,
        )
    )
    for day_slots, cumulative, quota in _days(slots, weights, total):
        rows: list[dict] = []
        while len(rows) < quota:
            for slot in rng.choices(day_slots, cum_weights=cumulative, k=100):
                visitor = rng.randrange(visitor_count)
                session = _session(rng, site, defaults, slot, visitor, profiles[visitor], now)
                rows.extend(islice(session, quota - len(rows)))
                if len(rows) == quota:
                    break
        rows.sort(key=itemgetter("timestamp"))
        yield from rows


def _days(slots: list[datetime], weights: list[float], total: int):
    """Per local day: its hours, their cumulative weights, and its share of `total` visits
    (the shares' remainders go to the days they were largest for, so they sum to `total`)."""
    by_day: dict = {}
    for slot, weight in zip(slots, weights, strict=True):
        by_day.setdefault(slot.date(), []).append((slot, weight))
    overall = sum(weights)
    exact = {day: total * sum(w for _, w in hours) / overall for day, hours in by_day.items()}
    quotas = {day: int(share) for day, share in exact.items()}
    short = total - sum(quotas.values())
    for day in sorted(exact, key=lambda day: quotas[day] - exact[day])[:short]:
        quotas[day] += 1
    for day, hours in by_day.items():
        cumulative = list(accumulate(weight for _, weight in hours))
        yield [slot for slot, _ in hours], cumulative, quotas[day]


def _session(rng, site, defaults: dict, slot: datetime, visitor: int, profile, now: datetime):
    """One visitor's session from `slot` on: its hits as rows, none after now."""
    place, agent, entry_referrer = profile
    campaign = _choices(rng, CAMPAIGNS, 1)[0][0]
    screen = SCREENS[agent[3]][visitor % len(SCREENS[agent[3]])]
    # Never in the future: the current hour is only filled up to now.
    span = min(3600.0, (now - slot).total_seconds())
    at = slot + timedelta(seconds=rng.random() * span)
    referrer = entry_referrer[0]
    length = rng.choices(SESSION_LENGTHS, weights=SESSION_WEIGHTS)[0]
    pages = [(page[0], PAGEVIEW, {}) for page in _choices(rng, PAGES, length)]
    if rng.random() < EVENT_SHARE:
        name, choices, _ = _choices(rng, EVENTS, 1)[0]
        props = {
            key: value.replace("{base}", site.base_url)
            for key, value in rng.choice(choices).items()
        }
        pages.append((pages[-1][0], name, props))
    if rng.random() < ENGAGED_SHARE:
        pages.append((pages[-1][0], ENGAGEMENT, {}))
    for path, event, props in pages:
        if at > now:
            return
        url = site.base_url + path
        yield {
            **defaults,
            "timestamp": at,
            "url": url,
            "path": path,
            "referrer": referrer,
            **referrer_fields(
                referrer=referrer, page_url=url, site_domains=site.domains, campaign=campaign
            ),
            "event": event,
            "browser": agent[0],
            "browser_version": agent[1],
            "os": agent[2],
            "device": agent[3],
            "country_code": place[0],
            "country": place[1],
            "region": place[2],
            "city": place[3],
            "screen": screen,
            "props": props_json(props),
            **_revenue(event, props),
            **campaign,
            "visitor_hash": _visitor_hash(site.pk, visitor, at.toordinal()),
        }
        referrer, campaign = url, {}  # tags arrive with the entry page only
        at += timedelta(seconds=rng.randrange(15, 240))
