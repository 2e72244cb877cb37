"""How a line that cannot be read is described: one wording for every reader.

Every message starts "Line N:" and quotes the value as the file has it, shortened when it
is long (a 5,000-digit "amount" is shown by its first characters and its length).
"""

from __future__ import annotations

from ..limits import MAX_AMOUNT_TEXT
from ..text import format_pence
from .amounts import AmountError, AmountTooLarge

_SHOWN = 40  # characters of a value quoted in a message


def shown(value: object) -> str:
    """``value`` as written, in quotes: '12.3.4', or '9999…' (5,000 characters)."""
    text = str(value)
    if len(text) <= _SHOWN:
        return f"'{text}'"
    return f"'{text[:_SHOWN]}…' ({len(text):,} characters)"


def no_date(line: int, unit: str = "line") -> str:
    return f"Line {line}: this {unit} has no date."


def bad_date(line: int, value: object) -> str:
    return f"Line {line}: we could not read the date {shown(value)}."


def no_amount(line: int, unit: str = "line") -> str:
    return f"Line {line}: this {unit} has no amount."


def bad_amount(line: int, value: object, error: AmountError | None = None,
               what: str = "amount") -> str:
    """'we could not read the amount ...', or, for an amount above the one money limit,
    'Line 12: £1,000,000,000,000.00 is more than £10,000,000, the most one payment can be.'"""
    if isinstance(error, AmountTooLarge):
        size = shown(value) if error.pence is None else format_pence(error.pence)
        return f"Line {line}: {size} is more than {MAX_AMOUNT_TEXT}, the most one payment can be."
    return f"Line {line}: we could not read the {what} {shown(value)}."
