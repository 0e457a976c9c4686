"""The JSON bodies of digests and alerts for webhooks: Slack's `{"text": ...}`, or every figure
for a generic webhook (with the same text, for chat tools that read only that)."""

from datetime import datetime

from django.utils import translation

from reports.models import Webhook
from sites.models import Site


def _site(site: Site) -> dict:
    return {"id": site.pk, "name": site.name, "base_url": site.base_url}


def _change(change) -> str:
    if change is None:
        return ""
    return f" ({'+' if change > 0 else ''}{change}%)"


def digest_payload(*, kind: str, digest, dashboard_url: str) -> dict:
    """The digest for a webhook: in English, the language its readers' scripts expect."""
    with translation.override("en"):
        return _digest_payload(kind=kind, digest=digest, dashboard_url=dashboard_url)


def _digest_payload(*, kind: str, digest, dashboard_url: str) -> dict:
    period = f"{digest.first_day:%-d %b} to {digest.last_day:%-d %b %Y}"
    lines = [f"*{digest.site.name}*: {period}"]
    lines += [f"{label}: {value}{_change(change)}" for label, value, change in digest.headline]
    lines += [
        f"Revenue ({goal.name}): {goal.amount} {goal.currency} from {goal.events} events, "
        f"{goal.average} {goal.currency} on average"
        for goal in digest.revenue
    ]
    if digest.goals:
        goals = ", ".join(f"{goal.name} {goal.visitors} ({goal.rate}%)" for goal in digest.goals)
        lines.append(f"Goals: {goals}")
    for title, rows in digest.panels:
        tops = ", ".join(f"{row.label} ({row.visitors})" for row in rows) or "nothing"
        lines.append(f"{title}: {tops}")
    lines.append(dashboard_url)
    text = "\n".join(lines)
    if kind == Webhook.Kind.SLACK:
        return {"text": text}
    return {
        "event": "digest",
        "site": _site(digest.site),
        "first_day": digest.first_day.isoformat(),
        "last_day": digest.last_day.isoformat(),
        "headline": [
            {"label": str(label), "value": value, "change": change}
            for label, value, change in digest.headline
        ],
        "revenue": [
            {
                "goal": goal.name,
                "currency": goal.currency,
                "revenue": str(goal.amount),
                "events": goal.events,
                "average": str(goal.average),
            }
            for goal in digest.revenue
        ],
        "panels": [
            {
                "title": str(title),
                "rows": [
                    {"label": str(row.label), "visitors": row.visitors, "count": row.count}
                    for row in rows
                ],
            }
            for title, rows in digest.panels
        ],
        "goals": [
            {
                "name": goal.name,
                "visitors": goal.visitors,
                "completions": goal.completions,
                "rate": goal.rate,
            }
            for goal in digest.goals
        ],
        "dashboard_url": dashboard_url,
        "text": text,
    }


def alert_payload(
    *, kind: str, site: Site, alert: str, message: str, dashboard_url: str, now: datetime
) -> dict:
    text = f"*{site.name}*: {message}\n{dashboard_url}"
    if kind == Webhook.Kind.SLACK:
        return {"text": text}
    return {
        "event": "alert",
        "alert": alert,
        "site": _site(site),
        "message": message,
        "at": now.isoformat(),
        "dashboard_url": dashboard_url,
        "text": text,
    }
