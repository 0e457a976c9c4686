"""Currencies of revenue: ISO 4217 codes, as pycountry knows them, and exact amounts.

Shared by revenue goals (sites) and the events that carry revenue (visits): one rule for both.
"""

import re
from decimal import Decimal

import pycountry

# Amounts are kept in a DecimalField of 14 digits, 4 of them after the point.
AMOUNT_MAX_DIGITS = 14
AMOUNT_DECIMAL_PLACES = 4
AMOUNT_INTEGER_DIGITS = AMOUNT_MAX_DIGITS - AMOUNT_DECIMAL_PLACES
# Plain digits only: no sign, exponent, spaces, NaN or Infinity, so what is stored is what was sent.
_AMOUNT = re.compile(
    rf"[0-9]{{1,{AMOUNT_INTEGER_DIGITS}}}(\.[0-9]{{1,{AMOUNT_DECIMAL_PLACES}}})?", re.ASCII
)
# Codes that name no money: "no currency" and the testing code.
_NOT_MONEY = ("XXX", "XTS")


class RevenueError(ValueError):
    """An amount or currency that can't be stored; the message says why, for a 400."""


def currency_clean(raw: object) -> str:
    """An ISO 4217 code in capitals, or RevenueError."""
    if not isinstance(raw, str) or not re.fullmatch(r"[A-Za-z]{3}", raw):
        raise RevenueError("The currency is a three-letter ISO 4217 code, like EUR or USD.")
    code = raw.upper()
    if code in _NOT_MONEY or pycountry.currencies.get(alpha_3=code) is None:
        raise RevenueError(f"“{code}” is not an ISO 4217 currency code.")
    return code


def amount_clean(raw: object) -> Decimal:
    """An exact non-negative amount from its text (or an integer, or a JSON number as written),
    at most 10 digits before the point and 4 after; RevenueError otherwise."""
    if isinstance(raw, bool):
        raw = None
    elif isinstance(raw, int):
        raw = str(raw)
    elif isinstance(raw, float):
        raw = repr(raw)  # the shortest text that reads back as this number: what was written
    if not isinstance(raw, str) or not _AMOUNT.fullmatch(raw):
        raise RevenueError(
            'The amount is a non-negative decimal like "12.50": at most '
            f"{AMOUNT_INTEGER_DIGITS} digits before the point and {AMOUNT_DECIMAL_PLACES} after."
        )
    return Decimal(raw)


def currency_name(code: str) -> str:
    currency = pycountry.currencies.get(alpha_3=code)
    return currency.name if currency else code
