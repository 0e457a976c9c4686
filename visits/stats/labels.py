"""How values read on the dashboard: names where the data holds codes, in the page's language."""

import gettext as gnu_gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language, gettext

from visits.models import Device
from visits.stats.filters import DIRECT


def filter_value_label(name: str, value: str) -> str:
    """'country', 'DE' -> 'Germany'; 'device', 'mobile' -> 'Mobile'; anything else as given."""
    if name == "country":
        return country_name(value)
    if name == "device":
        return device_label(value)
    if name == "referrer" and value == DIRECT:
        return gettext("Direct / none")
    return getattr(value, "label", value)  # a resolved funnel filter names its funnel and step


def country_name(code: str, *, english: str = "") -> str:
    """The name of a country code in the active language. In English, `english` (the name the
    visit was located with) when given, so panels keep the names their visits carry."""
    english_page = _language() == "en"
    if english and english_page:
        return english  # every row of an English panel: no lookup
    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    if country is None:
        return english or code
    name = getattr(country, "common_name", None) or country.name
    return name if english_page else country_in_language(name)


def country_in_language(english: str) -> str:
    """An English country name ('Germany', as GeoIP names it) in the active language."""
    language = _language()
    return english if language == "en" else _country_names(language).gettext(english)


def _language() -> str:
    return (get_language() or "en").split("-")[0]


@lru_cache(maxsize=16)
def _country_names(language: str) -> gnu_gettext.NullTranslations:
    # pycountry ships ISO 3166's names in most languages, compiled.
    return gnu_gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def device_label(value: str) -> str:
    """'mobile' -> 'Mobile', translated; a kind not in the list capitalised as it is."""
    if value in Device.values:
        return str(Device(value).label)
    return value.capitalize()
