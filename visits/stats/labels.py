"""How a filter's value reads on the dashboard's chips: names where the URL holds codes."""

import pycountry
from django.utils.translation import gettext

from visits.stats.filters import DIRECT


def filter_value_label(name: str, value: str) -> str:
    """'country', 'DE' -> 'Germany'; 'device', 'mobile' -> 'Mobile'; anything else as given."""
    if name == "country":
        country = pycountry.countries.get(alpha_2=value.upper()) if len(value) == 2 else None
        if country is None:
            return value
        return getattr(country, "common_name", None) or country.name
    if name == "device":
        return value.capitalize()
    if name == "referrer" and value == DIRECT:
        return gettext("Direct / none")
    return getattr(value, "label", value)  # a resolved funnel filter names its funnel and step
