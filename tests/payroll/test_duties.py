"""Employer duties with their dates (dpsupport/payroll/duties.py). Pure."""

from __future__ import annotations

from datetime import date

from dpsupport.payroll import duties as d

TODAY = date(2026, 11, 27)


def _pa(name: str = "Sally Pope", start: date = date(2024, 1, 8), leaving: date | None = None,
        statement: date | None = date(2024, 1, 8), rtw: date | None = date(2024, 1, 2),
        dbs: date | None = None) -> d.EmployeeRecord:
    return d.EmployeeRecord(name, start, leaving, statement, rtw, dbs)


def _codes(duties: list[d.Duty]) -> list[tuple[str, date | None]]:
    return [(x.code, x.due) for x in duties]


def test_insurance_renewal() -> None:
    assert _codes(d.insurance(date(2027, 1, 1), [_pa()], TODAY)) == [("insurance",
                                                                       date(2027, 1, 1))]
    passed = d.insurance(date(2026, 11, 1), [_pa()], TODAY)[0]
    assert "has passed" in passed.text and passed.overdue(TODAY)
    missing = d.insurance(None, [_pa()], TODAY)[0]
    assert missing.due is None and "Enter the renewal date" in missing.text
    # nobody employed now (Sally left): nothing asked
    assert d.insurance(None, [_pa(leaving=date(2026, 1, 1))], TODAY) == []


def test_re_enrolment_every_3_years_from_the_first_start() -> None:
    people = [_pa(start=date(2024, 1, 8)), _pa("Tom Reed", start=date(2023, 12, 20))]
    (duty,) = d.re_enrolment(people, TODAY)
    assert duty.due == date(2026, 12, 20)
    assert "from 20 September 2026 to 20 March 2027" in duty.text
    assert "re-declaration of compliance by 19 May 2027" in duty.text
    assert "duties start date (20 December 2023" in duty.text
    # once the 3 months after it have gone, the next is 3 years on
    (later,) = d.re_enrolment(people, date(2027, 3, 21))
    assert later.due == date(2029, 12, 20)
    (still,) = d.re_enrolment(people, date(2027, 3, 20))
    assert still.due == date(2026, 12, 20)


def test_right_to_work_and_written_statement() -> None:
    new = _pa("Tom Reed", start=date(2027, 1, 4), statement=None, rtw=None)
    duties = d.per_person([new], TODAY)
    assert _codes(duties) == [("right_to_work", date(2027, 1, 3)),
                              ("written_statement", date(2027, 1, 4))]
    assert "before they start on 4 January 2027" in duties[0].text
    # someone already working with no dates recorded: overdue, said as such
    late = d.per_person([_pa(statement=None, rtw=None)], TODAY)
    assert all(x.overdue(TODAY) for x in late)
    assert "Check it now" in late[0].text and "Give it to them now" in late[1].text
    done = d.per_person([_pa()], TODAY)
    assert all(x.done and not x.overdue(TODAY) for x in done)


def test_dbs_review_is_a_suggestion_3_years_on() -> None:
    (_, _, dbs) = d.per_person([_pa(dbs=date(2023, 12, 10))], TODAY)
    assert dbs.code == "dbs" and dbs.due == date(2026, 12, 10) and dbs.suggestion
    assert dbs.text.startswith("A suggestion, not the law")
    assert not dbs.overdue(date(2027, 6, 1))  # a suggestion is never overdue


def test_p60_for_everyone_employed_on_5_april() -> None:
    people = [_pa(), _pa("Tom Reed", start=date(2026, 4, 6)),  # started after 5 April 2026
              _pa("Una Lee", leaving=date(2026, 4, 5)),  # still employed on 5 April
              _pa("Vic May", leaving=date(2026, 3, 31))]
    (p60,) = d.p60s(people, date(2026, 5, 10))
    assert p60.due == date(2026, 5, 31)
    assert "to Sally Pope, Una Lee by 31 May 2026" in p60.text
    # after 31 May: the next year's, for those employed now
    (nxt,) = d.p60s(people, TODAY)
    assert nxt.due == date(2027, 5, 31)
    assert "(Sally Pope, Tom Reed now)" in nxt.text


def test_leaving_final_pay_and_p45() -> None:
    (*_, leaving) = d.per_person([_pa(leaving=date(2026, 12, 12))], TODAY)
    assert leaving.code == "leaving" and leaving.due == date(2026, 12, 12)
    assert "final pay" in leaving.text and "P45" in leaving.text
    # long gone: nothing more about them
    assert d.per_person([_pa(leaving=date(2026, 9, 1))], TODAY) == []


def test_things_to_look_at_on_the_money_page() -> None:
    people = [_pa(start=date(2023, 12, 20), dbs=date(2023, 12, 10)),
              _pa("Tom Reed", start=date(2027, 3, 1), statement=None, rtw=None),
              _pa("Una Lee", leaving=date(2026, 12, 1))]
    duties = d.all_duties(date(2027, 2, 1), people, TODAY)
    picked = _codes(d.things_to_look_at(duties, TODAY))
    assert picked == [("leaving", date(2026, 12, 1)), ("dbs", date(2026, 12, 10)),
                      ("re_enrolment", date(2026, 12, 20))]
    # the P60 only from 6 April to 31 May; insurance a month before; Tom's checks too
    spring = _codes(d.things_to_look_at(d.all_duties(date(2027, 4, 30), people,
                                                     date(2027, 4, 10)), date(2027, 4, 10)))
    assert ("p60", date(2027, 5, 31)) in spring and ("insurance", date(2027, 4, 30)) in spring
    assert ("right_to_work", date(2027, 2, 28)) in spring  # overdue: still raised
    assert ("dbs", date(2026, 12, 10)) not in spring  # a past suggestion is not pressed
