"""What a site's address may be: an http(s) origin, written one way only."""

import re
from urllib.parse import urlsplit

import idna
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

BASE_URL_MAX_LENGTH = 300
MAX_EXTRA_DOMAINS = 20
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")
_url_validator = URLValidator(schemes=["http", "https"])


def host_ascii(host: str) -> str:
    """A host name as browsers send it: IDNA 2008 with UTS #46 mapping (so `straße.de` is
    `xn--strae-oqa.de`, not IDNA 2003's `strasse.de`), lower case, no trailing dot.
    Raises UnicodeError for a name no browser would send."""
    host = host.rstrip(".")
    if not host or ":" in host or (host.isascii() and not re.search(r"[^a-zA-Z0-9.-]", host)):
        return host.lower()  # plain ASCII names and IPv6 literals need no mapping
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise UnicodeError(str(exc)) from exc


def normalize_base_url(value: str) -> str:
    """Return `scheme://host[:port]` for an address an owner typed, or raise ValidationError.

    A missing scheme means https; the path, query and fragment are dropped, because a site
    is counted by its origin; default ports go too.
    """
    raw = (value or "").strip()
    if not raw:
        raise ValidationError(_("Enter the address of your site, like https://example.com."))
    if len(raw) > BASE_URL_MAX_LENGTH:
        raise ValidationError(
            _("That address is too long (at most %(count)s characters).")
            % {"count": BASE_URL_MAX_LENGTH}
        )
    if "://" not in raw and ":" not in raw.split("/", 1)[0]:
        raw = f"https://{raw}"
    try:
        parts = urlsplit(raw)
    except ValueError as exc:  # "Invalid IPv6 URL" and the like
        raise ValidationError(_("Enter a valid web address, like https://example.com.")) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValidationError(_("Only http:// and https:// addresses can be tracked."))
    try:
        host = host_ascii(parts.hostname or "")
        port = parts.port
    except (UnicodeError, ValueError) as exc:
        raise ValidationError(_("Enter a valid web address, like https://example.com.")) from exc
    if not host or parts.username or parts.password:
        raise ValidationError(_("Enter a valid web address, like https://example.com."))
    default_port = 443 if scheme == "https" else 80
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    if ":" in host:
        netloc = f"[{host}]" if port in (None, default_port) else f"[{host}]:{port}"
    origin = f"{scheme}://{netloc}"
    _url_validator(origin)
    return origin


def validate_base_url(value: str) -> None:
    """Model-level check: the stored value is already normalised."""
    if normalize_base_url(value) != value:
        raise ValidationError(
            _("Store the site address as scheme://host, like https://example.com.")
        )


def normalize_domains(value: str) -> str:
    """Extra domains as typed (lines, commas or spaces; URLs are fine) to one host per line."""
    hosts = []
    for item in value.replace(",", " ").split():
        try:
            host = urlsplit(item if "://" in item else f"https://{item}").hostname or ""
            host = host_ascii(host)
        except (UnicodeError, ValueError) as exc:
            raise ValidationError(
                _("%(item)s is not a domain name.") % {"item": repr(item)}
            ) from exc
        if not host or ("." not in host and host != "localhost") or not _HOST.fullmatch(host):
            raise ValidationError(_("%(item)s is not a domain name.") % {"item": repr(item)})
        if host not in hosts:
            hosts.append(host)
    if len(hosts) > MAX_EXTRA_DOMAINS:
        raise ValidationError(
            _("List at most %(count)s other domains.") % {"count": MAX_EXTRA_DOMAINS}
        )
    return "\n".join(hosts)
