"""Errors and money helpers shared by every module (no float anywhere)."""

from __future__ import annotations

from decimal import Decimal

__all__ = ["PayrollInputError", "to_pence", "from_pence", "require_decimal", "format_money"]


class PayrollInputError(ValueError):
    """Bad input to a payroll calculation. The message is plain English, fit to show a user."""


def require_decimal(value: object, name: str) -> Decimal:
    """Return ``value`` as a Decimal; ints are accepted, floats raise TypeError.

    Floats are refused on purpose: 0.1 + 0.2 is not 0.3 in binary floating point, and a
    payslip must be right to the penny.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise PayrollInputError(f"{name} must be a real amount, not {value}.")
        return value
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a Decimal, not a bool")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        raise TypeError(f"{name} must be a Decimal (for example Decimal('12.50')), not a float")
    raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")


def to_pence(value: object, name: str) -> int:
    """Convert a money amount (Decimal or int pounds) to whole pence, exactly.

    Raises TypeError for floats and PayrollInputError for fractions of a penny.
    """
    if type(value) is Decimal:  # fast path
        p = value * 100
        ip = int(p)
        if ip == p:
            return ip
    d = require_decimal(value, name)
    p = d * 100
    ip = int(p)
    if ip != p:
        raise PayrollInputError(f"{name} must be in whole pence, but {d} has a fraction of a penny.")
    return ip


def from_pence(pence: int) -> Decimal:
    """Whole pence to a Decimal amount of pounds with exactly two decimal places."""
    return Decimal(pence).scaleb(-2)


def format_money(pence: int) -> str:
    """Pence to '£1,048.26' (negative amounts as '-£5.00')."""
    sign = "-" if pence < 0 else ""
    pounds, p = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{p:02d}"
