"""Reconciliation with a real database (SQLite and PostgreSQL): what is expected, what
matched, confirming, changing and undoing (audited), settling payments owed, the period's
status, and the database's own guard that one bank line has one match."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dpsupport.errors import UserError
from dpsupport.models import (
    Account,
    AuditEvent,
    BudgetLine,
    Holder,
    Match,
    PaymentDue,
    PayRun,
    Transaction,
)
from dpsupport.services import audit, records
from dpsupport.services import reconcile as service
from dpsupport.services.imports import import_statement, undo_import

from ..support.factories import holder_with_account


def _tx(session: Session, account: Account, day: date, pence: int, payee: str,
        **kwargs: object) -> Transaction:
    tx = Transaction(holder_id=account.holder_id, account_id=account.id, date=day,
                     amount_pence=pence, payee=payee, **kwargs)
    session.add(tx)
    session.flush()
    return tx


def _pay_run(session: Session, holder: Holder) -> PayRun:
    run = PayRun(holder_id=holder.id, frequency="four_weekly", period_start=date(2026, 4, 6),
                 period_end=date(2026, 5, 3), pay_date=date(2026, 5, 8), tax_period=1,
                 status="approved")
    session.add(run)
    # the council's payment for the period from 4 May, so that May has only the payroll
    account = session.scalars(select(Account).where(Account.holder_id == holder.id)).first()
    assert account is not None
    _tx(session, account, date(2026, 5, 4), 100000, "Test Council")
    return run


def _due(session: Session, run: PayRun, kind: str, payee: str, pence: int, due: date,
         tax_month: int | None = None) -> PaymentDue:
    row = PaymentDue(holder_id=run.holder_id, pay_run_id=run.id, kind=kind, payee=payee,
                     amount_pence=pence, due_date=due, tax_year=2026 if tax_month else None,
                     tax_month=tax_month)
    session.add(row)
    session.flush()
    return row


def _may(session: Session, holder: Holder, account: Account) -> service.PeriodView:
    """May, without the council's regular payment (matched: see _pay_run)."""
    view = service.period(session, holder, account, 2026, 5)
    assert view is not None
    assert [r.expectation_key for r in view.matched if r.amount_pence == 100000] == ["regular:1"]
    return replace(view, matched=tuple(r for r in view.matched if r.amount_pence != 100000))


def test_the_council_payment_matches_its_schedule_with_a_reason(session: Session) -> None:
    w = holder_with_account(session)
    view = service.period(session, w.holder, w.account, 2026, 4)
    assert view is not None
    reasons = {r.reason for r in view.matched}
    assert ("£1,000.00 from Test Council on 6 April: the regular payment from Test Council "
            "for 6 April to 3 May 2026") in reasons
    # A Patel's wages (£450) were not expected: the month is not reconciled
    assert [line.amount_pence for line in view.not_expected_open] == [-45000]
    assert not view.reconciled
    assert service.summary(view) == "Not reconciled: 1 payment not expected"


def test_net_pay_hmrc_and_pension_from_a_pay_run(session: Session) -> None:
    w = holder_with_account(session)
    run = _pay_run(session, w.holder)
    sally = _due(session, run, "net_pay", "Sally Jones", 122156, date(2026, 5, 8))
    tom = _due(session, run, "net_pay", "Tom Reed", 122156, date(2026, 5, 8))
    hmrc_a = _due(session, run, "hmrc", "HMRC", 20000, date(2026, 5, 22), tax_month=1)
    hmrc_b = _due(session, run, "hmrc", "HMRC", 11240, date(2026, 5, 22), tax_month=1)
    _due(session, run, "pension", "NEST", 4800, date(2026, 5, 15))
    paid_sally = _tx(session, w.account, date(2026, 5, 8), -122156, "S JONES")
    paid_hmrc = _tx(session, w.account, date(2026, 5, 20), -31240, "HMRC NDDS")
    pension = _tx(session, w.account, date(2026, 5, 15), -4800, "NEST PENSIONS DD")
    session.commit()
    view = _may(session, w.holder, w.account)
    by_line = {r.transaction_id: r for r in view.matched}
    assert by_line[paid_sally.id].reason == ("£1,221.56 to Sally Jones on 8 May: net pay for "
                                             "6 April to 3 May 2026")
    assert by_line[paid_hmrc.id].expectation_key == "hmrc:2026:1"  # both PAYE rows: one payment
    assert by_line[pension.id].expectation_key.startswith("payment_due:")
    # Tom was never paid: wages for a pay run not seen in the bank
    assert [e.key for e in view.not_seen] == [f"payment_due:{tom.id}"]
    assert all(r.suggested for r in view.matched)

    with audit.acting_as(audit.Actor(w.worker.id, w.worker.name)):
        service.confirm(session, w.holder, paid_hmrc.id, "hmrc:2026:1")
    session.refresh(hmrc_a)
    session.refresh(hmrc_b)
    assert hmrc_a.transaction_id == hmrc_b.transaction_id == paid_hmrc.id
    assert hmrc_a.settled_on == date(2026, 5, 20)
    view = _may(session, w.holder, w.account)
    row = next(r for r in view.matched if r.transaction_id == paid_hmrc.id)
    assert row.confirmed_by and row.confirmed_by.startswith("Sam Worker on ")
    # undo: forgotten, and owed again
    with audit.acting_as(audit.Actor(w.worker.id, w.worker.name)):
        assert service.undo(session, w.holder, paid_hmrc.id)
    session.refresh(hmrc_a)
    assert hmrc_a.transaction_id is None and hmrc_a.settled_on is None
    actions = session.execute(select(AuditEvent.action, AuditEvent.actor_name).where(
        AuditEvent.entity == "reconcile_match")).all()
    assert [a for a, _ in actions] == ["created", "deleted"]
    assert {n for _, n in actions} == {"Sam Worker"}
    assert sally.transaction_id is None  # a suggestion settles nothing


