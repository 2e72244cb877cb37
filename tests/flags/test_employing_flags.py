"""The flags about the work PAs do and the employer's duties (flags/employing.py): each
raised on facts built to raise it, and not on the near misses."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from dpsupport.flags import Reader
from dpsupport.flags import employing as rules
from dpsupport.payroll.duties import Duty

TODAY = date(2026, 11, 27)
SALLY = rules.PA(1, "Sally Pope", born=date(1990, 3, 1), start_date=date(2026, 4, 6),
                 leaving_date=None, rates_today=(("day", 1300),))
YOUNG = rules.PA(2, "Tom Reed", born=date(2008, 11, 20), start_date=date(2026, 4, 6),
                 leaving_date=None, rates_today=(("day", 1000),))
STAFF = Reader("Jordan Price")


def minimum(age: int, day: date) -> int | None:
    """Made-up minimums: 1221 from 21, 1000 from 18, 900 at 16 and 17, none under 16."""
    if age < 16:
        return None
    return 1221 if age >= 21 else 1000 if age >= 18 else 900


def shift(i: int, who: int, day: date, start: str = "09:00", end: str = "17:00",
          kind: str = "day", brk: int = 0) -> rules.Worked:
    return rules.Worked(i, who, day, time.fromisoformat(start), time.fromisoformat(end), brk,
                        kind)


def flat(rate: int):  # type: ignore[no-untyped-def]
    return lambda s: None if s.kind == "sleep_in" else rate


# --- below_minimum_wage ------------------------------------------------------------------------

def test_shifts_under_the_minimum_raise_one_urgent_question_with_what_was_short() -> None:
    shifts = [shift(1, 1, date(2026, 11, 2)), shift(2, 1, date(2026, 11, 9), brk=30)]
    [flag] = rules.below_minimum_wage([replace(SALLY, rates_today=())], shifts, TODAY, flat(1100),
                                      minimum)
    assert flag.code == "below_minimum_wage" and flag.severity == "urgent"
    assert flag.title == "Sally Pope is paid £11.00 an hour, under the minimum wage of £12.21"
    # 8 hours + 7.5 hours short by £1.21 an hour: 930 minutes * 121 / 60 = 1875.5 -> 1875
    assert flag.amount_pence == 1875
    assert "2 shifts worked from 2 November 2026 to 9 November 2026" in flag.explanation
    assert flag.records == (("employment", 1), ("shift", 1), ("shift", 2))
    assert flag.on == date(2026, 11, 9)


def test_at_the_minimum_a_sleep_in_or_a_year_ago_is_not_under_it() -> None:
    pa = replace(SALLY, rates_today=())
    assert rules.below_minimum_wage([pa], [shift(1, 1, date(2026, 11, 2))], TODAY, flat(1221),
                                    minimum) == []
    sleep = shift(2, 1, date(2026, 11, 3), "22:00", "07:00", kind="sleep_in")
    assert rules.below_minimum_wage([pa], [sleep], TODAY, flat(500), minimum) == []
    old = shift(3, 1, date(2025, 11, 26))  # 366 days before today
    assert rules.below_minimum_wage([pa], [old], TODAY, flat(1100), minimum) == []
    later = shift(4, 1, date(2026, 11, 28))  # not worked yet
    assert rules.below_minimum_wage([pa], [later], TODAY, flat(1100), minimum) == []


def test_the_minimum_is_the_one_for_the_age_on_the_day_worked() -> None:
    # Tom turns 18 on 20 November 2026: 900 the day before, 1000 from that day
    tom = replace(YOUNG, rates_today=())
    at_17 = shift(1, 2, date(2026, 11, 19))
    at_18 = shift(2, 2, date(2026, 11, 20))
    assert rules.below_minimum_wage([tom], [at_17], TODAY, flat(950), minimum) == []
    [flag] = rules.below_minimum_wage([tom], [at_17, at_18], TODAY, flat(950), minimum)
    assert flag.title == "Tom Reed is paid £9.50 an hour, under the minimum wage of £10.00"
    assert flag.records == (("employment", 2), ("shift", 2))
    young = replace(tom, born=date(2011, 1, 1))  # 15: no minimum in this table
    assert rules.below_minimum_wage([young], [at_17], TODAY, flat(500), minimum) == []


def test_a_contract_rate_under_the_minimum_today_is_raised_without_shifts() -> None:
    pa = rules.PA(1, "Sally Pope", date(1990, 3, 1), date(2026, 4, 6), None,
                  (("day", 1300), ("night", 1200)))
    [flag] = rules.below_minimum_wage([pa], [], TODAY, flat(1300), minimum)
    assert "contract with Sally Pope pays £12.00 an hour for waking night shifts" in (
        flag.explanation)
    assert flag.amount_pence is None and flag.on == TODAY
    left = rules.PA(1, "Sally Pope", date(1990, 3, 1), date(2026, 4, 6), date(2026, 10, 1),
                    (("night", 1200),))
    assert rules.below_minimum_wage([left], [], TODAY, flat(1300), minimum) == []


def test_a_new_shift_at_the_same_rate_keeps_the_evidence_and_a_new_minimum_changes_it() -> None:
    pa = replace(SALLY, rates_today=())
    one = rules.below_minimum_wage([pa], [shift(1, 1, date(2026, 11, 2))], TODAY, flat(1100),
                                   minimum)[0]
    two = rules.below_minimum_wage([pa], [shift(1, 1, date(2026, 11, 2)),
                                          shift(2, 1, date(2026, 11, 3))], TODAY, flat(1100),
                                   minimum)[0]
    assert (one.key, one.evidence_key) == (two.key, two.evidence_key)
    higher = rules.below_minimum_wage([pa], [shift(1, 1, date(2026, 11, 2))], TODAY,
                                      flat(1100), lambda age, day: 1250)[0]
    assert higher.key != one.key


def test_staff_read_the_holders_name() -> None:
    [flag] = rules.below_minimum_wage([replace(SALLY, rates_today=())],
                                      [shift(1, 1, date(2026, 11, 2))], TODAY, flat(1100),
                                      minimum, STAFF)
    assert flag.next_step == ("Help Jordan Price raise Sally Pope's rate to at least £12.21 "
                              "an hour and pay what was short.")
    assert "Jordan Price’s contract with Sally Pope" not in flag.explanation  # no rate today


# --- hours_beyond_plan -------------------------------------------------------------------------

PERIOD = (date(2026, 11, 2), date(2026, 11, 29))  # 4 weeks; today is in it


def test_more_hours_than_the_plan_pays_for_in_a_period() -> None:
    shifts = [shift(i, 1 + i % 2, date(2026, 11, 2 + i)) for i in range(8)]  # 8 x 8 hours
    [flag] = rules.hours_beyond_plan([PERIOD], 63 * 60, [7], shifts, TODAY)
    assert flag.code == "hours_beyond_plan" and flag.severity == "attention"
    assert flag.title == ("64 hours of work from 2 November 2026 to 29 November 2026 so far: "
                          "more than the 63 hours your plan pays for")
    assert "1 hour more" in flag.explanation
    assert flag.records == (("plan_line", 7), ("employment", 1), ("employment", 2))


def test_exactly_the_plan_no_hours_in_the_plan_and_sleep_ins_are_not_over() -> None:
    shifts = [shift(i, 1, date(2026, 11, 2 + i)) for i in range(8)]
    assert rules.hours_beyond_plan([PERIOD], 64 * 60, [7], shifts, TODAY) == []
    assert rules.hours_beyond_plan([PERIOD], None, [], shifts, TODAY) == []
    sleeping = shifts + [shift(20, 1, date(2026, 11, 20), "22:00", "07:00", "sleep_in")]
    assert rules.hours_beyond_plan([PERIOD], 64 * 60, [7], sleeping, TODAY) == []
    # a shift after today (entered ahead) is not work done yet
    ahead = shifts + [shift(21, 1, date(2026, 11, 28))]
    assert rules.hours_beyond_plan([PERIOD], 64 * 60, [7], ahead, TODAY) == []


def test_each_period_is_its_own_question() -> None:
    earlier = (date(2026, 10, 5), date(2026, 11, 1))
    shifts = [shift(1, 1, date(2026, 10, 5), "08:00", "20:00"),
              shift(2, 1, date(2026, 11, 2), "08:00", "18:00")]
    found = rules.hours_beyond_plan([earlier, PERIOD], 11 * 60, [7], shifts, TODAY)
    assert [f.key for f in found] == ["hours_beyond_plan:2026-10-05"]
    assert "so far" not in found[0].title


# --- employer_duty_due -------------------------------------------------------------------------

def test_duties_overdue_or_due_soon_are_questions_and_others_are_not() -> None:
    people = {"Sally Pope": 1}
    duties = [
        Duty("insurance", "Your insurance renewal date has passed.", date(2026, 11, 1)),
        Duty("right_to_work", "Check Sally's right to work.", date(2026, 4, 5), "Sally Pope"),
        Duty("written_statement", "Sally was given it.", date(2026, 4, 6), "Sally Pope",
             done=True),
        Duty("re_enrolment", "Pension re-enrolment.", date(2027, 3, 1)),  # 94 days away
        Duty("dbs", "A suggestion.", date(2026, 12, 1), "Sally Pope", suggestion=True),
        Duty("p60", "Give a P60.", date(2027, 5, 31)),
        Duty("leaving", "Sally leaves.", date(2026, 11, 30), "Sally Pope"),
    ]
    found = rules.employer_duties(duties, TODAY, people)
    assert [(f.key, f.severity) for f in found] == [
        ("employer_duty_due:insurance::2026-11-01", "urgent"),
        ("employer_duty_due:right_to_work:Sally Pope:2026-04-05", "attention")]
    assert found[0].records == (("employer", 0),)
    assert found[1].records == (("employment", 1),)


def test_due_soon_is_information_and_a_dbs_check_past_3_years_too() -> None:
    duties = [Duty("insurance", "Renew by 17 December 2026.", date(2026, 12, 17)),
              Duty("insurance", "Enter the renewal date.", None),
              Duty("dbs", "A suggestion.", date(2026, 11, 1), "Sally Pope", suggestion=True)]
    found = rules.employer_duties(duties, TODAY, {"Sally Pope": 1}, STAFF)
    assert [f.severity for f in found] == ["info", "info", "info"]
    assert found[0].title == ("Jordan Price’s employer's liability insurance is due for "
                              "renewal by 17 December 2026")
    assert found[0].explanation == "Jordan Price is told: “Renew by 17 December 2026.”"
    assert found[2].title == "Sally Pope's DBS check is more than 3 years old"
    # 31 days away is not soon
    assert rules.employer_duties([Duty("insurance", "x", date(2026, 12, 28))], TODAY, {}) == []
