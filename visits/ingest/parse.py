"""Turning a beacon request into a `BeaconHit`, or a clear reason why it can't be one.

Everything here is a pure function of the request's method, query string, body and headers,
so it can be tested without a database. Every header and parameter is treated as hostile.
"""

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from accounts.addresses import client_address
from visits.ingest.agents import Agent, agent_parse
from visits.ingest.campaigns import screen_class
from visits.ingest.engagement import PARAMETERS as METRIC_PARAMETERS
from visits.ingest.engagement import metrics_clean
from visits.ingest.props import PropertyError, props_clean
from visits.ingest.revenue import Revenue, RevenueError, revenue_clean
from visits.models import (
    EVENT_MAX_LENGTH,
    PAGEVIEW,
    RESERVED_EVENTS,
    URL_MAX_LENGTH,
    USER_AGENT_MAX_LENGTH,
)
from visits.text import clean_text

BODY_MAX_BYTES = 64 * 1024
MAX_FIELDS = 32
_PARAMETERS = ("url", "referrer", "event", "w", "props", "revenue", *METRIC_PARAMETERS)


class BeaconError(Exception):
    """A request the beacon can't use; `status` is the 4xx to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class BeaconHit:
    url: str
    referrer: str
    event: str
    user_agent: str
    client_ip: str | None
    skip_reason: str = ""
    screen: str = ""  # the viewport's size class, when the snippet sent its width
    props: dict = field(default_factory=dict)
    agent: Agent = field(default_factory=Agent)  # what the user agent says, parsed once
    revenue: Revenue | None = None  # what a custom event earned, exactly
    # An engagement ping's scroll depth and Web Vitals, per column (None: not measured).
    metrics: dict = field(default_factory=dict)


def parse_parameters(
    *, method: str, query_string: str, body: bytes, content_type: str, multipart: dict | None = None
) -> dict:
    """The beacon's parameters from the query string and, for POST, a form or JSON body.

    `multipart` holds the fields of a multipart/form-data body, which Django parses for us.
    """
    parameters = _parse_query(query_string, what="query string")
    if multipart is not None:
        parameters.update({key: multipart[key] for key in _PARAMETERS if key in multipart})
    elif method == "POST" and body:
        if len(body) > BODY_MAX_BYTES:
            raise BeaconError(f"The body is larger than {BODY_MAX_BYTES} bytes.", status=413)
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type == "application/x-www-form-urlencoded":
            try:
                text = body.decode("ascii")
            except UnicodeDecodeError as exc:
                raise BeaconError("A form body must be percent-encoded ASCII.") from exc
            parameters.update(_parse_query(text, what="form body"))
        elif media_type in ("application/json", "text/plain", ""):
            # sendBeacon() posts a string as text/plain, which needs no CORS preflight.
            parameters.update(_parse_json(body))
        else:
            raise BeaconError(
                "Send the visit as JSON or as a form (urlencoded or multipart).",
                status=415,
            )
    return parameters


def _parse_query(text: str, *, what: str) -> dict:
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=False,
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError as exc:
        raise BeaconError(f"The {what} is not valid UTF-8 after percent-decoding.") from exc
    except ValueError as exc:
        raise BeaconError(f"The {what} has more than {MAX_FIELDS} fields.") from exc
    return {key: value for key, value in pairs if key in _PARAMETERS}


def _parse_json(body: bytes) -> dict:
    try:
        data: Any = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BeaconError("The body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise BeaconError("The JSON body must be an object.")
    parameters = {}
    for key in _PARAMETERS:
        value = data.get(key)
        if value is None:
            continue
        if key == "w" and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(int(value)) if abs(value) < 1e9 else ""
        if key in ("props", "revenue") and isinstance(value, dict):
            parameters[key] = value  # checked by props_clean and revenue_clean
            continue
        if key in METRIC_PARAMETERS:
            parameters[key] = value  # a number or garbage: metrics_clean keeps only numbers
            continue
        if not isinstance(value, str):
            raise BeaconError(f"'{key}' must be a string.")
        parameters[key] = value
    return parameters


def skip_reason(*, headers: dict, respect_dnt: bool, is_bot: bool) -> str:
    """Why a valid hit is answered 204 but not stored, or '' to store it."""
    if respect_dnt and (
        headers.get("HTTP_DNT", "").strip() == "1" or headers.get("HTTP_SEC_GPC", "").strip() == "1"
    ):
        return "dnt"
    purpose = " ".join(
        headers.get(name, "") for name in ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_MOZ")
    ).lower()
    if "prefetch" in purpose or "prerender" in purpose:
        return "prefetch"
    if is_bot:
        return "bot"
    return ""


def page_url(raw: str) -> str:
    """A cleaned http(s) page URL, or BeaconError."""
    url = clean_text(raw, URL_MAX_LENGTH)
    if not url:
        raise BeaconError("'url' is required (or a Referer header).")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise BeaconError("'url' is not a valid URL.") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise BeaconError("'url' must be an http:// or https:// address.")
    return url


def beacon_parse(
    *,
    method: str,
    query_string: str,
    body: bytes,
    headers: dict,
    trusted_proxy_count: int,
    respect_dnt: bool,
    multipart: dict | None = None,
) -> BeaconHit:
    """Validate a beacon request into a hit."""
    parameters = parse_parameters(
        method=method,
        query_string=query_string,
        body=body,
        content_type=headers.get("CONTENT_TYPE", ""),
        multipart=multipart,
    )
    return hit_build(
        url=parameters.get("url") or headers.get("HTTP_REFERER", ""),
        referrer=parameters.get("referrer", ""),
        event=parameters.get("event", ""),
        user_agent=headers.get("HTTP_USER_AGENT", ""),
        client_ip=client_address(
            remote_addr=headers.get("REMOTE_ADDR", ""),
            forwarded_for=headers.get("HTTP_X_FORWARDED_FOR", ""),
            trusted_proxy_count=trusted_proxy_count,
        ),
        headers=headers,
        respect_dnt=respect_dnt,
        screen=screen_class(parameters.get("w", "")),
        props=parameters.get("props"),
        revenue=parameters.get("revenue"),
        metrics=parameters,
    )


def hit_build(
    *,
    url: str,
    referrer: str,
    event: str,
    user_agent: str,
    client_ip: str | None,
    headers: dict | None = None,
    respect_dnt: bool = False,
    screen: str = "",
    props: object = None,
    revenue: object = None,
    metrics: dict | None = None,
) -> BeaconHit:
    """A hit from raw values, cleaned and cut to the limits: the beacon's and the API's way in.
    The agent is parsed here, once, and travels on the hit. Raises BeaconError for an unusable
    page URL, unusable properties or unusable revenue."""
    user_agent = clean_text(user_agent, USER_AGENT_MAX_LENGTH)
    agent = agent_parse(user_agent)
    try:
        cleaned_props = props_clean(props)
        cleaned_revenue = revenue_clean(revenue)
    except (PropertyError, RevenueError) as exc:
        raise BeaconError(str(exc)) from exc
    event = clean_text(event, EVENT_MAX_LENGTH) or PAGEVIEW
    if cleaned_revenue and event in RESERVED_EVENTS:
        raise BeaconError("Revenue goes with a custom event, like 'purchase'.")
    return BeaconHit(
        url=page_url(url),
        referrer=clean_text(referrer, URL_MAX_LENGTH),
        event=event,
        user_agent=user_agent,
        client_ip=client_ip,
        skip_reason=skip_reason(
            headers=headers or {}, respect_dnt=respect_dnt, is_bot=agent.is_bot
        ),
        screen=screen,
        props=cleaned_props,
        agent=agent,
        revenue=cleaned_revenue,
        metrics=metrics_clean(event=event, parameters=metrics or {}),
    )