def test_hmrc_not_paid_by_the_22nd_is_expected_but_not_seen(session: Session) -> None:
    w = holder_with_account(session)
    run = _pay_run(session, w.holder)
    _due(session, run, "hmrc", "HMRC", 31240, date(2026, 5, 22), tax_month=1)
    _tx(session, w.account, date(2026, 5, 30), -1000, "TESCO")
    session.commit()
    view = _may(session, w.holder, w.account)
    assert [e.kind for e in view.not_seen] == ["hmrc"]
    assert "due by 22 May 2026" in view.not_seen[0].words
    assert service.summary(view).startswith("Not reconciled: 1 payment expected but not seen")


def test_changing_a_match_and_saying_a_line_was_not_expected(session: Session) -> None:
    w = holder_with_account(session)
    run = _pay_run(session, w.holder)
    sally = _due(session, run, "net_pay", "Sally Jones", 50000, date(2026, 5, 8))
    tom = _due(session, run, "net_pay", "Tom Reed", 50000, date(2026, 5, 8))
    paid = _tx(session, w.account, date(2026, 5, 8), -50000, "SALLY JONES")
    session.commit()
    view = _may(session, w.holder, w.account)
    assert view.matched[0].expectation_key == f"payment_due:{sally.id}"
    # a person says it was Tom's pay after all (a shared account name, say)
    service.confirm(session, w.holder, paid.id, f"payment_due:{tom.id}")
    session.refresh(tom)
    assert tom.transaction_id == paid.id
    view = _may(session, w.holder, w.account)
    assert view.matched[0].expectation_key == f"payment_due:{tom.id}"
    assert [e.key for e in view.not_seen] == [f"payment_due:{sally.id}"]
    # ...then that it was nothing expected: Tom's pay is owed again
    service.mark_not_expected(session, w.holder, paid.id)
    session.refresh(tom)
    assert tom.transaction_id is None
    view = _may(session, w.holder, w.account)
    assert not view.matched and len(view.not_seen) == 2
    assert view.not_expected[0][1] is not None and not view.not_expected_open
    # money in cannot be a payment out; a key not expected is refused; nothing saved
    with pytest.raises(UserError):
        service.confirm(session, w.holder, paid.id, "regular:0")
    with pytest.raises(UserError):
        service.confirm(session, w.holder, paid.id, "payment_due:999999")
    assert session.scalar(select(Match.status).where(Match.transaction_id == paid.id)) == \
        "not_expected"


def test_a_confirmed_expectation_cannot_be_taken_by_another_line(session: Session) -> None:
    w = holder_with_account(session)
    run = _pay_run(session, w.holder)
    sally = _due(session, run, "net_pay", "Sally Jones", 50000, date(2026, 5, 8))
    one = _tx(session, w.account, date(2026, 5, 8), -50000, "SALLY JONES")
    two = _tx(session, w.account, date(2026, 5, 9), -50000, "SALLY JONES")
    session.commit()
    service.confirm(session, w.holder, two.id, f"payment_due:{sally.id}")
    view = _may(session, w.holder, w.account)
    assert [r.transaction_id for r in view.matched] == [two.id]
    assert [line.id for line in view.not_expected_open] == [one.id]
    with pytest.raises(UserError, match="Undo that match first"):
        service.confirm(session, w.holder, one.id, f"payment_due:{sally.id}")


