import factory
from django.utils import timezone

from visits.ingest.campaigns import campaign_from_url
from visits.ingest.referrers import referrer_fields
from visits.ingest.url_parts import url_path
from visits.models import Visit


def _referrer(visit) -> dict[str, str]:
    """What the beacon derives from the referrer, for the site and the page's tags."""
    return referrer_fields(
        referrer=visit.referrer,
        page_url=visit.url,
        site_domains=visit.site.domains,
        campaign=campaign_from_url(visit.url),
    )


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    timestamp = factory.LazyFunction(timezone.now)
    url = factory.LazyAttribute(lambda visit: visit.site.base_url + "/")
    path = factory.LazyAttribute(lambda visit: url_path(visit.url))
    referrer = ""
    referrer_domain = factory.LazyAttribute(lambda visit: _referrer(visit)["referrer_domain"])
    referrer_source = factory.LazyAttribute(lambda visit: _referrer(visit)["referrer_source"])
    channel = factory.LazyAttribute(lambda visit: _referrer(visit)["channel"])
    event = "pageview"
    browser = "Firefox"
    browser_version = "128"
    os = "Linux"
    device = "desktop"
    country_code = "DE"
    country = "Germany"
    region = "Land Berlin"
    city = "Berlin"
    visitor_hash = factory.Sequence(lambda number: number + 1)
