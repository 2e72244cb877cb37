"""Dated statutory figures, read once from the TOML files in payroll_rules/data/.

Every figure is keyed by the date it takes effect. A version applies from its ``effective`` date
until the next version's date; the newest version applies for one year only, so a pay date after
the last year we have data for is refused rather than silently using old figures. Adding a new
tax year means adding a ``[[year]]`` block to the data files: no code changes.

Numbers with a decimal point are parsed as Decimal (``tomllib`` ``parse_float=Decimal``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from .calendar import tax_year_label, tax_year_start
from .errors import PayrollInputError

DATA_FILES = (
    "income_tax",
    "national_insurance",
    "minimum_wage",
    "employment_allowance",
    "ssp",
    "holiday",
    "rti",
    "pension",
    "student_loan",
)

Table = dict[str, Any]


@cache
def load(name: str) -> Table:
    """The parsed contents of ``data/<name>.toml`` (cached: each file is read once)."""
    text = resources.files("payroll_rules").joinpath("data", f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text, parse_float=Decimal)


@cache
def versions(name: str, key: str) -> tuple[Table, ...]:
    """The dated versions under ``[[key]]`` in ``name.toml``, oldest first."""
    items = load(name)[key]
    return tuple(sorted(items, key=lambda t: t["effective"]))


def lookup(name: str, key: str, on: date, what: str, *, open_ended: bool = False) -> Table:
    """The version of ``[[key]]`` in force on ``on``, or PayrollInputError if outside our data.

    ``open_ended`` is for rules that do not change every year (such as HMRC's payment day): the
    newest version then applies until the end of the last supported tax year.
    """
    if not isinstance(on, date):
        raise TypeError(f"date for {what} must be a datetime.date")
    found: Table | None = None
    vs = versions(name, key)
    for v in vs:
        if v["effective"] <= on:
            found = v
        else:
            break
    first = vs[0]["effective"]
    last = vs[-1]["effective"]
    end = date(last.year + 1, last.month, last.day)
    if open_ended:
        end = max(end, date(supported_tax_years()[-1] + 1, 4, 6))
    if found is None or (found is vs[-1] and on >= end):
        raise PayrollInputError(
            f"The date {on.isoformat()} is outside the dates this payroll module has {what} "
            f"figures for ({first.isoformat()} to one year after {last.isoformat()})."
        )
    return found


def source_text(table: Table) -> str:
    src = table["source"]
    return f"{src['title']} ({src['url']})"


def rate_bp(value: Decimal | int) -> int:
    """A fraction such as Decimal('0.0185') as whole basis points (185); must be exact."""
    bp = Decimal(value) * 10000
    if bp != int(bp):
        raise ValueError(f"rate {value} is finer than a basis point")
    return int(bp)


def pounds_to_pence(value: Decimal | int) -> int:
    p = Decimal(value) * 100
    if p != int(p):
        raise ValueError(f"amount {value} has a fraction of a penny")
    return int(p)


@dataclass(frozen=True, slots=True)
class Band:
    name: str
    rate_bp: int
    width: int | None  # whole pounds a year; None for the top band
    source: str


@dataclass(frozen=True, slots=True)
class Region:
    key: str
    name: str
    bands: tuple[Band, ...]
    basic_index: int  # index into bands of the band BR codes use; D0 is the next band
    band_arithmetic: str  # "exact" or "truncated_4dp" (see paye.band_table)


@dataclass(frozen=True, slots=True)
class NICategory:
    letter: str
    description: str
    employee_main_bp: int
    employee_upper_bp: int
    employer_zero_up_to: str | None  # "ust", "aust", "vust" or None
    no_employer: bool
    source: str


@dataclass(frozen=True, slots=True)
class YearParams:
    """Every tax and NI figure for one tax year, in integer pence / basis points."""

    tax_year: int
    label: str
    personal_allowance: int  # pence a year
    block_pence: dict[str, int]  # "weekly"/"monthly" -> pence of free pay per 500 code units
    tables_a_source: str
    regulatory_limit_bp: int
    regulatory_limit_source: str
    regions: dict[str, Region]
    ni_thresholds: dict[str, dict[str, int]]  # frequency -> threshold key -> pence
    ni_threshold_names: dict[str, str]
    ni_threshold_sources: dict[str, str]
    employer_bp: int
    employer_source: str
    rounding_source: str
    categories: dict[str, NICategory]


def _ni_period_thresholds(t: Table) -> dict[str, int]:
    """Weekly and monthly as published; fortnightly / four-weekly = annual / 26 or 13, rounded up."""
    annual = int(t["annual"])
    return {
        "weekly": pounds_to_pence(t["weekly"]),
        "monthly": pounds_to_pence(t["monthly"]),
        "fortnightly": -(-annual // 26) * 100,
        "four_weekly": -(-annual // 13) * 100,
        "annual": annual * 100,
    }


def _year_table(name: str, start: int) -> Table:
    for v in versions(name, "year"):
        if tax_year_start(v["effective"]) == start:
            return v
    raise PayrollInputError(
        f"Tax year {tax_year_label(start)} is not supported: this payroll module has tax and "
        f"National Insurance figures for {supported_tax_years_text()}."
    )


def supported_tax_years() -> tuple[int, ...]:
    it = {tax_year_start(v["effective"]) for v in versions("income_tax", "year")}
    ni = {tax_year_start(v["effective"]) for v in versions("national_insurance", "year")}
    return tuple(sorted(it & ni))


def supported_tax_years_text() -> str:
    return ", ".join(tax_year_label(y) for y in supported_tax_years())


@cache
def year_params(start: int) -> YearParams:
    """All PAYE and NI parameters for the tax year starting 6 April ``start`` (cached)."""
    it = _year_table("income_tax", start)
    ni = _year_table("national_insurance", start)
    regions: dict[str, Region] = {}
    for key, r in it["regions"].items():
        bands = tuple(
            Band(b["name"], rate_bp(b["rate"]), int(b["width"]) if "width" in b else None,
                 source_text(b))
            for b in r["bands"]
        )
        names = [b.name for b in bands]
        regions[key] = Region(key, r["name"], bands, names.index(r["basic_rate_band"]),
                              r["band_arithmetic"]["value"])
    thresholds = {k: _ni_period_thresholds(t) for k, t in ni["thresholds"].items()}
    by_freq = {
        f: {k: v[f] for k, v in thresholds.items()}
        for f in ("weekly", "fortnightly", "four_weekly", "monthly", "annual")
    }
    cats = {
        letter: NICategory(
            letter,
            c["description"],
            rate_bp(c["employee_main_rate"]),
            rate_bp(c["employee_upper_rate"]),
            c.get("employer_zero_rate_up_to"),
            bool(c.get("no_employer_contribution", False)),
            source_text(c),
        )
        for letter, c in ni["categories"].items()
    }
    blk = it["tables_a_block"]
    return YearParams(
        tax_year=start,
        label=tax_year_label(start),
        personal_allowance=pounds_to_pence(it["personal_allowance"]["value"]),
        block_pence={"weekly": pounds_to_pence(blk["weekly"]),
                     "monthly": pounds_to_pence(blk["monthly"])},
        tables_a_source=source_text(blk),
        regulatory_limit_bp=rate_bp(it["regulatory_limit"]["value"]),
        regulatory_limit_source=source_text(it["regulatory_limit"]),
        regions=regions,
        ni_thresholds=by_freq,
        ni_threshold_names={k: t["name"] for k, t in ni["thresholds"].items()},
        ni_threshold_sources={k: source_text(t) for k, t in ni["thresholds"].items()},
        employer_bp=rate_bp(ni["employer_rate"]["value"]),
        employer_source=source_text(ni["employer_rate"]),
        rounding_source=source_text(ni["rounding"]),
        categories=cats,
    )


_BY_DATE: dict[date, YearParams] = {}


def params_for_date(on: date) -> YearParams:
    """Tax and NI parameters for the tax year containing the pay date ``on`` (cached by date)."""
    try:
        return _BY_DATE[on]
    except (KeyError, TypeError):
        pass
    if not isinstance(on, date):
        raise TypeError("pay_date must be a datetime.date")
    yp = year_params(tax_year_start(on))
    if len(_BY_DATE) < 10_000:
        _BY_DATE[on] = yp
    return yp


def payment_due_rules(on: date) -> Table:
    return lookup("rti", "payment_due", on, "HMRC payment date", open_ended=True)


def employment_allowance_table(on: date) -> Table:
    return lookup("employment_allowance", "allowance", on, "Employment Allowance")


def pension_year(on: date) -> Table:
    return _year_table("pension", tax_year_start(on))
