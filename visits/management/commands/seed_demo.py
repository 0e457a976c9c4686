"""Fill a site (or a new demo owner's site) with realistic visits."""

import secrets
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.services import user_register
from sites.models import Site
from sites.services import goal_create, site_create
from visits.demo import demo_visits_create
from visits.management.site_argument import site_from_argument
from visits.stats.rollups import rollup_ensure, rollup_forget

DEMO_GOALS = [
    ("Signed up", "event", "signup"),
    ("Saw pricing", "page", "/pricing"),
    ("Read the docs", "page", "/docs/*"),
    ("Purchased", "event", "purchase", "EUR"),
]


class Command(BaseCommand):
    help = (
        "Add realistic demo visits (pages, referrers, countries, browsers, a daily and weekly "
        "rhythm) to --site, or to a new demo owner and site whose login is printed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--visits", type=int, default=20_000, help="how many visits (20000)")
        parser.add_argument("--days", type=int, default=90, help="spread over the last D days (90)")
        parser.add_argument("--site", type=int, help="the id of an existing site to fill")
        parser.add_argument("--seed", type=int, default=1, help="random seed, for repeatable data")

    def handle(self, *args, visits, days, site, seed, **options):
        if visits < 0:
            raise CommandError("--visits must be 0 or more.")
        if not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660.")
        target = site_from_argument(site) if site is not None else self._demo_site()
        started = timezone.now()
        created = demo_visits_create(site=target, visits=visits, days=days, now=started, seed=seed)
        inserted = timezone.now()
        rollup_forget(site=target)
        rollup_ensure(
            site=target,
            first_day=(started - timedelta(days=days + 1)).date(),
            last_day=started.date(),
            now=inserted,
        )
        finished = timezone.now()
        self.stdout.write(
            f"Added {created} visits over {days} days to site {target.pk} ({target.name}) "
            f"in {(inserted - started).total_seconds():.1f} s; "
            f"daily rollups in {(finished - inserted).total_seconds():.1f} s."
        )

    def _demo_site(self) -> Site:
        email = f"demo-{secrets.token_hex(4)}@example.com"
        password = secrets.token_urlsafe(12)
        owner = user_register(email=email, password=password, name="Demo owner")
        self.stdout.write(f"Demo owner: {email}  password: {password}")
        site = site_create(owner=owner, name="Demo site", base_url="https://demo.example.com")
        for name, kind, value, *currency in DEMO_GOALS:
            goal_create(site=site, name=name, kind=kind, value=value, currency="".join(currency))
        return site
