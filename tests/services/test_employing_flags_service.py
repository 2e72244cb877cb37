"""The kept questions about PAs' work and the employer's duties (flags/employing.py) through
the services, on both databases: raised from the records people keep, kept through the
lifecycle, and worked out again when shifts, contracts or employer details change."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from dpsupport.services import employment, flags, plan, timesheets

from ..support.factories import holder_with_account
from ..support.payroll_factories import add_pa

TODAY = date(2026, 11, 27)


def _views(session, holder, code: str) -> list[flags.FlagView]:  # type: ignore[no-untyped-def]
    flags.refresh(session, holder, today=TODAY)
    return [v for v in flags.flags_for(session, holder, for_holder=True, open_only=False)
            if v.flag.code == code]


def _shift(day: date, start: str = "09:00", end: str = "17:00") -> timesheets.ShiftInput:
    return timesheets.ShiftInput(day, time.fromisoformat(start), time.fromisoformat(end), 0,
                                 "day")


def _contract(pa, rate: int, on: date) -> employment.ContractInput:  # type: ignore[no-untyped-def]
    return employment.ContractInput(
        effective_date=on, pay_frequency="monthly", pay_day="last day of the period",
        day_rate_pence=rate, night_rate_pence=None, weekend_rate_pence=None,
        bank_holiday_rate_pence=None, sleep_in_pence=None, hours_kind="regular",
        weekly_minutes=16 * 60, holiday_year_start=pa.start_date, pension_scheme=None,
        pension_employee_bp=None, pension_employer_bp=None,
        written_statement_date=pa.start_date, right_to_work_date=pa.start_date,
        dbs_check_date=None)


def test_pay_under_the_minimum_wage_is_asked_and_a_resolution_holds_for_that_rate(
        session) -> None:  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    pa = add_pa(session, h.holder)  # £13.00 an hour from 6 April 2026: over the minimum
    timesheets.add_shift(session, h.holder, pa.id, _shift(date(2026, 10, 12)))
    assert _views(session, h.holder, "below_minimum_wage") == []

    employment.add_contract_version(session, h.holder, pa.id, _contract(pa, 1100,
                                                                        date(2026, 11, 1)))
    timesheets.add_shift(session, h.holder, pa.id, _shift(date(2026, 11, 9)))
    [view] = _views(session, h.holder, "below_minimum_wage")
    assert view.flag.status == "open" and view.flag.severity == "urgent"
    assert view.title.startswith("Sally Pope is paid £11.00 an hour, under the minimum wage")
    assert view.people == {pa.id: "Sally Pope"}  # the page links to her details
    flags.resolve(session, h.holder, view, "She is an apprentice on the apprentice rate")

    timesheets.add_shift(session, h.holder, pa.id, _shift(date(2026, 11, 10)))
    [same] = _views(session, h.holder, "below_minimum_wage")
    assert same.flag.status == "resolved"  # another shift at the same rate: not new evidence

    employment.add_contract_version(session, h.holder, pa.id, _contract(pa, 1050,
                                                                        date(2026, 11, 20)))
    found = {v.flag.key.split(":")[2]: v.flag.status
             for v in _views(session, h.holder, "below_minimum_wage")}
    assert found == {"1100": "resolved", "1050": "open"}  # a new rate is a new question


def test_more_hours_than_the_plan_gives_is_asked_once_the_plan_has_hours(session) -> None:  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    pa = add_pa(session, h.holder)
    # the agreement is 4-weekly from 6 April 2026: 19 October to 15 November is a period
    for day in range(2, 12):
        timesheets.add_shift(session, h.holder, pa.id, _shift(date(2026, 11, day)))
    assert _views(session, h.holder, "hours_beyond_plan") == []  # the plan gives no hours

    line = plan.add_line(session, h.holder, plan.LineDetails(
        "pa_wages", "Personal care", 90000, planned_minutes=80 * 60))
    assert _views(session, h.holder, "hours_beyond_plan") == []  # 80 hours: exactly the plan

    timesheets.add_shift(session, h.holder, pa.id, _shift(date(2026, 11, 12), "09:00", "09:30"))
    [view] = _views(session, h.holder, "hours_beyond_plan")
    assert view.title == ("80 hours 30 minutes of work from 19 October 2026 to 15 November "
                          "2026: more than the 80 hours your plan pays for")
    assert ("plan_line", line.id) in view.records

    plan.change_line(session, line, replace(plan.LineDetails(
        "pa_wages", "Personal care", 90000), planned_minutes=81 * 60))
    [gone] = _views(session, h.holder, "hours_beyond_plan")
    assert gone.flag.status == "resolved" and gone.flag.resolved_reason == flags.NO_LONGER_APPLIES


def test_the_plan_refuses_hours_it_cannot_hold(session) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from dpsupport.errors import UserError

    h = holder_with_account(session)
    with pytest.raises(UserError, match="from 0.25 to 999"):
        plan.add_line(session, h.holder, plan.LineDetails("pa_wages", "Care", 100,
                                                          planned_minutes=0))


def test_an_employer_duty_is_asked_and_a_new_renewal_date_settles_it(session) -> None:  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    pa = add_pa(session, h.holder)
    employment.save_employer_details(session, h.holder, employment.EmployerInput(
        None, None, date(2026, 11, 1), False))
    duties = {v.flag.key: v for v in _views(session, h.holder, "employer_duty_due")}
    insurance = duties["employer_duty_due:insurance::2026-11-01"]
    assert insurance.flag.severity == "urgent" and insurance.flag.status == "open"
    assert insurance.title == "Your employer's liability insurance renewal date has passed"
    # add_pa records no right-to-work check: that is asked too, about her
    right = duties[f"employer_duty_due:right_to_work:{pa.name}:2026-04-05"]
    assert right.records == [("employment", pa.id)]

    employment.save_employer_details(session, h.holder, employment.EmployerInput(
        None, None, date(2027, 11, 1), False))
    after = {v.flag.key: v.flag for v in _views(session, h.holder, "employer_duty_due")}
    assert after["employer_duty_due:insurance::2026-11-01"].status == "resolved"
    assert not any(k.startswith("employer_duty_due:insurance::2027") for k in after)
