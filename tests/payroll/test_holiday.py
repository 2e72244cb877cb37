"""Holiday entitlement, accrual, carry-over and holiday pay against worked examples from
GOV.UK's guidance ("Holiday entitlement", "Holiday pay: the basics", and "Calculating
holiday entitlement for part-year and irregular hours workers")."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from dpsupport.payroll import holiday as h
from payroll_rules.params import lookup

YEAR = (date(2026, 4, 1), date(2027, 3, 31))  # 365 days


def test_leave_year_runs_from_the_start_day_each_year() -> None:
    start = date(2024, 4, 6)
    assert h.leave_year(start, date(2026, 11, 27)) == (date(2026, 4, 6), date(2027, 4, 5))
    assert h.leave_year(start, date(2027, 4, 5)) == (date(2026, 4, 6), date(2027, 4, 5))
    assert h.leave_year(start, date(2027, 4, 6)) == (date(2027, 4, 6), date(2028, 4, 5))
    # a leave year starting on 29 February starts on 28 February in other years
    assert h.leave_year(date(2024, 2, 29), date(2026, 3, 1)) == (date(2026, 2, 28),
                                                                 date(2027, 2, 27))


def test_five_days_a_week_is_28_days() -> None:
    # GOV.UK: someone working 5 days a week is entitled to 28 days (5.6 weeks); at 8 hours
    # a day, 40 hours a week, that is 224 hours
    got = h.regular_entitlement([h.RegularSpan(*YEAR, 40 * 60)], *YEAR)
    assert got.minutes == 224 * 60
    assert "5.6 weeks" in got.lines[0]


def test_three_days_a_week_is_16_point_8_days() -> None:
    # GOV.UK: 3 days a week × 5.6 = 16.8 days; 3 days of 8 hours = 134.4 hours
    got = h.regular_entitlement([h.RegularSpan(*YEAR, 24 * 60)], *YEAR)
    assert got.minutes == 134 * 60 + 24
    # 16 hours a week (the demo's PA): 89.6 hours = 89 hours 36 minutes
    assert h.regular_entitlement([h.RegularSpan(*YEAR, 16 * 60)], *YEAR).minutes == 5376


def test_the_28_day_cap_for_six_days_a_week() -> None:
    # 6 days of 8 hours: 5.6 × 6 = 33.6 days, capped at 28 days = 224 hours, not 268.8
    got = h.regular_entitlement([h.RegularSpan(*YEAR, 48 * 60, days_per_week=6)], *YEAR)
    assert got.minutes == 224 * 60
    assert got.lines[0].startswith("28 days (the most, for 6 days a week)")
    assert not any("does not say" in line for line in got.lines)
    # not knowing the days, we take 5 or fewer: 5.6 × 48 hours
    unknown = h.regular_entitlement([h.RegularSpan(*YEAR, 48 * 60)], *YEAR)
    assert unknown.minutes == 268 * 60 + 48
    assert "does not say how many days" in unknown.lines[-1]
    # 7 days of 6 hours (42 hours): 28 days of 6 hours = 168 hours
    seven = h.regular_entitlement([h.RegularSpan(*YEAR, 42 * 60, days_per_week=7)], *YEAR)
    assert seven.minutes == 168 * 60


def test_a_starter_part_way_through_the_year_gets_their_share() -> None:
    # GOV.UK: a 5-day worker starting half way through the leave year gets about half of
    # 28 days. We share by days: 1 October to 31 March is 182 of 365 days.
    got = h.regular_entitlement([h.RegularSpan(date(2026, 10, 1), YEAR[1], 40 * 60)], *YEAR)
    exact = Decimal(224 * 60) * 182 / 365
    assert got.minutes == int(exact) + 1  # 6700.6... rounded up, never down
    assert "182 of the 365 days" in got.lines[0]


def test_a_change_of_hours_in_the_year_adds_the_parts() -> None:
    half = date(2026, 9, 30)
    got = h.regular_entitlement([h.RegularSpan(YEAR[0], half, 20 * 60),
                                 h.RegularSpan(half + timedelta(days=1), YEAR[1], 40 * 60)],
                                *YEAR)
    exact = (Decimal(112 * 60) * 183 + Decimal(224 * 60) * 182) / 365
    assert got.minutes == 10_071  # 10,070.79... rounded up
    assert exact.to_integral_value(rounding='ROUND_CEILING') == 10_071
    assert any("In all" in line for line in got.lines)


def test_irregular_hours_accrue_12_07_percent_of_hours_worked() -> None:
    # GOV.UK: 12.07% of hours worked; 100 hours worked → 12.07 hours of holiday
    got = h.irregular_accrual(100 * 60, date(2026, 4, 6))
    assert got.minutes == 725  # 724.2 minutes, rounded up to the next minute
    assert "12.07 hours" in got.lines[1]
    # GOV.UK's example of a pay period of 40 hours: 4.83 hours (289.68 minutes)
    assert h.irregular_accrual(40 * 60, date(2026, 4, 6)).minutes == 290
    assert h.ACCRUAL_RATE == Decimal(str(lookup("holiday", "holiday", date(2026, 4, 6),
                                                "x", open_ended=True)
                                         ["irregular_hours_accrual_rate"]))


def test_no_accrual_rule_for_leave_years_before_april_2024() -> None:
    got = h.irregular_accrual(100 * 60, date(2024, 1, 1))
    assert got.minutes == 0 and "1 April 2024" in got.lines[0]
    assert h.rolled_up(10_000, date(2024, 1, 1)) == 0


def test_rolled_up_holiday_pay_is_12_07_percent_of_pay() -> None:
    assert h.rolled_up(100_000, date(2026, 4, 6)) == 12_070  # £1,000 → £120.70
    assert h.rolled_up(12_345, date(2026, 4, 6)) == 1490  # £14.900415 → £14.90


def test_balance_adds_carried_over_and_changes_and_takes_off_bookings() -> None:
    got = h.balance(earned=5376, carried_over=480, adjustments=-60, booked=2000)
    assert got.minutes == 5376 + 480 - 60 - 2000
    over = h.balance(earned=600, carried_over=0, adjustments=0, booked=900)
    assert over.minutes == -300 and "more than they have" in over.lines[-1]


def test_carry_over_limits() -> None:
    week = 16 * 60
    agreed = h.carry_over_limit("agreed", week, unused_last_year=40 * 60)
    assert agreed.minutes == 1536  # 1.6 weeks of 16 hours = 25.6 hours
    could_not = h.carry_over_limit("could_not_take", week, unused_last_year=40 * 60)
    assert could_not.minutes == 40 * 60  # all they had left (less than 5.6 weeks)
    assert h.carry_over_limit("could_not_take", week, 200 * 60).minutes == 5376
    assert h.carry_over_limit("agreed", week, -30).minutes == 0
    with pytest.raises(ValueError):
        h.carry_over_limit("because", week, 100)


def _week(n_back: int, pay: int, minutes: int = 600, before: date = date(2026, 11, 22)
          ) -> h.WeekPay:
    return h.WeekPay(before - timedelta(weeks=n_back), pay, minutes)


def test_the_52_week_average_skips_weeks_with_no_pay() -> None:
    # GOV.UK "Holiday pay: the basics": the average of the last 52 weeks with pay; weeks
    # with no pay are not counted, and earlier weeks are used instead
    before = date(2026, 11, 23)  # a Monday; its week starts Sunday 22 November
    weeks = [_week(n, 10_000 if n % 2 else 0) for n in range(1, 60)]  # every other week
    weeks += [_week(n, 20_000) for n in range(60, 200)]
    got = h.reference_average(weeks, before)
    assert got is not None and got.weeks_used == 52
    # 30 paid weeks among the first 59, then 22 more at £200 (weeks 60 to 81)
    assert got.weekly_pence == 14_231  # £7,400 ÷ 52 = £142.307..., to the penny
    assert "weeks with no pay skipped: 29" in got.lines[1]


def test_the_average_looks_back_no_more_than_104_weeks() -> None:
    before = date(2026, 11, 23)
    weeks = [_week(n, 10_000) for n in range(1, 11)]  # 10 weeks with pay
    weeks += [_week(104, 50_000), _week(105, 90_000)]  # week 105 is too far back
    got = h.reference_average(weeks, before)
    assert got is not None and got.weeks_used == 11
    assert got.weekly_pence == 13_636  # £1,500 ÷ 11, to the nearest penny
    assert "fewer than 52 weeks" in got.lines[-1]


def test_the_average_an_hour_and_pay_for_hours_booked() -> None:
    before = date(2026, 11, 23)
    weeks = [_week(1, 15_000, 10 * 60), _week(2, 9_000, 6 * 60), _week(3, 0, 0)]
    got = h.reference_average(weeks, before)
    assert got is not None and got.weeks_used == 2
    assert got.weekly_pence == 12_000
    assert got.hourly_pence == Decimal(1500)  # £240 for 16 hours: £15 an hour
    assert h.pence_for(7 * 60 + 30, got.hourly_pence) == 11_250
    # weeks in the week of the holiday itself, or later, are not looked at
    assert h.reference_average([_week(0, 99_999)], before) is None
    assert h.reference_average([], before) is None
