"""Flags about employing PAs: paid more or less than the payslip, tax or pension overdue,
paid after leaving, a close relative without the council's approval; and their near misses."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from dpsupport.flags import employer as e
from dpsupport.flags.model import HOLDER, Reader

DAY = dt.date(2026, 10, 30)
SALLY = e.Person(1, "Sally Jones", None, False, None)


def _due(amount: int = 122156, settled: bool = False, kind: str = "net_pay",
         payee: str = "Sally Jones", on: dt.date = DAY, id: int = 7) -> e.Due:
    return e.Due(id, kind, payee, amount, on, settled)


def test_a_pa_paid_twenty_pounds_short_is_asked_about() -> None:
    paid = [e.Paid(50, DAY + dt.timedelta(days=1), 120156, "S JONES")]
    (flag,) = e.pay_differences([_due()], paid, [SALLY])
    assert flag.code == "pa_underpaid" and flag.amount_pence == 2000
    assert flag.title == "Sally Jones was paid £20.00 less than your payslip says"
    assert flag.transactions == (50,)
    (staff,) = e.pay_differences([_due()], paid, [SALLY], Reader("Jordan"))
    assert staff.title == "Sally Jones was paid £20.00 less than Jordan’s payslip says"
    over = e.pay_differences([_due()], [e.Paid(51, DAY, 125000, "SALLY JONES")], [SALLY])
    assert [f.code for f in over] == ["pa_overpaid"]


def test_near_misses_raise_nothing() -> None:
    # within £1; settled; exact; too far away in time; someone else with the same surname
    assert e.pay_differences([_due()], [e.Paid(1, DAY, 122100, "SALLY JONES")], [SALLY]) == []
    assert e.pay_differences([_due(settled=True)], [e.Paid(1, DAY, 100000, "S JONES")],
                             [SALLY]) == []
    assert e.pay_differences([_due()], [e.Paid(1, DAY, 122156, "S JONES"),
                                        e.Paid(2, DAY, 5000, "S JONES")], [SALLY]) == []
    assert e.pay_differences([_due()], [e.Paid(1, DAY + dt.timedelta(days=8), 100000,
                                               "S JONES")], [SALLY]) == []
    assert e.pay_differences([_due()], [e.Paid(1, DAY, 100000, "T JONES")], [SALLY]) == []


def test_a_pay_day_looks_at_payments_up_to_seven_days_either_side_in_any_order() -> None:
    # Payments are looked up by date: the edges of the window and the order they come in
    # do not change what is found.
    days = [-8, 7, -30, 0, -7, 8, 40]
    paid = [e.Paid(n, DAY + dt.timedelta(days=d), 100000 + n, "S JONES")
            for n, d in enumerate(days)]
    found = e.pay_differences([_due()], paid, [SALLY])
    back = e.pay_differences([_due()], list(reversed(paid)), [SALLY])
    assert found == back
    assert [f.transactions for f in found] == [(4,)]  # the nearest amount of those within 7 days
    assert e.pay_differences([_due()], paid[:1] + paid[5:], [SALLY]) == []  # 8 days out


def test_hmrc_overdue_only_after_its_date_and_only_unpaid() -> None:
    hmrc = [_due(19796, kind="hmrc", payee="HMRC", on=dt.date(2026, 10, 22), id=1),
            _due(500, kind="hmrc", payee="HMRC", on=dt.date(2026, 10, 22), id=2)]
    (flag,) = e.overdue(hmrc, dt.date(2026, 10, 23))
    assert flag.severity == "urgent" and flag.amount_pence == 20296
    assert "£202.96 of PAYE tax and National Insurance to HMRC was due by 22 October" in flag.title
    assert e.overdue(hmrc, dt.date(2026, 10, 22)) == []
    assert e.overdue([_due(100, kind="pension", payee="NEST", on=DAY, settled=True)],
                     DAY + dt.timedelta(days=3)) == []


def test_a_bank_payment_of_exactly_what_is_owed_to_hmrc_or_the_scheme_is_paid_not_overdue(
        ) -> None:
    hmrc = [_due(19796, kind="hmrc", payee="HMRC", on=dt.date(2026, 10, 22), id=1),
            _due(500, kind="hmrc", payee="HMRC", on=dt.date(2026, 10, 22), id=2)]
    later = dt.date(2026, 11, 3)
    # one payment of the month's total, late: paid (the reconciliation asks to confirm it)
    paid = [e.Paid(7, dt.date(2026, 10, 30), 20296, "HMRC NDDS")]
    assert e.overdue(hmrc, later, paid=paid) == []
    # near misses: a penny out, to someone else, or long before the month's due date
    for miss in (e.Paid(7, dt.date(2026, 10, 30), 20295, "HMRC NDDS"),
                 e.Paid(7, dt.date(2026, 10, 30), 20296, "S JONES"),
                 e.Paid(7, dt.date(2026, 9, 20), 20296, "HMRC NDDS")):
        assert len(e.overdue(hmrc, later, paid=[miss])) == 1, miss
    # one bank payment pays one month only
    two = hmrc + [_due(20296, kind="hmrc", payee="HMRC", on=dt.date(2026, 11, 1), id=3)]
    (left,) = e.overdue(two, later, paid=paid)
    assert left.key == "overdue:hmrc:2026-11-01"
    # a payment confirmed as paying another month does not pay this one too
    settled = replace(_due(20296, kind="hmrc", payee="HMRC", on=dt.date(2026, 9, 22), id=5,
                           settled=True), paid_by=7)
    assert len(e.overdue([settled, *hmrc], later, paid=paid)) == 1
    pension = [_due(4200, kind="pension", payee="NEST", on=DAY, id=4)]
    assert e.overdue(pension, DAY + dt.timedelta(days=3),
                     paid=[e.Paid(8, DAY, 4200, "NEST DD 123")]) == []


def test_paid_after_leaving_and_relatives() -> None:
    left = e.Person(2, "Tom Reed", dt.date(2026, 6, 30), False, None)
    late = e.Paid(9, dt.date(2026, 8, 15), 30000, "T REED")
    final = e.Paid(8, dt.date(2026, 7, 25), 30000, "T REED")
    assert [f.transactions for f in e.after_leaving([late, final], [left])] == [(9,)]
    relative = e.Person(3, "Ann Hill", None, True, None)
    approved = e.Person(4, "Bob Hill", None, True, "ASC/2026/118")
    found = e.relatives_unapproved([relative, approved], DAY, HOLDER)
    assert [f.records for f in found] == [(("employment", 3),)]
