"""Date text -> datetime.date, UK day-first by default, never guessing "today"."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
MONTHS["sept"] = 9

_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*(?:[/.\-']\s*(\d{2}|\d{4}))$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?"
                  r"(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DMONY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]+([A-Za-z]{3,9})\.?[\s\-/.,]+(\d{2}|\d{4})$")
_MONDY = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$")


class DateError(ValueError):
    pass


def _year(y: str) -> int:
    n = int(y)
    if len(y) == 2:
        n += 2000 if n < 70 else 1900
    return n


def _make(y: int, m: int, d: int) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise DateError("no such date") from None


def classify(text: str) -> tuple[int, int] | str | None:
    """For numeric a/b/yyyy dates return (a, b); otherwise a style name or None (unreadable)."""
    s = text.strip()
    m = _NUMERIC.match(s)
    if m:
        return int(m.group(1)), int(m.group(2))
    if _YMD.match(s):
        return "ymd"
    if _COMPACT.match(s):
        return "compact"
    if _DMONY.match(s) or _MONDY.match(s):
        return "named"
    return None


def decide_order(values: Iterable[str]) -> tuple[str | None, bool]:
    """Look at ALL numeric dates in a column and decide "dmy" or "mdy".

    Returns (order, assumed). ``assumed`` is True when every date was ambiguous (both parts
    <= 12) and we fell back to the UK day-first order. Returns (None, False) if the column
    contradicts itself (13/01 and 01/13 both present).
    """
    day_first = month_first = False
    seen = False
    for v in values:
        c = classify(v)
        if isinstance(c, tuple):
            seen = True
            a, b = c
            if a > 12 and b <= 12:  # only valid day-first (31/13 is valid neither way)
                day_first = True
            if b > 12 and a <= 12:
                month_first = True
    if day_first and month_first:
        return None, False
    if month_first:
        return "mdy", False
    if day_first:
        return "dmy", False
    return "dmy", seen


def parse_date(text: str, order: str = "dmy") -> date:
    """Parse one date. ``order`` ("dmy"/"mdy") applies only to all-numeric dates."""
    s = text.strip()
    m = _NUMERIC.match(s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), m.group(3)
        if order == "mdy":
            a, b = b, a
        return _make(_year(y), b, a)
    m = _YMD.match(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if m.group(7) and m.group(4):  # a time with an offset: convert to UK local time
            tz = m.group(7)
            offset = timedelta(0) if tz == "Z" else (
                (1 if tz[0] == "+" else -1)
                * timedelta(hours=int(tz[1:3]), minutes=int(tz[-2:])))
            try:
                dt = datetime(y, mo, d, int(m.group(4)), int(m.group(5)), int(m.group(6) or 0),
                              tzinfo=timezone(offset))
            except ValueError:
                raise DateError("no such date") from None
            return dt.astimezone(LONDON).date()
        return _make(y, mo, d)
    m = _COMPACT.match(s)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DMONY.match(s)
    if m:
        mon = MONTHS.get(m.group(2).lower()[:4].rstrip("t") if m.group(2).lower().startswith(
            "sept") else m.group(2).lower()[:3])
        if mon is None:
            raise DateError("unknown month")
        return _make(_year(m.group(3)), mon, int(m.group(1)))
    m = _MONDY.match(s)
    if m:
        mon = MONTHS.get(m.group(1).lower()[:3])
        if mon is None:
            raise DateError("unknown month")
        return _make(int(m.group(3)), mon, int(m.group(2)))
    raise DateError("not a date")


def order_from_format(fmt: str | None) -> str:
    """Map a strptime format or "dmy"/"mdy"/"ymd" to the numeric order parse_date needs."""
    if not fmt:
        return "dmy"
    if fmt in ("dmy", "mdy", "ymd"):
        return fmt if fmt != "ymd" else "dmy"
    pos_d, pos_m = fmt.find("%d"), fmt.find("%m")
    if pos_d >= 0 and pos_m >= 0 and pos_m < pos_d:
        return "mdy"
    return "dmy"


class DateReader:
    """Cached date parser: statements repeat the same few hundred date strings."""

    __slots__ = ("order", "fmt", "_cache")

    def __init__(self, fmt: str | None = None, order: str | None = None) -> None:
        self.fmt = fmt if fmt and "%" in fmt else None
        self.order = order or order_from_format(fmt)
        self._cache: dict[str, date] = {}

    def __call__(self, value: object) -> date:
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                return value.astimezone(LONDON).date()
            return value.date()
        if isinstance(value, date):
            return value
        s = str(value)
        d = self._cache.get(s)
        if d is not None:
            return d
        d = self._parse(s)
        if len(self._cache) < 20000:
            self._cache[s] = d
        return d

    def _parse(self, s: str) -> date:
        st = s.strip().lstrip("'")
        if not st:
            raise DateError("empty")
        if self.fmt:
            try:
                return datetime.strptime(st, self.fmt).date()
            except ValueError:
                pass
        return parse_date(st, self.order)


def in_plausible_range(d: date) -> bool:
    return 1970 <= d.year <= 2100
