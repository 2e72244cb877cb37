"""Money owed and the coming pay runs, worked by hand (dpsupport/payroll/owed.py). Pure."""

from __future__ import annotations

from datetime import date

import pytest

from dpsupport.payroll import owed as o

TODAY = date(2026, 11, 27)
MONTHLY = o.PayTerms("monthly", "1257L", "A")
WITH_PENSION = o.PayTerms("monthly", "1257L", "A", pension_employee_bp=500,
                          pension_employer_bp=300)
SALLY = o.Person(1, "Sally Pope", MONTHLY)
TOM = o.Person(2, "Tom Reed", None)


def test_employer_cost_by_hand() -> None:
    # 2026/27: employer NI 15% above the £417 monthly Secondary Threshold:
    # 15% × (£1,083.33 − £417.00) = £99.9495, HMRC's third-decimal rule gives £99.95.
    # Pension 3% of qualifying earnings (£1,083.33 − £520.00 = £563.33) = £16.8999 → £16.90.
    cost = o.employer_cost(108333, WITH_PENSION, TODAY)
    assert (cost.ni_pence, cost.pension_pence, cost.worked_out) == (9995, 1690, True)
    assert "employer's National Insurance £99.95" in cost.working
    assert "paid in one month" in cost.working
    # below the threshold: nothing
    assert o.employer_cost(41700, MONTHLY, TODAY).ni_pence == 0
    assert o.employer_cost(0, MONTHLY, TODAY).ni_pence == 0


def test_employer_cost_outside_the_years_we_have_figures_for_is_said() -> None:
    cost = o.employer_cost(100000, MONTHLY, date(2001, 5, 1))
    assert cost.worked_out is False and "could not estimate" in cost.working


def test_unpaid_shifts_are_those_up_to_today_outside_approved_periods() -> None:
    shifts = [o.ShiftWorked(1, date(2026, 11, 2), 5000, 240),  # in the approved run
              o.ShiftWorked(1, date(2026, 11, 20), 9375, 450),
              o.ShiftWorked(2, date(2026, 11, 2), 4000, 240),  # Tom: the run is Sally's
              o.ShiftWorked(1, date(2026, 11, 28), 5000, 240)]  # after today
    paid = [o.PaidPeriod(1, date(2026, 10, 6), date(2026, 11, 5))]
    assert o.unpaid_shifts(shifts, paid, TODAY) == [shifts[1], shifts[2]]


def test_set_aside_lines_and_total() -> None:
    shifts = [o.ShiftWorked(1, date(2026, 11, 20), 60000, 2880),
              o.ShiftWorked(1, date(2026, 11, 25), 60000, 2880),
              o.ShiftWorked(2, date(2026, 11, 21), 5000, 240)]
    unsettled = [o.Unsettled("hmrc", "HMRC", 12345, date(2026, 11, 22)),
                 o.Unsettled("net_pay", "Sally Pope", 98000, date(2026, 11, 5))]
    holiday = [o.HolidayOwed("Sally Pope", 600, 7500, ("10 hours at £12.50",)),
               o.HolidayOwed("Tom Reed", 0, 0)]
    got = o.set_aside([SALLY, TOM], shifts, [], unsettled, holiday, TODAY)
    # Sally: £1,200.00 unpaid; employer NI 15% × (£1,200 − £417) = £117.45, no pension.
    assert [(line.kind, line.description, line.amount_pence) for line in got.lines] == [
        ("wages", "Wages for work Sally Pope has done but not been paid for", 120000),
        ("employer_costs", "Employer's National Insurance and pension on Sally Pope's "
         "unpaid wages (an estimate)", 11745),
        ("wages", "Wages for work Tom Reed has done but not been paid for", 5000),
        ("net_pay", "Net pay to Sally Pope", 98000),
        ("hmrc", "PAYE and National Insurance to HMRC", 12345),
        ("holiday", "Holiday Sally Pope has earned but not taken", 7500),
    ]
    assert got.total_pence == 120000 + 11745 + 5000 + 98000 + 12345 + 7500
    assert got.lines[0].working == ("2 shifts (96 hours) from 20 November 2026 to 25 November "
                                    "2026, not in an approved pay run, at the pay worked out "
                                    "from the contract's rates",)
    assert "not less" in got.lines[1].working[1]
    assert got.lines[3].working == ("from an approved pay run, due on 5 November 2026, not "
                                    "paid yet (not matched to a payment out, nor marked as "
                                    "paid)",)
    assert got.lines[5].working == ("10 hours at £12.50",)
    # Tom has no contract: his employer's costs cannot be estimated, and that is said
    assert got.notes == ("Tom Reed has no contract in force, so we cannot estimate the "
                         "employer's National Insurance and pension on their unpaid wages.",)


def test_holiday_not_worked_out_is_said_and_counts_nothing() -> None:
    got = o.set_aside([SALLY], [], [], [], None, TODAY)
    assert got.lines == () and got.total_pence == 0
    assert got.notes == (o.HOLIDAY_NOT_WORKED_OUT,)


def test_pay_periods_follow_the_tax_calendar() -> None:
    assert o.pay_period("monthly", TODAY) == (date(2026, 11, 6), date(2026, 12, 5))
    assert o.pay_period("monthly", date(2027, 3, 10)) == (date(2027, 3, 6), date(2027, 4, 5))
    assert o.pay_period("weekly", TODAY) == (date(2026, 11, 23), date(2026, 11, 29))
    assert o.pay_period("fortnightly", TODAY) == (date(2026, 11, 16), date(2026, 11, 29))
    # week 53 of 2026/27 is 5 April 2027 alone
    assert o.pay_period("weekly", date(2027, 4, 5)) == (date(2027, 4, 5), date(2027, 4, 5))


