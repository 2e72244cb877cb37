"""services/owed.py: the records read for money owed and duties, scoped to the holder, and
the one seam with the holiday service (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest

from dpsupport.models.payroll import Shift
from dpsupport.services import holiday, money, owed

from ..support.factories import create_holder, create_org
from ..web.test_money_owed import TODAY, _employ_sally


@dataclass
class _Owed:  # what the holiday service is expected to give, one per PA
    name: str
    minutes: int
    pence: int
    lines: tuple[str, ...]


def test_holiday_owed_from_the_holiday_service_is_set_aside_not_paid_out(
        session, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    holder = create_holder(session, create_org(session), "Kim Ash")
    _employ_sally(session, holder)
    plain = money.holder_money(session, holder, TODAY).picture
    assert plain is not None

    def holiday_owed(_session, _holder, on):  # type: ignore[no-untyped-def]
        assert on == TODAY
        return [_Owed("Sally Pope", 600, 7500, ("10 hours earned, none taken",))]

    monkeypatch.setattr(holiday, "holiday_owed", holiday_owed, raising=False)
    info = money.holder_money(session, holder, TODAY)
    assert info.employer is not None and info.picture is not None
    (line,) = info.employer.set_aside.lines
    assert (line.kind, line.amount_pence, line.working) == (
        "holiday", 7500, ("10 hours earned, none taken",))
    assert info.employer.set_aside.notes == ()
    steps = [(s.label, s.value) for s in info.picture.surplus.workings]
    assert ("Set aside: Holiday Sally Pope has earned but not taken", 7500) in steps
    # paid later as part of the pay runs: the forecast does not take it away again
    assert info.picture.forecast_year_end_balance.value == \
        plain.forecast_year_end_balance.value


def test_another_holders_shifts_and_people_are_not_counted(session) -> None:  # type: ignore[no-untyped-def]
    mine = create_holder(session, create_org(session, "A"), "Lee Ash")
    theirs = create_holder(session, create_org(session, "B"), "Mo Birch")
    _employ_sally(session, mine)
    other_pa = _employ_sally(session, theirs)
    session.add(Shift(employment_id=other_pa.id, work_date=date(2026, 11, 20),
                      start_time=time(9), end_time=time(17), break_minutes=0, kind="day"))
    session.commit()
    got = owed.employer_money(session, mine, TODAY)
    # only the holiday Sally has earned with Lee: none of Mo's shifts
    assert got is not None and [x.kind for x in got.set_aside.lines] == ["holiday"]
    assert [e.employment_id for e in got.employees] != [other_pa.id]
    assert owed.employment_of(session, mine, other_pa.id) is None
    kinds = [x.kind for x in owed.employer_money(session, theirs, TODAY).set_aside.lines]  # type: ignore[union-attr]
    assert sorted(kinds) == ["holiday", "wages"]


def test_nobody_employed_means_no_employer_money_and_no_duties(session) -> None:  # type: ignore[no-untyped-def]
    holder = create_holder(session, create_org(session), "Ned Cole")
    session.commit()
    assert owed.employer_money(session, holder, TODAY) is None
    assert owed.employer_duties(session, holder, TODAY) == []
    info = money.holder_money(session, holder, TODAY)
    assert info.employer is None and info.duties == ()
