"""Jinja filters: the page's names for the functions of `dpsupport.text` (one set of rules
for money and dates, shared with services' messages and the command line)."""

from __future__ import annotations

from flask import Flask

from .. import text


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=text.money,
        long_date=text.long_date,
        short_date=text.short_date,
        date_time=text.date_time,
        pounds_input=text.pounds_input,
        file_size=text.file_size,
        hours=text.hours,
    )
