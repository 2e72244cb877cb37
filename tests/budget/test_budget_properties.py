"""Property tests (hypothesis) for schedules, plans, balances and money types."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dpsupport.budget import (
    Earlier,
    FundingTerms,
    Liability,
    PlanLine,
    Transaction,
    balance_series,
    money_picture,
    payment_schedule,
    period_on,
    periods,
    plan_vs_actual,
    project,
    window_start,
)
from dpsupport.budget.periods import ONE_DAY, amount_for_period, period_at
from dpsupport.text import format_pence

D = dt.date
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))
frequencies = st.sampled_from(["weekly", "two_weekly", "four_weekly", "monthly"])
timings = st.sampled_from(["advance", "arrears"])
pence = st.integers(min_value=0, max_value=10_000_000)


@st.composite
def funding_terms(draw: st.DrawFn) -> FundingTerms:
    start = draw(dates)
    change = start + dt.timedelta(days=draw(st.integers(1, 400)))
    return FundingTerms(
        start,
        draw(frequencies),
        ((start, draw(pence)), (change, draw(pence))),
        timing=draw(timings),
        client_contribution_pence=draw(st.integers(0, 50000)),
        contribution_basis=draw(st.sampled_from(["net", "gross"])),
    )


@given(funding_terms(), st.integers(-60, 400), st.integers(0, 800))
@settings(max_examples=200)
def test_regular_payment_dates_strictly_increase_within_range(
    terms: FundingTerms, offset: int, length: int
) -> None:
    start = terms.start_date + dt.timedelta(days=offset)
    end = start + dt.timedelta(days=length)
    got = payment_schedule(terms, start, end)
    assert all(start <= p.date <= end for p in got)
    for kind in ("regular", "contribution"):
        days = [p.date for p in got if p.kind == kind]
        assert all(a < b for a, b in zip(days, days[1:], strict=False))
    assert [p.date for p in got] == sorted(p.date for p in got)
    for p in got:
        expected = p.period_start if terms.timing == "advance" else p.period_end + ONE_DAY
        assert p.date == expected
    # Council payment + any net contribution = the full amount for the period; no payment
    # is for a period that does not exist.
    by_period: dict[int, int] = {}
    for p in got:
        if p.kind != "one_off":
            by_period[p.period_index] = by_period.get(p.period_index, 0) + p.amount_pence
    for index, total in by_period.items():
        period = period_at(terms, index)
        assert period is not None
        assert total == amount_for_period(terms, period)


@given(funding_terms(), st.integers(0, 800), st.integers(0, 400))
@settings(max_examples=200)
def test_periods_are_contiguous_and_contain_their_days(
    terms: FundingTerms, offset: int, length: int
) -> None:
    start = terms.start_date + dt.timedelta(days=offset)
    ps = periods(terms, start, start + dt.timedelta(days=length))
    assert ps[0].start <= start <= ps[0].end
    for a, b in zip(ps, ps[1:], strict=False):
        assert b.index == a.index + 1 and b.start == a.end + ONE_DAY
    for p in ps:
        assert 7 <= p.days <= 31
        assert period_on(terms, p.start) == p and period_on(terms, p.end) == p
    if terms.frequency == "monthly":
        for p in ps:
            last_day = calendar.monthrange(p.start.year, p.start.month)[1]
            assert p.start.day == min(terms.start_date.day, last_day)


@given(
    funding_terms(),
    st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), pence), min_size=0, max_size=5),
    st.integers(0, 700),
)
@settings(max_examples=100)
def test_sum_of_per_period_planned_equals_total(
    terms: FundingTerms, lines: list[tuple[str, int]], length: int
) -> None:
    plan = [PlanLine(i, cat, f"Line {i}", amount) for i, (cat, amount) in enumerate(lines)]
    end = terms.start_date + dt.timedelta(days=length)
    reports = plan_vs_actual(terms, plan, [], terms.start_date, end)
    per_period = sum(line.planned_pence for line in plan)
    assert sum(r.planned_pence for r in reports) == len(reports) * per_period
    for i, line in enumerate(plan):
        assert sum(r.lines[i].planned_pence for r in reports) == len(reports) * line.planned_pence


transactions = st.lists(
    st.builds(
        Transaction,
        date=st.dates(min_value=D(2025, 1, 1), max_value=D(2025, 12, 31)),
        amount_pence=st.integers(-500_000, 500_000),
        category=st.sampled_from([None, "pa_wages", "respite", "other"]),
    ),
    max_size=40,
)


@given(st.integers(-1_000_000, 1_000_000), transactions)
def test_balance_series_ends_at_opening_plus_transactions(
    opening: int, txns: list[Transaction]
) -> None:
    series = balance_series(opening, D(2025, 1, 1), txns, D(2025, 12, 31))
    assert series[0][0] == D(2025, 1, 1) and series[-1][0] == D(2025, 12, 31)
    assert series[-1][1] == opening + sum(t.amount_pence for t in txns)
    assert all(a[0] < b[0] for a, b in zip(series, series[1:], strict=False))


@given(transactions)
def test_money_in_minus_spend_equals_net_change(txns: list[Transaction]) -> None:
    terms = FundingTerms(D(2025, 1, 1), "monthly", ((D(2025, 1, 1), 100000),))
    plan = [PlanLine("w", "pa_wages", "Wages", 80000), PlanLine("r", "respite", "Respite", 5000)]
    for r in plan_vs_actual(terms, plan, txns, D(2025, 1, 1), D(2025, 12, 31)):
        net = sum(t.amount_pence for t in txns if r.period.contains(t.date))
        assert r.money_in_received_pence - r.actual_pence == net


@given(
    funding_terms(),
    st.integers(0, 600),
    st.integers(-500_000, 2_000_000),
    st.integers(0, 300_000),
    st.integers(0, 100_000),
)
@settings(max_examples=100)
def test_daily_projection_agrees_with_forecast(
    terms: FundingTerms, offset: int, balance: int, planned: int, owed: int
) -> None:
    today = terms.start_date + dt.timedelta(days=offset)
    plan = [PlanLine(1, "pa_wages", "Wages", planned)]
    proj = project(terms, plan, balance, [Liability("owed", owed)], today)
    if proj.daily:
        assert proj.daily[-1] == (proj.year_end, proj.year_end_balance)
    if proj.run_out_date is not None:
        if balance < 0:
            assert proj.run_out_date == today
        else:
            assert dict(proj.daily)[proj.run_out_date] < 0
            assert all(b >= 0 for d, b in proj.daily if d < proj.run_out_date)
    else:
        assert balance >= 0 and all(b >= 0 for _, b in proj.daily)


money_floats = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)


@given(money_floats)
def test_no_float_accepted_as_money(amount: float) -> None:
    start = D(2025, 4, 1)
    with pytest.raises(TypeError):
        Transaction(start, amount)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        PlanLine(1, "pa_wages", "Wages", amount)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Liability("owed", amount)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        FundingTerms(start, "weekly", ((start, amount),))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        FundingTerms(start, "weekly", (), contingency_reserve_pence=amount)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        FundingTerms(start, "weekly", (), one_off_payments=((start, amount, "x"),))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_pence(amount)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        balance_series(amount, start, [], start)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Transaction(start, Decimal(str(amount)))  # type: ignore[arg-type]


@given(funding_terms(), st.integers(-60, 500), st.integers(0, 300), st.integers(0, 300))
@settings(max_examples=200)
def test_schedule_over_a_range_is_the_full_schedule_cut_to_it(
    terms: FundingTerms, offset: int, first_len: int, second_len: int
) -> None:
    a = terms.start_date + dt.timedelta(days=offset)
    b = a + dt.timedelta(days=first_len)
    c = b + dt.timedelta(days=second_len)
    full = payment_schedule(terms, terms.start_date - dt.timedelta(days=1), c)
    assert payment_schedule(terms, a, c) == [p for p in full if a <= p.date]
    assert payment_schedule(terms, a, c) == (
        payment_schedule(terms, a, b) + payment_schedule(terms, b + ONE_DAY, c)
    )


@st.composite
def long_history(draw: st.DrawFn) -> tuple[FundingTerms, list[Transaction], dt.date]:
    """An agreement up to 4 years old and transactions across (and before) it."""
    start = draw(st.dates(min_value=D(2020, 1, 1), max_value=D(2024, 12, 31)))
    terms = FundingTerms(start, draw(frequencies), ((start, 100000),), timing=draw(timings),
                         client_contribution_pence=draw(st.sampled_from([0, 5000])))
    today = start + dt.timedelta(days=draw(st.integers(0, 4 * 366)))
    txns = draw(st.lists(st.builds(
        Transaction,
        date=st.dates(min_value=start - dt.timedelta(days=60),
                      max_value=today + dt.timedelta(days=30)),
        amount_pence=st.one_of(st.integers(-200_000, 200_000), st.sampled_from([100000, 95000])),
        category=st.sampled_from([None, "pa_wages", "respite", "other"]),
    ), max_size=60))
    return terms, txns, today


@given(long_history(), st.integers(-100_000, 100_000))
@example(  # the year starts on a Friday inside a weekly period that began on the Monday
    (FundingTerms(D(2023, 1, 2), "weekly", ((D(2023, 1, 2), 100000),), scheme=""),
     [Transaction(D(2022, 11, 3), 0), Transaction(D(2026, 1, 1), 1)], D(2026, 4, 8)), 0)
@settings(max_examples=150, deadline=None)
def test_earlier_transactions_summed_give_the_same_picture(
    history: tuple[FundingTerms, list[Transaction], dt.date], opening: int
) -> None:
    """Issue 12.11: the picture from transactions since window_start plus the earlier ones
    summed (as the money service reads them) is exactly the picture from every transaction."""
    terms, txns, today = history
    plan = [PlanLine("w", "pa_wages", "Wages", 60000), PlanLine("r", "respite", "Respite", 9000)]
    since = window_start(terms, today)
    recent = [t for t in txns if t.date >= since]
    earlier = Earlier.of(txns, since, terms.start_date)
    whole = money_picture(terms, plan, txns, [], today, opening_balance=opening)
    assert money_picture(terms, plan, recent, [], today, opening, earlier) == whole
    year_start, year_end = whole.year_start, min(whole.year_end, whole.period.end)
    assert plan_vs_actual(terms, plan, recent, year_start, year_end) == plan_vs_actual(
        terms, plan, txns, year_start, year_end)
    series = balance_series(opening + earlier.everything.net_pence,
                            max(terms.start_date, since), recent, today)
    assert series[-1][1] == whole.balance_today.value


def test_a_transaction_before_earlier_would_count_twice() -> None:
    terms = FundingTerms(D(2025, 1, 1), "monthly", ((D(2025, 1, 1), 100000),))
    txns = [Transaction(D(2025, 1, 5), 100)]
    with pytest.raises(ValueError, match="count twice"):
        money_picture(terms, [], txns, [], D(2025, 3, 1), 0, Earlier.of(txns, D(2025, 2, 1),
                                                                        terms.start_date))
