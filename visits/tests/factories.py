import factory
from django.utils import timezone

from visits.ingest.url_parts import referrer_domain, url_path
from visits.models import Visit


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    timestamp = factory.LazyFunction(timezone.now)
    url = factory.LazyAttribute(lambda visit: visit.site.base_url + "/")
    path = factory.LazyAttribute(lambda visit: url_path(visit.url))
    referrer = ""
    referrer_domain = factory.LazyAttribute(
        lambda visit: referrer_domain(referrer=visit.referrer, page_url=visit.url)
    )
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
