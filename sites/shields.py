"""Shields: the traffic an owner keeps out of a site's figures (an office's addresses, countries,
test pages, staging hosts).

The rules are written as text on the site, one per line; `shields_normalize` turns what an
owner typed into that text or a ValidationError per field, and `Shields.from_text` parses it
once into matchers that the beacon keeps with the site. Nothing of a skipped hit is stored.
"""

import contextlib
import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sites.base_urls import host_ascii

MAX_RULES = 100  # per kind: enough for any office, and a short scan per hit
RULE_MAX_LENGTH = 500
SHIELD_FIELDS = ("excluded_ips", "excluded_countries", "excluded_paths", "excluded_hostnames")
_HOST_PATTERN = re.compile(r"[a-z0-9*]([a-z0-9*.-]*[a-z0-9*])?")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _items(value: str, *, commas: bool) -> list[str]:
    text = (value or "").replace(",", " ") if commas else (value or "")
    items = []
    for item in text.split() if commas else text.splitlines():
        item = item.strip()
        if item and item not in items:
            items.append(item)
    if len(items) > MAX_RULES:
        raise ValidationError(_("List at most %(count)s of them.") % {"count": MAX_RULES})
    for item in items:
        if len(item) > RULE_MAX_LENGTH:
            raise ValidationError(
                _("%(item)s… is longer than %(count)s characters.")
                % {"item": repr(item[:40]), "count": RULE_MAX_LENGTH}
            )
    return items


def network_parse(item: str) -> Network:
    """An address (a network of one) or a CIDR range, IPv4 or IPv6; ValueError when neither."""
    return ipaddress.ip_network(item.strip("[]"), strict=True)


def normalize_ips(value: str) -> str:
    """Addresses and CIDR ranges (lines, commas or spaces) to one per line, written the short
    way (`2001:db8::/32`, a lone address without its `/32` or `/128`)."""
    rules = []
    for item in _items(value, commas=True):
        try:
            network = network_parse(item)
        except ValueError as exc:
            hint = ""
            with contextlib.suppress(ValueError):
                hint = f" Did you mean {ipaddress.ip_network(item, strict=False)}?"
            raise ValidationError(
                _("%(item)s is not an IP address or a CIDR range like 192.0.2.0/24.%(hint)s")
                % {"item": repr(item), "hint": hint}
            ) from exc
        single = network.num_addresses == 1
        rule = str(network.network_address) if single else network.with_prefixlen
        if rule not in rules:
            rules.append(rule)
    return "\n".join(rules)


def normalize_countries(value: str) -> str:
    """Two-letter ISO 3166 country codes (any case, commas or spaces) to upper case, one space
    between them."""
    codes = []
    for item in _items(value, commas=True):
        code = item.upper()
        if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
            raise ValidationError(
                _("%(item)s is not a country code; use two letters, like DE or US.")
                % {"item": repr(item)}
            )
        if code not in codes:
            codes.append(code)
    return " ".join(codes)


def normalize_paths(value: str) -> str:
    """Page paths, one per line, each starting with / and `*` matching any characters."""
    paths = []
    for item in _items(value, commas=False):
        if not item.startswith("/") or " " in item:
            raise ValidationError(
                _("%(item)s is not a path; write it like /admin/* or /test.") % {"item": repr(item)}
            )
        paths.append(item)
    return "\n".join(paths)


def normalize_hostnames(value: str) -> str:
    """Host names (lines, commas or spaces; URLs are fine), `*` matching any characters, like
    `staging.example.com` or `*.test.example.com`; to one per line, in ASCII."""
    hosts = []
    for item in _items(value, commas=True):
        try:
            host = urlsplit(item if "://" in item else f"https://{item}").hostname or ""
            host = ".".join(part if "*" in part else host_ascii(part) for part in host.split("."))
        except (UnicodeError, ValueError) as exc:
            raise ValidationError(_("%(item)s is not a host name.") % {"item": repr(item)}) from exc
        if not _HOST_PATTERN.fullmatch(host):
            raise ValidationError(_("%(item)s is not a host name.") % {"item": repr(item)})
        if host not in hosts:
            hosts.append(host)
    return "\n".join(hosts)


NORMALIZERS = {
    "excluded_ips": normalize_ips,
    "excluded_countries": normalize_countries,
    "excluded_paths": normalize_paths,
    "excluded_hostnames": normalize_hostnames,
}


def shields_normalize(values: dict[str, str]) -> dict[str, str]:
    """Each shield field's text as stored, or ValidationError naming the fields it refuses."""
    cleaned, errors = {}, {}
    for name, value in values.items():
        try:
            cleaned[name] = NORMALIZERS[name](value or "")
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


Glob = tuple[str, ...]  # a pattern's literal pieces between its `*`s


def glob_match(glob: Glob, text: str) -> bool:
    """Whether `text` matches a `*` pattern split at its stars. Each piece is found leftmost in
    turn, which is exact for `*` alone and linear: a hostile URL can't make it backtrack."""
    if len(glob) == 1:
        return text == glob[0]
    first, *middle, last = glob
    start, end = len(first), len(text) - len(last)
    if end < start or not text.startswith(first) or not text.endswith(last):
        return False
    for piece in middle:
        found = text.find(piece, start, end)
        if found < 0:
            return False
        start = found + len(piece)
    return True


@dataclass(frozen=True)
class Shields:
    """A site's shields, parsed: ask `reason_to_skip` about each hit."""

    networks: tuple[Network, ...] = ()
    countries: frozenset[str] = frozenset()
    paths: tuple[Glob, ...] = ()
    hostnames: tuple[Glob, ...] = ()

    @classmethod
    def from_text(
        cls,
        *,
        excluded_ips: str = "",
        excluded_countries: str = "",
        excluded_paths: str = "",
        excluded_hostnames: str = "",
    ) -> "Shields":
        """Parse stored rules; a line that no longer parses (edited in the database) is left out
        rather than stopping the beacon."""
        networks = []
        for line in excluded_ips.split():
            try:
                networks.append(ipaddress.ip_network(line, strict=False))
            except ValueError:
                continue
        return cls(
            networks=tuple(networks),
            countries=frozenset(excluded_countries.upper().split()),
            paths=tuple(tuple(line.split("*")) for line in excluded_paths.split()),
            hostnames=tuple(tuple(line.split("*")) for line in excluded_hostnames.lower().split()),
        )

    @property
    def active(self) -> bool:
        return bool(self.networks or self.countries or self.paths or self.hostnames)

    def covers_address(self, address: str | None) -> bool:
        if not self.networks or not address:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped  # ::ffff:192.0.2.1 is 192.0.2.1
        return any(ip.version == network.version and ip in network for network in self.networks)

    def covers_page(self, url: str) -> bool:
        """Whether a page URL's path or host is shielded."""
        if not self.paths and not self.hostnames:
            return False
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""  # lower case
        except ValueError:
            return False
        path = parts.path or "/"
        return any(glob_match(glob, path) for glob in self.paths) or any(
            glob_match(glob, host) for glob in self.hostnames
        )

    def covers_country(self, country_code: str) -> bool:
        return bool(country_code) and country_code.upper() in self.countries


NO_SHIELDS = Shields()
