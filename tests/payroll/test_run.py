"""The pure pay run engine and pay periods: every figure is payroll_rules.calculate's for the
same inputs, corrections end at the right totals, the Employment Allowance is used once, and
payments fall due on the days docs/payroll.md gives."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import payroll_rules
from dpsupport.payroll import periods
from dpsupport.payroll.lines import PayLine
from dpsupport.payroll.run import (
    ZERO,
    Figures,
    HmrcSoFar,
    PAInput,
    RunProblem,
    allowance_used,
    payments_due,
    pension_due_date,
    work_out,
)
from payroll_rules import PayInput, Pension

CODES = ["1257L", "1257L M1", "S1257L", "C1257L", "BR", "K150", "0T", "NT", "D0", "1100L W1"]


def _pence(value: Decimal) -> int:
    return int(value * 100)


# --- pay periods and pay dates ----------------------------------------------------------------

@pytest.mark.parametrize("words, expected", [
    ("last Friday of the month", date(2027, 2, 26)),
    ("Last friday", date(2027, 2, 26)),
    ("last working day of the month", date(2027, 2, 26)),
    ("last day of the month", date(2027, 2, 28)),
    ("25th", date(2027, 2, 25)),
    ("the 31st", date(2027, 2, 28)),
    ("1", date(2027, 2, 1)),
    ("first Monday", date(2027, 2, 1)),
    ("Tuesdays", date(2027, 2, 23)),
])
def test_monthly_pay_dates_from_the_contracts_words(words: str, expected: date) -> None:
    span = periods.period_containing("monthly", date(2027, 2, 10))
    assert (span.start, span.end) == (date(2027, 2, 1), date(2027, 2, 28))
    paid = periods.pay_date(span, words)
    assert paid == periods.PayDate(expected, True)


def test_a_pay_day_we_cannot_read_is_said_so() -> None:
    month = periods.period_containing("monthly", date(2027, 2, 10))
    assert periods.pay_date(month, "when the council pays") == periods.PayDate(
        date(2027, 2, 28), False)
    week = periods.period_containing("weekly", date(2027, 2, 10))
    assert (week.start, week.end) == (date(2027, 2, 8), date(2027, 2, 14))
    assert periods.pay_date(week, "") == periods.PayDate(date(2027, 2, 15), False)
    assert periods.pay_date(week, "every Friday") == periods.PayDate(date(2027, 2, 19), True)
    assert periods.pay_date(week, "Monday") == periods.PayDate(date(2027, 2, 15), True)


@given(st.sampled_from(["weekly", "fortnightly", "four_weekly", "monthly"]),
       st.dates(date(2024, 6, 1), date(2027, 3, 1)), st.dates(date(2024, 4, 6), date(2026, 4, 5)))
def test_periods_follow_one_another_without_gaps(frequency: str, day: date,
                                                 anchor: date) -> None:
    span = periods.period_containing(frequency, day, anchor)
    assert span.start <= day <= span.end
    nxt = periods.next_period(span)
    assert nxt.start == span.end + timedelta(days=1)
    if frequency != "monthly":
        assert span.start.weekday() == 0
        assert (span.end - span.start).days + 1 == periods.STEP_DAYS[frequency]
        assert (span.start - periods.monday_on_or_before(anchor)).days % \
            periods.STEP_DAYS[frequency] == 0
    # consecutive pay dates fall in consecutive tax periods within one tax year
    first = periods.pay_date(span, "Friday").on
    second = periods.pay_date(nxt, "Friday").on
    if payroll_rules.tax_year_start(first) == payroll_rules.tax_year_start(second):
        assert (payroll_rules.period_for_date(frequency, second)
                == payroll_rules.period_for_date(frequency, first) + 1)


def test_week_53() -> None:
    # 6 April 2026 is a Monday: the week from 29 March 2027 paid on Monday 5 April 2027 is
    # the tax year's 53rd pay day.
    week = periods.period_containing("weekly", date(2027, 3, 31))
    paid = periods.pay_date(week, "Monday").on
    assert paid == date(2027, 4, 5)
    assert payroll_rules.period_for_date("weekly", paid) == 53
    [r] = work_out([PAInput(1, "Wes", (PayLine("shifts", "35 hours", 45500, 2100),), "1257L",
                            "A", before=Figures(taxable=2000000, tax=150000))],
                   "weekly", paid)
    expected = payroll_rules.calculate(PayInput(paid, "weekly", 53, Decimal("455.00"),
                                                "1257L", "A", Decimal("20000.00"),
                                                Decimal("1500.00")))
    assert r.pay_input.period == 53 and r.figures.tax == _pence(expected.income_tax)


# --- every figure is payroll_rules' ------------------------------------------------------------

PA_INPUTS = st.builds(
    lambda lines, code, cat, pension, plan, pgl, pay_to_date, tax_share, age: PAInput(
        key=1, name="A PA",
        lines=tuple(PayLine(kind, "a line", pence) for kind, pence in lines),
        tax_code=code, ni_category=cat,
        pension=Pension(Decimal("0.05"), Decimal("0.03")) if pension else None,
        pension_scheme="NEST" if pension else None, student_loan_plan=plan,
        postgraduate_loan=pgl,
        before=Figures(gross=pay_to_date, taxable=pay_to_date,
                       tax=pay_to_date * tax_share // 100),
        age=age),
    st.lists(st.tuples(st.sampled_from(["shifts", "sleep_in", "holiday", "sick_pay"]),
                       st.integers(0, 300_000)), min_size=1, max_size=4),
    st.sampled_from(CODES), st.sampled_from(["A", "C", "M", "X", "Z"]), st.booleans(),
    st.sampled_from([None, "1", "2", "4", "5"]), st.booleans(), st.integers(0, 5_000_000),
    st.integers(0, 30), st.integers(15, 80))


@settings(max_examples=300, deadline=None)
@given(PA_INPUTS, st.sampled_from(["weekly", "fortnightly", "four_weekly", "monthly"]),
       st.dates(date(2024, 4, 6), date(2027, 4, 5)))
def test_every_figure_is_payroll_rules(pa: PAInput, frequency: str, paid: date) -> None:
    gross = sum(x.amount_pence for x in pa.lines)
    try:
        expected = payroll_rules.calculate(PayInput(
            paid, frequency, payroll_rules.period_for_date(frequency, paid),
            Decimal(gross) / 100, pa.tax_code, pa.ni_category,
            Decimal(pa.before.taxable) / 100, Decimal(pa.before.tax) / 100, pa.pension,
            pa.student_loan_plan, pa.postgraduate_loan))
    except payroll_rules.PayrollInputError as exc:  # Plan 5 before 2026, say: refused too
        with pytest.raises(RunProblem, match=str(exc)[:20]):
            work_out([pa], frequency, paid)
        return
    [r] = work_out([pa], frequency, paid)
    f = r.figures
    assert (f.gross, f.taxable, f.tax, f.employee_ni, f.employer_ni, f.employee_pension,
            f.employer_pension, f.student_loan, f.postgraduate_loan, f.net) == tuple(
        _pence(getattr(expected, n)) for n in (
            "gross_pay", "taxable_pay", "income_tax", "employee_ni", "employer_ni",
            "employee_pension", "employer_pension", "student_loan", "postgraduate_loan",
            "net_pay"))
    assert f.holiday == sum(x.amount_pence for x in pa.lines if x.kind == "holiday")
    assert f.sick == sum(x.amount_pence for x in pa.lines if x.kind == "sick_pay")
    assert r.to_date == pa.before + f
    assert f.employer_cost == f.gross + f.employer_ni + f.employer_pension
    assert r.auto_enrolment in ("eligible", "non_eligible", "entitled", "not_applicable")


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 400_000), st.integers(0, 200_000), st.sampled_from(CODES[:3]),
       st.integers(1, 12))
def test_a_correction_ends_at_the_totals_of_paying_right_first_time(
        paid_first: int, extra: int, code: str, month: int) -> None:
    paid = payroll_rules.period_start(2026, "monthly", month) + timedelta(days=20)
    before = Figures(taxable=month * 150_000, tax=month * 15_000)
    lines = (PayLine("shifts", "shifts", paid_first),)
    [first] = work_out([PAInput(1, "A", lines, code, "A", before=before)], "monthly", paid)
    more = lines + (PayLine("shifts", "forgotten shifts", extra),)
    [fix] = work_out([PAInput(1, "A", more, code, "A", before=before, already=first.figures)],
                     "monthly", paid)
    [right] = work_out([PAInput(1, "A", more, code, "A", before=before)], "monthly", paid)
    assert first.figures + fix.figures == right.figures
    assert fix.to_date == right.to_date
    assert fix.figures.gross == extra


def test_a_correction_cannot_take_pay_back() -> None:
    lines = (PayLine("shifts", "shifts", 100_000),)
    with pytest.raises(RunProblem, match="overpayment"):
        work_out([PAInput(7, "A", lines, "1257L", "A", already=Figures(gross=120_000,
                                                                      net=110_000))],
                 "monthly", date(2026, 4, 24))


def test_a_refused_input_names_the_pa() -> None:
    with pytest.raises(RunProblem) as caught:
        work_out([PAInput(9, "A", (PayLine("shifts", "x", 100),), "NOT A CODE", "A")],
                 "monthly", date(2026, 4, 24))
    assert caught.value.key == 9


# --- what is due and when ---------------------------------------------------------------------

@given(st.lists(st.integers(-5_000, 200_000), min_size=1, max_size=20),
       st.integers(0, 1_050_000))
def test_the_allowance_is_used_until_it_runs_out(employer_ni: list[int], allowance: int) -> None:
    so_far = 0
    used = 0
    for amount in employer_ni:
        used += allowance_used(allowance, so_far, amount)
        so_far += amount
        assert used == min(allowance, max(0, so_far))


def test_payments_due_monthly_quarterly_and_pension() -> None:
    paid = date(2026, 12, 24)  # tax month 9 (6 December to 5 January)
    [r] = work_out([PAInput(3, "Sally Pope", (PayLine("shifts", "x", 600_000),), "1257L M1",
                            "A", pension=Pension(), pension_scheme="NEST")], "monthly", paid)
    f = r.figures
    small = payments_due([r], paid, allowance_pence=0, so_far=HmrcSoFar())
    kinds = {d.kind: d for d in small.due}
    assert kinds["net_pay"].amount_pence == f.net and kinds["net_pay"].due_date == paid
    assert kinds["hmrc"].amount_pence == f.tax + f.employee_ni + f.employer_ni
    # one month's payment over £1,500 on average: due monthly, by 22 January (a Friday)
    assert f.hmrc >= 150_000
    assert not small.quarterly and kinds["hmrc"].due_date == date(2027, 1, 22)
    assert kinds["hmrc"].tax_month == 9 and kinds["hmrc"].tax_year == 2026
    assert kinds["pension"].amount_pence == f.employee_pension + f.employer_pension
    assert kinds["pension"].due_date == date(2027, 1, 22) == pension_due_date(paid)
    # averaged over the tax months since the first payment this year, under £1,500: quarterly
    spread = payments_due([r], paid, allowance_pence=0,
                          so_far=HmrcSoFar(hmrc_pence=500_000, first_month=1))
    assert spread.quarterly and {d.kind: d for d in spread.due}["hmrc"].due_date == date(
        2027, 1, 22)  # the quarter 6 October to 5 January ends with month 9 too
    assert payroll_rules.hmrc_payment_due_date(date(2026, 10, 24), quarterly=True) == date(
        2027, 1, 22)
    # with the Employment Allowance claimed the employer NI is not paid to HMRC
    claimed = payments_due([r], paid, allowance_pence=1_050_000, so_far=HmrcSoFar())
    assert claimed.allowance_used_pence == f.employer_ni
    assert {d.kind: d for d in claimed.due}["hmrc"].amount_pence == f.tax + f.employee_ni
    assert claimed.employer_cost_pence == f.gross + f.employer_pension
    # nothing owed, nothing due
    none = payments_due([], paid, allowance_pence=0, so_far=HmrcSoFar())
    assert none.due == [] and none.hmrc_pence == 0
    assert ZERO.hmrc == 0
