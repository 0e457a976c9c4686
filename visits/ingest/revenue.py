"""Revenue a custom event carries (`{"amount": "12.50", "currency": "EUR"}`): checked exactly,
so a bad amount or an unknown currency is a 400 and never a row with the wrong figure."""

import json
from dataclasses import dataclass
from decimal import Decimal

from sites.currencies import RevenueError, amount_clean, currency_clean


@dataclass(frozen=True)
class Revenue:
    amount: Decimal
    currency: str  # ISO 4217, in capitals


def revenue_clean(raw: object) -> Revenue | None:
    """The revenue from an object or its JSON text; None when none was sent."""
    if raw in (None, "", {}):
        return None
    if isinstance(raw, str):
        try:
            # Numbers are read as written, never through a float.
            raw = json.loads(raw, parse_float=str, parse_int=str, parse_constant=_refuse)
        except (ValueError, RecursionError) as exc:
            raise RevenueError("'revenue' must be a JSON object.") from exc
    if not isinstance(raw, dict) or set(raw) - {"amount", "currency"}:
        raise RevenueError("'revenue' is an object with an 'amount' and a 'currency'.")
    return Revenue(
        amount=amount_clean(raw.get("amount")), currency=currency_clean(raw.get("currency"))
    )


def _refuse(name: str):
    raise ValueError(f"{name} is not an amount")