def test_the_database_refuses_two_matches_for_one_bank_line(session: Session) -> None:
    w = holder_with_account(session)
    tx = session.scalars(select(Transaction).where(Transaction.holder_id == w.holder.id)).first()
    assert tx is not None
    session.add(Match(holder_id=w.holder.id, transaction_id=tx.id, status="confirmed",
                      expectation_kind="regular", expectation_key="regular:0", reason="a"))
    session.flush()
    session.add(Match(holder_id=w.holder.id, transaction_id=tx.id, status="not_expected",
                      reason="b"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_a_regular_payee_of_a_plan_line_is_expected_every_month(session: Session) -> None:
    w = holder_with_account(session)
    line = BudgetLine(holder_id=w.holder.id, category="agency_care", label="Agency care",
                      planned_pence=40000)
    session.add(line)
    session.flush()
    for month, pence in ((5, -10000), (6, -11000), (7, -10500)):
        _tx(session, w.account, date(2026, month, 10), pence, "BRIGHTSIDE CARE LTD BCC",
            budget_line_id=line.id, category="agency_care")
    august = _tx(session, w.account, date(2026, 8, 12), -12000, "Brightside Care Ltd")
    session.commit()
    view = service.period(session, w.holder, w.account, 2026, 8)
    assert view is not None
    row = next(r for r in view.matched if r.transaction_id == august.id)
    assert row.reason.endswith("a regular payment from the plan line “Agency care” (paid "
                               "every month since May 2026)")
    # September: the statement ends in August, so nothing is missing yet
    assert service.period(session, w.holder, w.account, 2026, 9).not_seen == ()


def test_a_month_with_everything_matched_is_reconciled(session: Session) -> None:
    w = holder_with_account(session)
    patel = session.scalar(select(Transaction).where(Transaction.payee == "A Patel"))
    assert patel is not None
    service.mark_not_expected(session, w.holder, patel.id)
    view = service.period(session, w.holder, w.account, 2026, 4)
    assert view is not None and view.reconciled
    assert service.summary(view) == "Reconciled: 1 payment matched"
    periods = service.periods(session, w.holder, w.account)
    assert [(p.first, p.reconciled) for p in periods] == [(date(2026, 4, 1), True)]
    assert service.confirm_suggestions(session, w.holder, w.account, 2026, 4) == 1
    session.add(Transaction(holder_id=w.holder.id, account_id=w.account.id,
                            date=date(2026, 4, 9), amount_pence=-1250, payee="TESCO"))
    session.commit()
    assert not service.period(session, w.holder, w.account, 2026, 4).reconciled
    assert service.check_the_rest(session, w.holder, w.account, 2026, 4) == 1
    assert service.period(session, w.holder, w.account, 2026, 4).reconciled
    assert session.scalar(select(func.count()).select_from(Match)) == 3


def test_removing_a_matched_payment_or_undoing_its_import_forgets_the_match(
        session: Session) -> None:
    w = holder_with_account(session)
    run = _pay_run(session, w.holder)
    due = _due(session, run, "net_pay", "Sally Jones", 50000, date(2026, 5, 8))
    typed = _tx(session, w.account, date(2026, 5, 8), -50000, "Sally Jones")
    session.commit()
    service.confirm(session, w.holder, typed.id, f"payment_due:{due.id}")
    records.delete_transaction(session, typed)
    session.refresh(due)
    assert due.transaction_id is None
    assert session.scalar(select(func.count()).select_from(Match)) == 0
    done = import_statement(session, w.account, b"Date,Description,Amount\n"
                            b"08/05/2026,SALLY JONES,-500.00\n", "may.csv")
    session.commit()
    line = session.scalar(select(Transaction).where(Transaction.import_id == done.import_id))
    assert line is not None
    service.confirm(session, w.holder, line.id, f"payment_due:{due.id}")
    from dpsupport.models import StatementImport

    record = session.get(StatementImport, done.import_id)
    assert record is not None
    undo_import(session, record)
    session.commit()
    session.refresh(due)
    assert due.transaction_id is None
    assert session.scalar(select(func.count()).select_from(Match)) == 0


def test_another_holders_payment_is_not_found(session: Session) -> None:
    w = holder_with_account(session)
    other = holder_with_account(session)
    tx = session.scalars(select(Transaction).where(Transaction.holder_id == other.holder.id)
                         ).first()
    assert tx is not None
    with pytest.raises(UserError):
        service.confirm(session, w.holder, tx.id, "regular:0")
    assert service.choices_for(session, w.holder, tx.id) is None
    assert service.account(session, w.holder, other.account.id) is None


def test_wages_sorted_to_the_plan_line_are_net_pay_not_a_missing_habit(
        session: Session) -> None:
    w = holder_with_account(session)
    line = session.scalar(select(BudgetLine).where(BudgetLine.holder_id == w.holder.id))
    assert line is not None
    for month in (2, 3, 4):
        _tx(session, w.account, date(2026, month, 28), -50000, "SALLY JONES",
            budget_line_id=line.id, category="pa_wages")
    run = _pay_run(session, w.holder)
    _due(session, run, "net_pay", "Sally Jones", 50000, date(2026, 5, 28))
    paid = _tx(session, w.account, date(2026, 5, 28), -50000, "SALLY JONES",
               budget_line_id=line.id, category="pa_wages")
    session.commit()
    view = _may(session, w.holder, w.account)
    assert [r.transaction_id for r in view.matched] == [paid.id]
    assert view.matched[0].expectation_key.startswith("payment_due:")
    assert view.reconciled
