"""The words and numbers people read: money, dates, counts. One module, used by pages (as
Jinja filters), services' messages, the budget engine's explanations and the command line.

Rules, written once:
- Money is integer pence in, text out. Negative money is written with a true minus sign,
  U+2212, before the pound sign: ``format_pence(-1250) == "−£12.50"``; screen readers say
  "minus". ``words=True`` gives "minus £12.50" for a sentence read aloud. ``signed=True``
  puts "+" before money coming in, for a column of ins and outs.
- A float is refused: money is never a float here.
- The value put back into a money input box is the one exception: it is typed, not read,
  so it uses the keyboard's hyphen-minus and no £ or commas (``pounds_input``).
- Dates are "14 March 2026" (no leading zero, month in full); ``short_date`` gives
  "14 Mar 2026" for tables; English month names whatever the server's locale.
- Counts: ``plural(3, "payment") == "3 payments"``; ``file_size(60) == "60 bytes"``.

`payroll_rules` keeps its own money helpers: it is a package that stands apart.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

MINUS = "\u2212"
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _check_pence(pence: object) -> int:
    if isinstance(pence, bool) or not isinstance(pence, int):
        raise TypeError(
            f"money must be a whole number of pence (int), not {type(pence).__name__}: {pence!r}")
    return pence


def format_pence(pence: int, *, words: bool = False, signed: bool = False) -> str:
    """Pence as pounds: 124000 → "£1,240.00"; -1250 → "−£12.50" (or "minus £12.50")."""
    _check_pence(pence)
    pounds, rest = divmod(abs(pence), 100)
    text = f"£{pounds:,}.{rest:02d}"
    if pence < 0:
        return f"minus {text}" if words else f"{MINUS}{text}"
    if signed and pence > 0:
        return f"+{text}"
    return text


def whole_pounds(pence: int) -> str:
    """Pence as whole pounds, for a chart's scale: 120000 → "£1,200"; -50000 → "−£500"
    (pence are dropped, towards zero: a scale's marks are round numbers)."""
    _check_pence(pence)
    text = f"£{abs(pence) // 100:,}"
    return f"{MINUS}{text}" if pence < 0 else text


def money(pence: int | None, signed: bool = False) -> str:
    """The page filter: like `format_pence`, and empty for no value."""
    if pence is None:
        return ""
    return format_pence(int(_check_pence(pence)), signed=signed)


def pounds_input(pence: int | None) -> str:
    """The value to put back in a money input box: 1234.50 or -3.00 (no £, no commas)."""
    if pence is None:
        return ""
    _check_pence(pence)
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{rest:02d}"


def format_date(day: dt.date | None, *, year: bool = True) -> str:
    """A date as "14 March 2026" (or "14 March" with ``year=False``)."""
    if day is None:
        return ""
    text = f"{day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


long_date = format_date


def short_date(day: dt.date | None) -> str:
    """A date as "14 Mar 2026", for tables."""
    if day is None:
        return ""
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def date_time(moment: dt.datetime | None) -> str:
    """A moment as "14 March 2026 at 09:05"."""
    if moment is None:
        return ""
    return f"{format_date(moment)} at {moment:%H:%M}"


def format_weeks(weeks: Decimal) -> str:
    """A number of weeks: Decimal("9.5") → "9.5"; Decimal("9.0") → "9"."""
    text = f"{weeks:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def format_value(value: object) -> str:
    """A figure's value: int = pence, date, Decimal = a plain number."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return format_pence(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, Decimal):
        return format_weeks(value)
    return "" if value is None else str(value)


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """A count and its noun: "1 payment", "1,204 payments"."""
    if count == 1:
        return f"1 {noun}"
    return f"{count:,} {plural_noun or noun + 's'}"


def times(count: int, pence: int) -> str:
    """ "13 × £1,150.00" """
    return f"{count} \u00d7 {format_pence(pence)}"


def hours(minutes: int | None) -> str:
    """A length of time in hours: 960 → "16 hours"; 60 → "1 hour"; 2250 → "37 hours 30
    minutes"; None → "No set hours"."""
    if minutes is None:
        return "No set hours"
    whole, part = divmod(minutes, 60)
    text = plural(whole, "hour")
    return f"{text} {plural(part, 'minute')}" if part else text


def percent(basis_points: int | None) -> str:
    """Hundredths of a percent as people write a rate: 300 → "3%"; 350 → "3.5%"."""
    if basis_points is None:
        return "not given"
    whole, part = divmod(basis_points, 100)
    return f"{whole}%" if part == 0 else f"{whole}.{part:02d}".rstrip("0") + "%"


def file_size(size_bytes: int) -> str:
    """A file's size as people say it: "60 bytes", "12 KB", "1.5 MB"."""
    if size_bytes < 1024:
        return "1 byte" if size_bytes == 1 else f"{size_bytes:,} bytes"
    if size_bytes < 1024 * 1024:
        return f"{round(size_bytes / 1024):,} KB"
    tenths = round(size_bytes * 10 / (1024 * 1024))
    return f"{tenths // 10}.{tenths % 10} MB" if tenths % 10 else f"{tenths // 10} MB"


def first_upper(words: str) -> str:
    """The words with their first letter a capital and the rest as they are ("Jordan
    Price’s", not str.capitalize()'s "Jordan price’s")."""
    return words[:1].upper() + words[1:]
