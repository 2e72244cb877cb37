"""Plain-English formatting of money, dates and weeks.

Negative money is written with a true minus sign, U+2212, before the pound sign:
``format_pence(-1250) == "−£12.50"``; screen readers say "minus". Pass ``words=True`` for
"minus £12.50" where the text is read as a sentence. Dates are written "14 March 2026"
(no leading zero, month in full, English names whatever the server's locale).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .model import check_pence

MINUS = "\u2212"
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_pence(pence: int, *, words: bool = False) -> str:
    """Format pence as pounds: 124000 → "£1,240.00"; -1250 → "−£12.50" (or "minus £12.50")."""
    check_pence(pence, "pence")
    pounds, rest = divmod(abs(pence), 100)
    text = f"£{pounds:,}.{rest:02d}"
    if pence < 0:
        return f"minus {text}" if words else f"{MINUS}{text}"
    return text


def format_date(day: dt.date, *, year: bool = True) -> str:
    """Format a date as "14 March 2026" (or "14 March" with ``year=False``)."""
    text = f"{day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def format_weeks(weeks: Decimal) -> str:
    """Format a number of weeks: Decimal("9.5") → "9.5"; Decimal("9.0") → "9"."""
    text = f"{weeks:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def format_value(value: object) -> str:
    """Format a Figure or Step value: int = pence, date, Decimal = a plain number."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return format_pence(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, Decimal):
        return format_weeks(value)
    return "" if value is None else str(value)


def plural(count: int, noun: str) -> str:
    """A count and its noun: "1 payment", "1,204 payments"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def times(count: int, pence: int) -> str:
    """ "13 × £1,150.00" """
    return f"{count} \u00d7 {format_pence(pence)}"
