"""Money text -> integer pence, without floats."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..limits import MAX_AMOUNT_PENCE, MAX_BALANCE_PENCE

_STRIP = str.maketrans("", "", "£$€ \u00a0'\"\u2009GBPgbp")
_UNITS = Decimal(100)


class AmountError(ValueError):
    pass


class AmountTooLarge(AmountError):
    """A readable amount larger than MAX_AMOUNT_PENCE (in or out). ``pence`` is its size,
    or None when it is too long to be worth working out (hundreds of digits)."""

    def __init__(self, pence: int | None) -> None:
        super().__init__("amount too large")
        self.pence = pence


_MAX_WHOLE = len(str(MAX_AMOUNT_PENCE // 100))  # digits in the largest number of pounds
_MAX_DIGITS = len(str(MAX_BALANCE_PENCE))  # more digits than this is never read quickly


def parse_pence(text: object, *, comma_decimal: bool = False,
                limit: int = MAX_AMOUNT_PENCE) -> int:
    """Parse a money amount to pence. ``comma_decimal``: a lone comma is a decimal mark (OFX).

    Accepts "£1,204.50", "-£52.00", "+ £5.00", "(12.00)", "12.00-", "12.00 DR", "'12.34",
    "1.234,56" (comma decimal when a comma follows the last dot), Excel numbers (int/float/
    Decimal). Raises AmountError for anything else, and AmountTooLarge (an AmountError) for
    an amount above ``limit`` (MAX_AMOUNT_PENCE, in or out; balances: `parse_balance`).
    """
    if isinstance(text, bool):
        raise AmountError("not an amount")
    if isinstance(text, int):
        return _to_pence(Decimal(text), limit)
    if isinstance(text, float):
        text = repr(text)
    if isinstance(text, Decimal):
        return _to_pence(text, limit)
    s = str(text).strip()
    if not s:
        raise AmountError("empty")
    # Fast path: plain "123", "-123.4", "123.45".
    neg = s[0] == "-"
    body = s[1:] if neg else s
    whole, dot, frac = body.partition(".")
    if (whole.isdigit() and (not dot or (frac.isdigit() and len(frac) <= 2)) and whole.isascii()
            and len(whole) <= _MAX_DIGITS):
        p = int(whole) * 100 + (int(frac.ljust(2, "0")) if frac else 0)
        if p <= limit:
            return -p if neg else p
    return _slow(s, comma_decimal, limit)


def parse_balance(text: object, *, comma_decimal: bool = False) -> int:
    """A balance the bank reports: like `parse_pence`, up to MAX_BALANCE_PENCE."""
    return parse_pence(text, comma_decimal=comma_decimal, limit=MAX_BALANCE_PENCE)


def plain_pence(s: str, limit: int = MAX_AMOUNT_PENCE) -> int | None:
    """Pence for text written like "1234.56", "-1,234.56", "£1,234.56" or "-£1,234.56"
    (ASCII digits, exactly two decimals, nothing else), else None.

    The common case in bank files, parsed without Decimal. Anything else goes through
    :func:`parse_pence`, which gives the same answer for every text accepted here.
    """
    if len(s) > 3 and s[-3] == ".":
        neg = s[0] == "-"
        body = s[1:] if neg else s
        if body[:1] == "£":
            body = body[1:]
        whole = body[:-3]
        if "," in whole:
            whole = whole.replace(",", "")
        t = whole + body[-2:]
        if t.isdigit() and t.isascii() and len(t) <= _MAX_DIGITS:
            p = int(t)
            if p <= limit:
                return -p if neg else p
    return None


_CENTS = {f"{i:02d}": i for i in range(100)}


def pence_reader(limit: int = 20_000) -> Callable[[str], int | None]:
    """A :func:`plain_pence` for one file, faster on repeats: it remembers the part before
    the decimal point ("-£1,234" -> -123400), of which a statement has few distinct values,
    so most calls are two dictionary look-ups. Same answers as :func:`plain_pence`."""
    wholes: dict[str, int] = {}  # "-£1,234" -> ~123400 (negative numbers are stored as ~n)
    get = wholes.get
    cents = _CENTS.get

    def read(s: str) -> int | None:
        if s[-3:-2] != ".":
            return None
        c = cents(s[-2:])
        if c is None:
            return None
        w = get(s[:-3])
        if w is None:
            w = _whole(s[:-3])
            if w is None:
                return None
            if len(wholes) < limit:
                wholes[s[:-3]] = w
        return w + c if w >= 0 else -(~w + c)

    return read


def _whole(text: str) -> int | None:
    """The part before the decimal point, as plain_pence reads it: hundreds of pence, or ~that
    for a negative amount; None if plain_pence would not read it."""
    if not text:
        return None
    neg = text[0] == "-"
    body = text[1:] if neg else text
    if body[:1] == "£":
        body = body[1:]
    if "," in body:
        body = body.replace(",", "")
    if body == "":
        value = 0
    elif body.isdigit() and body.isascii() and len(body) <= _MAX_WHOLE:
        value = int(body) * 100
        if value > MAX_AMOUNT_PENCE - 100:  # even .99 more could be too much: parse_pence
            return None
    else:
        return None
    return ~value if neg else value


def _slow(s: str, comma_decimal: bool, limit: int = MAX_AMOUNT_PENCE) -> int:
    up = s.upper()
    sign = 1
    for suffix in (" DR", "DR", " CR", "CR"):
        if up.endswith(suffix) and len(up) > len(suffix):
            if "DR" in suffix:
                sign = -sign
            s = s[: -len(suffix)]
            up = up[: -len(suffix)]
            break
    s = s.translate(_STRIP)
    if s.startswith("(") and s.endswith(")"):
        sign, s = -sign, s[1:-1]
    if s.endswith("-"):
        sign, s = -sign, s[:-1]
    elif s.endswith("+"):
        s = s[:-1]
    if s.startswith("-"):
        sign, s = -sign, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    if s.startswith("£"):
        s = s[1:]
    if not s:
        raise AmountError("empty")
    if "," in s:
        last_dot, last_comma = s.rfind("."), s.rfind(",")
        if last_dot >= 0 and last_comma > last_dot:  # 1.234,56
            s = s.replace(".", "").replace(",", ".")
        elif last_dot >= 0:  # 1,234.56
            s = s.replace(",", "")
        elif comma_decimal or (s.count(",") == 1 and len(s) - last_comma - 1 in (1, 2)):
            s = s.replace(",", ".")  # 4,00 or 12,5
        else:
            s = s.replace(",", "")  # 1,000
    if not s.replace(".", "", 1).isdigit() or not s.isascii():
        raise AmountError(f"not an amount: {s!r}")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise AmountError(f"not an amount: {s!r}") from None
    return sign * _to_pence(value, limit)


def _to_pence(value: Decimal, limit: int = MAX_AMOUNT_PENCE) -> int:
    if not value.is_finite():
        raise AmountError("not a finite amount")
    if value.adjusted() >= 30:  # hundreds of digits, perhaps: not worth working out
        raise AmountTooLarge(None)
    pence = int((value * _UNITS).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if abs(pence) > limit:  # (after rounding: £10,000,000.005 is too much)
        raise AmountTooLarge(abs(pence))
    return pence


def has_sub_penny(text: str) -> bool:
    """True when an amount has more than two non-zero decimal places (e.g. "-3.775")."""
    s = text.strip()
    _, dot, frac = s.rpartition(".") if "." in s else ("", "", "")
    return bool(dot) and len(frac.rstrip("0")) > 2
