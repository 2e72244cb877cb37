"""NI 2024/25, minimum wage, auto-enrolment, pensions, SSP, holiday, PAYE duty, due dates, EA."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

import payroll_rules as pr


def ni(pay_date: date, frequency: str, gross: str, cat: str = "A") -> tuple[D, D]:
    r = pr.calculate(pr.PayInput(pay_date, frequency, 1, D(gross), "1257L", cat))
    return r.employee_ni, r.employer_ni


@pytest.mark.parametrize("frequency,gross,employee,employer", [
    # 2024/25: employer 13.8% above ST £175 wk / £350 2-wk / £700 4-wk / £758 month
    ("weekly", "300.00", "4.64", "17.25"),      # (300-242)x8%; (300-175)x13.8%
    ("weekly", "175.00", "0.00", "0.00"),
    ("weekly", "175.04", "0.00", "0.00"),       # 0.04 x 13.8% = 0.00552 -> third decimal 5: down
    ("fortnightly", "500.00", "1.28", "20.70"),  # (500-484)x8%; (500-350)x13.8%
    ("four_weekly", "1000.00", "2.64", "41.40"),  # (1000-967)x8%; (1000-700)x13.8%
    ("monthly", "2000.00", "76.16", "171.40"),  # 171.396 -> third decimal 6 -> up
    ("monthly", "5000.00", "267.50", "585.40"),  # 3141x8% + 811x2%; 4242x13.8% = 585.396
])
def test_ni_2024_25(frequency: str, gross: str, employee: str, employer: str) -> None:
    when = date(2024, 4, 30) if frequency == "monthly" else date(2024, 4, 6)
    assert ni(when, frequency, gross) == (D(employee), D(employer))


def test_ni_2024_25_third_decimal_rule() -> None:
    # 0.04 x 13.8% = 0.00552: third decimal place is 5 -> rounds down to 0.00
    assert ni(date(2024, 4, 6), "weekly", "175.04")[1] == D("0.00")
    # 0.05 x 13.8% = 0.0069 -> 0.01
    assert ni(date(2024, 4, 6), "weekly", "175.05")[1] == D("0.01")


def test_ni_2026_27_same_contributions_and_category_x() -> None:
    assert ni(date(2026, 4, 30), "monthly", "2083.05") == (D("82.80"), D("249.91"))
    assert ni(date(2026, 4, 30), "monthly", "5000", "X") == (D("0.00"), D("0.00"))


@pytest.mark.parametrize("age,on,apprentice,start,expected", [
    (21, date(2026, 3, 31), False, None, "12.21"),
    (21, date(2026, 4, 1), False, None, "12.71"),
    (21, date(2026, 4, 10), False, date(2026, 3, 25), "12.21"),  # period began before 1 April
    (21, date(2026, 4, 10), False, date(2026, 4, 1), "12.71"),
    (20, date(2026, 4, 1), False, None, "10.85"),
    (18, date(2026, 3, 31), False, None, "10.00"),
    (17, date(2026, 4, 1), False, None, "8.00"),
    (25, date(2026, 4, 1), True, None, "8.00"),
    (21, date(2024, 4, 1), False, None, "11.44"),
    (19, date(2024, 6, 1), False, None, "8.60"),
])
def test_minimum_wage(age: int, on: date, apprentice: bool, start: date | None,
                      expected: str) -> None:
    assert pr.minimum_hourly_wage(age, on, apprentice,
                                  pay_reference_period_start=start) == D(expected)


def test_minimum_wage_bad_input() -> None:
    with pytest.raises(pr.PayrollInputError):
        pr.minimum_hourly_wage(age=15, on=date(2026, 4, 1))
    with pytest.raises(pr.PayrollInputError):
        pr.minimum_hourly_wage(age=30, on=date(2024, 3, 31))
    with pytest.raises(pr.PayrollInputError):
        pr.minimum_hourly_wage(age=30, on=date(2027, 4, 1))


@pytest.mark.parametrize("age,earnings,frequency,expected", [
    (30, "833.00", "monthly", "non_eligible_jobholder"),
    (30, "833.01", "monthly", "eligible_jobholder"),
    (30, "520.00", "monthly", "entitled_worker"),
    (30, "520.01", "monthly", "non_eligible_jobholder"),
    (21, "900.00", "monthly", "non_eligible_jobholder"),
    (22, "900.00", "monthly", "eligible_jobholder"),
    (66, "900.00", "monthly", "non_eligible_jobholder"),
    (16, "100.00", "monthly", "entitled_worker"),
    (75, "5000.00", "monthly", "not_applicable"),
    (15, "5000.00", "monthly", "not_applicable"),
    (40, "192.00", "weekly", "non_eligible_jobholder"),
    (40, "192.01", "weekly", "eligible_jobholder"),
    (40, "120.00", "weekly", "entitled_worker"),
    (40, "384.01", "fortnightly", "eligible_jobholder"),
    (40, "768.00", "four_weekly", "non_eligible_jobholder"),
    (40, "480.00", "four_weekly", "entitled_worker"),
])
def test_auto_enrolment(age: int, earnings: str, frequency: str, expected: str) -> None:
    assert pr.auto_enrolment_status(age=age, earnings=D(earnings), frequency=frequency,
                                    pay_date=date(2026, 5, 28)) == expected


def test_pension_relief_at_source_and_net_pay() -> None:
    c = pr.pension_contributions(D("1000"), "monthly", date(2026, 5, 28), pr.Pension())
    assert (c.pensionable_pay, c.employee_gross, c.employee_deduction, c.employer,
            c.tax_relief) == (D("480.00"), D("24.00"), D("19.20"), D("14.40"), D("4.80"))
    # above the upper limit: qualifying earnings capped at 4,189 - 520 = 3,669
    c = pr.pension_contributions(D("6000"), "monthly", date(2026, 5, 28), pr.Pension())
    assert c.pensionable_pay == D("3669.00") and c.employer == D("110.07")
    # net pay arrangement: 5% of (2000 - 520) = 74.00 comes off pay before tax
    pension = pr.Pension(D("0.05"), D("0.03"), "net_pay")
    r = pr.calculate(pr.PayInput(date(2026, 4, 30), "monthly", 1, D("2000"), "1257L", "A",
                                 pension=pension))
    assert r.employee_pension == D("74.00") and r.employer_pension == D("44.40")
    assert r.taxable_pay == D("1926.00")
    assert r.income_tax == D("175.40")  # 1926 - 1048.26 -> £877 x 20%
    assert r.employee_ni == D("76.16")  # NI on the full 2,000
    assert r.net_pay == D("2000") - r.income_tax - r.employee_ni - r.employee_pension
    ras = pr.calculate(pr.PayInput(date(2026, 4, 30), "monthly", 1, D("2000"), "1257L", "A",
                                   pension=pr.Pension()))
    assert ras.employee_pension == D("59.20") and ras.income_tax == D("190.20")
    # weekly qualifying earnings: 500 - 120 = 380; all-pay basis
    c = pr.pension_contributions(D("500"), "weekly", date(2026, 5, 28),
                                 pr.Pension(basis="all_pay", method="net_pay"))
    assert c.pensionable_pay == D("500.00") and c.employee_deduction == D("25.00")


def test_ssp_2025_26_waiting_days() -> None:
    # AWE £200, works Mon-Fri, sick Mon 2 June - Sun 8 June 2025: waiting Mon-Wed, paid Thu+Fri
    s = pr.statutory_sick_pay(first_day=date(2025, 6, 2), last_day=date(2025, 6, 8),
                              qualifying_days=range(5), average_weekly_earnings=D("200"))
    assert (s.amount, s.days_paid, s.waiting_days) == (D("47.50"), 2, 3)
    short = pr.statutory_sick_pay(first_day=date(2025, 6, 2), last_day=date(2025, 6, 4),
                                  qualifying_days=range(5), average_weekly_earnings=D("200"))
    assert short.amount == D("0.00")
    low = pr.statutory_sick_pay(first_day=date(2025, 6, 2), last_day=date(2025, 6, 13),
                                qualifying_days=range(5), average_weekly_earnings=D("124.99"))
    assert low.amount == D("0.00") and "Lower Earnings Limit" in low.reason
    linked = pr.statutory_sick_pay(first_day=date(2025, 6, 2), last_day=date(2025, 6, 8),
                                   qualifying_days=range(5), average_weekly_earnings=D("200"),
                                   waiting_days_already_served=3)
    assert linked.amount == D("118.75")


def test_ssp_2024_25_rate() -> None:
    s = pr.statutory_sick_pay(first_day=date(2024, 6, 3), last_day=date(2024, 6, 16),
                              qualifying_days=range(5), average_weekly_earnings=D("300"))
    assert s.amount == D("163.45")  # 2 days x 23.35 + 5 days x 23.35 = 7 x 23.35


def test_ssp_from_6_april_2026() -> None:
    # day one, lower of £123.25 and 80% of AWE £100 = £80.00 a week -> 5 days = £80.00
    s = pr.statutory_sick_pay(first_day=date(2026, 6, 1), last_day=date(2026, 6, 5),
                              qualifying_days=range(5), average_weekly_earnings=D("100"))
    assert (s.amount, s.days_paid, s.waiting_days) == (D("80.00"), 5, 0)
    one = pr.statutory_sick_pay(first_day=date(2026, 6, 1), last_day=date(2026, 6, 1),
                                qualifying_days=range(5), average_weekly_earnings=D("50"))
    assert one.amount == D("8.00")  # 80% of 50 = 40 a week / 5 days
    high = pr.statutory_sick_pay(first_day=date(2026, 6, 1), last_day=date(2026, 6, 3),
                                 qualifying_days=[0, 1, 2], average_weekly_earnings=D("500"))
    assert high.amount == D("123.25")


def test_holiday() -> None:
    assert pr.holiday_entitlement_days(D(5)) == D("28.0")
    assert pr.holiday_entitlement_days(D(6)) == D(28)
    assert pr.holiday_entitlement_days(D(3)) == D("16.8")
    assert pr.holiday_entitlement_days(D(5), fraction_of_year=D("0.5")) == D("14.0")
    assert pr.irregular_hours_accrual(D(100), date(2026, 4, 1)) == D("12.0700")
    assert pr.irregular_hours_accrual(D(100), date(2026, 4, 1), round_to_hour=True) == D(12)
    assert pr.irregular_hours_accrual(D("4.5"), date(2026, 4, 1), round_to_hour=True) == D(1)
    assert pr.round_accrued_hours(D("2.49")) == D(2) and pr.round_accrued_hours(D("2.5")) == D(3)
    with pytest.raises(pr.PayrollInputError):
        pr.irregular_hours_accrual(D(10), date(2024, 1, 1))  # leave year before 1 April 2024


def test_must_operate_paye() -> None:
    assert pr.must_operate_paye(D("123.00"), "weekly", date(2024, 5, 1))
    assert not pr.must_operate_paye(D("122.99"), "weekly", date(2024, 5, 1))
    assert pr.must_operate_paye(D("96.00"), "weekly", date(2025, 5, 1))
    assert not pr.must_operate_paye(D("95.99"), "weekly", date(2026, 5, 1))
    assert pr.paye_threshold("monthly", date(2026, 5, 1)) == D("417.00")
    assert pr.must_operate_paye(D("10"), "weekly", date(2026, 5, 1), has_other_job_or_pension=True)


def test_payment_due_dates() -> None:
    assert pr.hmrc_payment_due_date(date(2026, 4, 30)) == date(2026, 5, 22)
    assert pr.hmrc_payment_due_date(date(2026, 4, 30), quarterly=True) == date(2026, 7, 22)
    assert pr.hmrc_payment_due_date(date(2026, 7, 31)) == date(2026, 8, 21)  # 22nd is a Saturday
    assert pr.hmrc_payment_due_date(date(2026, 4, 30), electronic=False) == date(2026, 5, 19)
    assert pr.hmrc_payment_due_date(date(2027, 3, 31)) == date(2027, 4, 22)
    assert pr.hmrc_payment_due_date(date(2027, 1, 10), quarterly=True) == date(2027, 4, 22)


def test_employment_allowance() -> None:
    assert pr.employment_allowance(pay_date=date(2024, 5, 28)) == D("5000.00")
    assert pr.employment_allowance(pay_date=date(2025, 5, 28)) == D("10500.00")
    assert pr.employment_allowance(pay_date=date(2026, 5, 28)) == D("10500.00")
    with pytest.raises(pr.PayrollInputError):
        pr.employment_allowance(pay_date=date(2027, 5, 28))


def test_calendar() -> None:
    assert pr.period_for_date("monthly", date(2026, 4, 30)) == 1
    assert pr.period_for_date("monthly", date(2026, 5, 5)) == 1
    assert pr.period_for_date("monthly", date(2027, 4, 5)) == 12
    assert pr.period_for_date("four_weekly", date(2026, 5, 3)) == 1
    assert pr.period_for_date("four_weekly", date(2026, 5, 4)) == 2
    assert pr.period_for_date("weekly", date(2027, 4, 5)) == 53


def test_automatic_enrolment_minimum_contributions_come_from_the_data() -> None:
    from datetime import date as _date
    from decimal import Decimal as _D

    from payroll_rules.pension import minimum_contribution_rates

    assert minimum_contribution_rates(_date(2026, 6, 1)) == (_D("0.03"), _D("0.08"))


def test_state_pension_age_is_refused_where_the_law_does_not_set_it_yet() -> None:
    from datetime import date as _date

    import pytest as _pytest

    from payroll_rules import PayrollInputError
    from payroll_rules.pension import state_pension_age_date

    assert state_pension_age_date(_date(1977, 4, 5)) == _date(2044, 4, 5)
    assert state_pension_age_date(_date(1960, 2, 29)) == _date(2026, 2, 28)  # no 29th in 2026
    with _pytest.raises(PayrollInputError):
        state_pension_age_date(_date(1977, 4, 6))