def _sally(*contracts: o.ContractTerms, leaving: date | None = None,
           recent: int = 0, start: date = date(2026, 4, 6)) -> o.Employee:
    return o.Employee(1, "Sally Pope", start, leaving, contracts, recent)


REGULAR = o.ContractTerms(date(2026, 4, 6), "regular", 1200, 1250, MONTHLY)


def test_regular_hours_pay_runs_by_hand() -> None:
    # 20 hours × £12.50 = £250.00 a week; × 52 ÷ 12 = £1,083.33 a month; + £99.95 employer
    # NI = £1,183.28. 28 November to 5 December is 8 of the month's 30 days: £315.54.
    runs = o.forecast_pay_runs([_sally(REGULAR)], TODAY, date(2027, 4, 5))
    assert [(r.date, r.amount_pence) for r in runs] == [
        (date(2026, 12, 5), 31554), (date(2027, 1, 5), 118328), (date(2027, 2, 5), 118328),
        (date(2027, 3, 5), 118328), (date(2027, 4, 5), 118328)]
    assert runs[0].working.startswith("20 hours a week at £12.50 an hour is £250.00")
    assert "8 of its 30 days counted" in runs[0].working


def test_a_pay_run_past_the_horizon_is_counted_on_its_last_day() -> None:
    runs = o.forecast_pay_runs([_sally(REGULAR)], TODAY, date(2026, 12, 31))
    # 6 to 31 December: 26 of 31 days of £1,183.28 = £992.43, counted on 31 December
    assert [(r.date, r.amount_pence) for r in runs] == [
        (date(2026, 12, 5), 31554), (date(2026, 12, 31), 99243)]


def test_leaving_and_a_contract_change_split_the_period() -> None:
    more = o.ContractTerms(date(2026, 12, 20), "regular", 1800, 1250, MONTHLY)
    runs = o.forecast_pay_runs([_sally(REGULAR, more, leaving=date(2027, 1, 10))], TODAY,
                               date(2027, 4, 5))
    # 30 hours: £375.00 a week, £1,625.00 a month, NI 15% × £1,208 = £181.20: £1,806.20.
    # 6 to 19 December at £1,183.28 (14 of 31 days: £534.38), 20 December to 5 January at
    # £1,806.20 (17 of 31: £990.50), 6 to 10 January (5 of 31: £291.32); then nothing.
    assert [(r.date, r.amount_pence) for r in runs] == [
        (date(2026, 12, 5), 31554), (date(2027, 1, 5), 53438), (date(2027, 1, 5), 99050),
        (date(2027, 2, 5), 29132)]


def test_irregular_hours_use_the_last_12_weeks() -> None:
    weekly = o.PayTerms("weekly")
    irregular = o.ContractTerms(date(2026, 4, 6), "irregular", None, 1250, weekly)
    # £1,800.00 in 12 weeks is £150.00 a week; employer NI 15% × (£150 − £96, the weekly
    # Secondary Threshold) = £8.10. A week is £158.10.
    runs = o.forecast_pay_runs([_sally(irregular, recent=180000)], TODAY, date(2026, 12, 13))
    assert [(r.date, r.amount_pence) for r in runs] == [
        (date(2026, 11, 29), 4517),  # 28 and 29 November: 2 of 7 days
        (date(2026, 12, 6), 15810), (date(2026, 12, 13), 15810)]
    assert "£1,800.00 for shifts in the last 12 weeks ÷ 12 is £150.00 a week" in runs[1].working
    # someone who started 3 weeks ago: their pay ÷ 3
    new = _sally(irregular, recent=45000, start=TODAY.replace(day=6))
    assert o.weekly_pay(new, irregular, TODAY, 0)[0] == 15000


def test_what_if_changes_one_pa_from_a_date() -> None:
    what = o.WhatIf(1, 240, date(2027, 1, 1))
    runs = o.forecast_pay_runs([_sally(REGULAR)], TODAY, date(2027, 2, 5), what)
    # 24 hours: £300.00 a week, £1,300.00 a month, NI 15% × £883 = £132.45: £1,432.45.
    # The January run: 6 to 31 December (26 of 31 of £1,183.28 = £992.43) + 1 to 5 January
    # (5 of 31 of £1,432.45 = £231.04).
    assert [(r.date, r.amount_pence) for r in runs] == [
        (date(2026, 12, 5), 31554), (date(2027, 1, 5), 99243), (date(2027, 1, 5), 23104),
        (date(2027, 2, 5), 143245)]
    other = o.forecast_pay_runs([_sally(REGULAR)], TODAY, date(2027, 2, 5),
                                o.WhatIf(2, 240, date(2027, 1, 1)))
    assert [r.amount_pence for r in other if r.date == date(2027, 2, 5)] == [118328]
    fewer = o.forecast_pay_runs([_sally(REGULAR)], TODAY, date(2027, 2, 5),
                                o.WhatIf(1, -6000, date(2027, 1, 1)))
    assert fewer[-1].amount_pence == 0  # never below no hours


@pytest.mark.parametrize("bad", [1.5, "100"])
def test_money_is_whole_pence(bad: object) -> None:
    with pytest.raises(TypeError):
        o.employer_cost(bad, MONTHLY, TODAY)  # type: ignore[arg-type]
