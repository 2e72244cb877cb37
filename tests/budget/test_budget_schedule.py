"""Payment schedules and periods, with exact dates and amounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dpsupport.budget import FundingTerms, agreement_year, payment_schedule, periods
from dpsupport.budget.periods import period_on, weekly_equivalent

D = dt.date


def terms(start: dt.date, frequency: str, amount: int = 115000, **kw: object) -> FundingTerms:
    return FundingTerms(start, frequency, ((start, amount),), **kw)  # type: ignore[arg-type]


def dates(payments: list) -> list[dt.date]:  # type: ignore[type-arg]
    return [p.date for p in payments]


def test_four_weekly_in_advance_crosses_month_and_year_end() -> None:
    t = terms(D(2025, 12, 15), "four_weekly")
    got = payment_schedule(t, D(2025, 12, 1), D(2026, 12, 31))
    assert dates(got) == [
        D(2025, 12, 15), D(2026, 1, 12), D(2026, 2, 9), D(2026, 3, 9), D(2026, 4, 6),
        D(2026, 5, 4), D(2026, 6, 1), D(2026, 6, 29), D(2026, 7, 27), D(2026, 8, 24),
        D(2026, 9, 21), D(2026, 10, 19), D(2026, 11, 16), D(2026, 12, 14),
    ]  # fmt: skip
    assert {p.amount_pence for p in got} == {115000}
    assert {p.kind for p in got} == {"regular"}
    assert [p.period_index for p in got] == list(range(14))
    assert (got[0].period_start, got[0].period_end) == (D(2025, 12, 15), D(2026, 1, 11))


def test_four_weekly_in_arrears_pays_day_after_period_ends() -> None:
    t = terms(D(2025, 12, 15), "four_weekly", timing="arrears")
    got = payment_schedule(t, D(2025, 12, 15), D(2026, 3, 31))
    assert dates(got) == [D(2026, 1, 12), D(2026, 2, 9), D(2026, 3, 9)]
    assert [(p.period_start, p.period_end) for p in got] == [
        (D(2025, 12, 15), D(2026, 1, 11)),
        (D(2026, 1, 12), D(2026, 2, 8)),
        (D(2026, 2, 9), D(2026, 3, 8)),
    ]


def test_range_in_the_middle_of_a_period() -> None:
    t = terms(D(2025, 12, 15), "four_weekly")
    assert dates(payment_schedule(t, D(2026, 1, 13), D(2026, 3, 9))) == [
        D(2026, 2, 9),
        D(2026, 3, 9),
    ]
    t = terms(D(2025, 12, 15), "four_weekly", timing="arrears")
    assert dates(payment_schedule(t, D(2026, 1, 12), D(2026, 2, 9))) == [
        D(2026, 1, 12),
        D(2026, 2, 9),
    ]
    assert payment_schedule(t, D(2026, 2, 9), D(2026, 2, 8)) == []


def test_monthly_from_the_31st_clamps_and_recovers() -> None:
    t = terms(D(2025, 1, 31), "monthly", 100000)
    assert dates(payment_schedule(t, D(2025, 1, 1), D(2026, 1, 31))) == [
        D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 31), D(2025, 4, 30), D(2025, 5, 31),
        D(2025, 6, 30), D(2025, 7, 31), D(2025, 8, 31), D(2025, 9, 30), D(2025, 10, 31),
        D(2025, 11, 30), D(2025, 12, 31), D(2026, 1, 31),
    ]  # fmt: skip
    leap = terms(D(2024, 1, 31), "monthly", 100000)
    assert dates(payment_schedule(leap, D(2024, 2, 1), D(2024, 3, 31))) == [
        D(2024, 2, 29),
        D(2024, 3, 31),
    ]
    ps = periods(leap, D(2024, 2, 1), D(2024, 3, 31))
    assert [(p.index, p.start, p.end) for p in ps] == [
        (0, D(2024, 1, 31), D(2024, 2, 28)),
        (1, D(2024, 2, 29), D(2024, 3, 30)),
        (2, D(2024, 3, 31), D(2024, 4, 29)),
    ]


def test_monthly_in_arrears_from_the_31st() -> None:
    t = terms(D(2024, 1, 31), "monthly", 100000, timing="arrears")
    assert dates(payment_schedule(t, D(2024, 1, 1), D(2024, 5, 31))) == [
        D(2024, 2, 29),
        D(2024, 3, 31),
        D(2024, 4, 30),
        D(2024, 5, 31),
    ]


def test_weekly_and_two_weekly_across_year_end() -> None:
    weekly = terms(D(2025, 12, 22), "weekly", 30000)
    assert dates(payment_schedule(weekly, D(2025, 12, 22), D(2026, 1, 12))) == [
        D(2025, 12, 22),
        D(2025, 12, 29),
        D(2026, 1, 5),
        D(2026, 1, 12),
    ]
    fortnightly = terms(D(2025, 12, 22), "two_weekly", 60000, timing="arrears")
    got = payment_schedule(fortnightly, D(2025, 12, 1), D(2026, 2, 28))
    assert dates(got) == [D(2026, 1, 5), D(2026, 1, 19), D(2026, 2, 2), D(2026, 2, 16)]
    assert got[0].period_end == D(2026, 1, 4)


def test_mid_year_change_applies_to_periods_starting_on_or_after_it() -> None:
    # 4-weekly from 1 April 2025; periods start 1 Apr, 29 Apr, 27 May, 24 Jun, 22 Jul,
    # 19 Aug, 16 Sep, 14 Oct ... A rise to £1,200 effective 1 October first applies to
    # the period starting 14 October.
    t = FundingTerms(
        D(2025, 4, 1), "four_weekly", ((D(2025, 10, 1), 120000), (D(2025, 4, 1), 115000))
    )
    got = payment_schedule(t, D(2025, 9, 1), D(2025, 11, 30))
    assert [(p.date, p.amount_pence) for p in got] == [
        (D(2025, 9, 16), 115000),
        (D(2025, 10, 14), 120000),
        (D(2025, 11, 11), 120000),
    ]
    arrears = FundingTerms(
        D(2025, 4, 1),
        "four_weekly",
        ((D(2025, 4, 1), 115000), (D(2025, 10, 1), 120000)),
        timing="arrears",
    )
    got = payment_schedule(arrears, D(2025, 10, 1), D(2025, 12, 31))
    # Paid on 14 Oct for 16 Sep-13 Oct (old rate); on 11 Nov for 14 Oct-10 Nov (new rate).
    assert [(p.date, p.amount_pence) for p in got] == [
        (D(2025, 10, 14), 115000),
        (D(2025, 11, 11), 120000),
        (D(2025, 12, 9), 120000),
    ]


def test_one_off_payment_sits_alongside_regular_payments() -> None:
    t = FundingTerms(
        D(2025, 4, 1),
        "monthly",
        ((D(2025, 4, 1), 100000),),
        one_off_payments=((D(2025, 5, 1), 50000, "Short break"), (D(2025, 5, 20), 25000, "Bed")),
    )
    got = payment_schedule(t, D(2025, 5, 1), D(2025, 6, 1))
    assert [(p.date, p.kind, p.amount_pence, p.description) for p in got] == [
        (D(2025, 5, 1), "regular", 100000, ""),
        (D(2025, 5, 1), "one_off", 50000, "Short break"),
        (D(2025, 5, 20), "one_off", 25000, "Bed"),
        (D(2025, 6, 1), "regular", 100000, ""),
    ]
    assert got[2].period_index == 1 and got[2].period_start == D(2025, 5, 1)
    with pytest.raises(ValueError):
        FundingTerms(
            D(2025, 4, 1),
            "monthly",
            ((D(2025, 4, 1), 1),),
            one_off_payments=((D(2025, 3, 1), 1, ""),),
        )


def test_net_and_gross_contributions_differ_in_what_enters_the_account() -> None:
    common = dict(client_contribution_pence=15000)
    net = terms(D(2025, 4, 1), "four_weekly", 100000, contribution_basis="net", **common)
    gross = terms(D(2025, 4, 1), "four_weekly", 100000, contribution_basis="gross", **common)
    got_net = payment_schedule(net, D(2025, 4, 1), D(2025, 4, 28))
    got_gross = payment_schedule(gross, D(2025, 4, 1), D(2025, 4, 28))
    assert [(p.date, p.kind, p.amount_pence) for p in got_net] == [
        (D(2025, 4, 1), "regular", 85000),
        (D(2025, 4, 1), "contribution", 15000),
    ]
    assert [(p.date, p.kind, p.amount_pence) for p in got_gross] == [
        (D(2025, 4, 1), "regular", 100000)
    ]
    # Contribution larger than the amount: the council pays nothing, the holder the amount.
    big = terms(D(2025, 4, 1), "weekly", 10000, client_contribution_pence=12000)
    assert [
        (p.kind, p.amount_pence) for p in payment_schedule(big, D(2025, 4, 1), D(2025, 4, 1))
    ] == [("contribution", 10000)]


def test_end_date_cuts_the_last_period() -> None:
    t = terms(D(2025, 4, 1), "four_weekly", 100000, end_date=D(2025, 5, 10), timing="arrears")
    ps = periods(t, D(2025, 1, 1), D(2025, 12, 31))
    assert [(p.start, p.end) for p in ps] == [
        (D(2025, 4, 1), D(2025, 4, 28)),
        (D(2025, 4, 29), D(2025, 5, 10)),
    ]
    assert dates(payment_schedule(t, D(2025, 1, 1), D(2025, 12, 31))) == [
        D(2025, 4, 29),
        D(2025, 5, 11),
    ]
    assert period_on(t, D(2025, 5, 11)) is None


def test_agreement_years() -> None:
    t = terms(D(2025, 4, 1), "four_weekly")
    assert agreement_year(t, D(2025, 4, 1)) == (D(2025, 4, 1), D(2026, 3, 31))
    assert agreement_year(t, D(2026, 3, 31)) == (D(2025, 4, 1), D(2026, 3, 31))
    assert agreement_year(t, D(2026, 4, 1)) == (D(2026, 4, 1), D(2027, 3, 31))
    leap = terms(D(2024, 2, 29), "monthly")
    assert agreement_year(leap, D(2025, 2, 27)) == (D(2024, 2, 29), D(2025, 2, 27))
    assert agreement_year(leap, D(2025, 3, 1)) == (D(2025, 2, 28), D(2026, 2, 27))
    ended = terms(D(2025, 4, 1), "monthly", end_date=D(2025, 9, 30))
    assert agreement_year(ended, D(2025, 6, 1)) == (D(2025, 4, 1), D(2025, 9, 30))


@pytest.mark.parametrize(
    ("frequency", "amount", "weekly"),
    [
        ("weekly", 30000, 30000),
        ("two_weekly", 60001, 30001),  # 30000.5 rounds half up
        ("four_weekly", 115000, 28750),
        ("four_weekly", 100002, 25001),  # 25000.5 rounds half up
        ("monthly", 100000, 23077),  # 1000 × 12 / 52 = 230.769...
        ("monthly", 130000, 30000),
    ],
)
def test_weekly_equivalents(frequency: str, amount: int, weekly: int) -> None:
    assert weekly_equivalent(terms(D(2025, 4, 1), frequency, amount), amount) == weekly


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(TypeError):
        terms(D(2025, 4, 1), "weekly", 1150.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        terms(D(2025, 4, 1), "weekly", Decimal("1150"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        terms(D(2025, 4, 1), "weekly", client_contribution_pence=10.5)
    with pytest.raises(TypeError):
        FundingTerms(dt.datetime(2025, 4, 1, 9), "weekly", ())  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        terms(D(2025, 4, 1), "fortnightly")
    with pytest.raises(ValueError):
        terms(D(2025, 4, 1), "weekly", timing="later")
    with pytest.raises(ValueError):
        terms(D(2025, 4, 1), "weekly", contribution_basis="both")
