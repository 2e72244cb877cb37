"""Jinja filters: money and dates the way people say them."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask


def money(pence: int | None, signed: bool = False) -> str:
    if pence is None:
        return ""
    if isinstance(pence, float):
        raise TypeError("money must be integer pence, not float")
    sign = "-" if pence < 0 else ("+" if signed and pence > 0 else "")
    p = abs(int(pence))
    return f"{sign}£{p // 100:,}.{p % 100:02d}"


def long_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"


def date_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y} at {value:%H:%M}"


def pounds_input(pence: int | None) -> str:
    """The value to put back in a money input box: 1234.50, no £ or commas."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    p = abs(pence)
    return f"{sign}{p // 100}.{p % 100:02d}"


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money,
        long_date=long_date,
        short_date=short_date,
        date_time=date_time,
        pounds_input=pounds_input,
    )
