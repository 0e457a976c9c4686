"""Who is asking: the client's address behind trusted proxies, and a pseudonym for it.

The address decides rate limits and login lockouts but is never stored: whatever has to be
kept (django-axes' attempt records) gets a keyed pseudonym instead, which changes every day.
"""

import hashlib
import hmac
import ipaddress
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest


def client_address(*, remote_addr: str, forwarded_for: str, trusted_proxy_count: int) -> str | None:
    """The client's address: REMOTE_ADDR, or the N-th X-Forwarded-For entry from the right.

    Entries left of the trusted proxies' are written by the client and never believed.
    """
    candidate = remote_addr
    if trusted_proxy_count > 0:
        entries = [entry.strip() for entry in forwarded_for.split(",") if entry.strip()]
        if len(entries) >= trusted_proxy_count:
            candidate = entries[-trusted_proxy_count]
    return _valid_ip(candidate)


def _valid_ip(value: str) -> str | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]  # IPv4 with a port
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def request_address(request: HttpRequest) -> str | None:
    return client_address(
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR", ""),
        trusted_proxy_count=settings.TRUSTED_PROXY_COUNT,
    )


def limit_key(address: str | None) -> str:
    """What rate limits and lockouts count by: an IPv4 address, or an IPv6 address's /64
    (one subscriber's network holds 2^64 addresses, so counting each would limit nothing)."""
    if not address:
        return "unknown"
    ip = ipaddress.ip_address(address)
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))


def request_limit_key(request: HttpRequest) -> str:
    return limit_key(request_address(request))


def pseudonymous_address(request: HttpRequest) -> str:
    """A stand-in for the client's address, for records that need one (login lockouts).

    An IPv6 address in the private fd00::/8 range, made from a keyed hash of today's date and
    the real address (an IPv6 client's /64): the same client gets the same stand-in all day,
    nobody can read the real address from it.
    """
    address = request_limit_key(request)
    message = f"{datetime.now(UTC).date().isoformat()}|{address}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return str(ipaddress.IPv6Address(b"\xfd" + digest[:15]))
