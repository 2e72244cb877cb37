"""Flags kept per holder: raised on data built to raise them (and not on near misses), the
lifecycle, and working them out again when the records change. On both databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from dpsupport.errors import UserError
from dpsupport.models import Attachment, Flag, FlagAnswer, Transaction
from dpsupport.services import audit, flags, imports, plan, records
from dpsupport.services.records import save_transaction

from ..support.factories import create_user, grant, holder_with_account

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MAY = (b"Date,Description,Amount,Balance\n"
       b"01/05/2026,NORTHSHIRE COUNCIL DP,1000.00,1000.00\n"
       b"03/05/2026,LINK 14:32 03MAY CASH,-40.00,960.00\n"
       b"04/05/2026,TESCO STORES,-12.50,947.50\n")
JUNE = (b"Date,Description,Amount,Balance\n"
        b"01/06/2026,NORTHSHIRE COUNCIL DP,1000.00,1947.50\n"
        b"04/06/2026,TESCO STORES,-10.00,1937.50\n")


def _codes(session, holder, **kw) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {v.flag.code + ":" + v.flag.key: v.flag.status
            for v in flags.flags_for(session, holder, for_holder=False, open_only=False, **kw)}


def _one(session, holder, code: str) -> flags.FlagView:  # type: ignore[no-untyped-def]
    [view] = [v for v in flags.flags_for(session, holder, for_holder=False, open_only=False)
              if v.flag.code == code]
    return view


def _import(session, account, data: bytes, name: str) -> None:  # type: ignore[no-untyped-def]
    imports.flows.import_file(session, account, data, name)


def test_an_import_raises_a_cash_flag_and_not_one_for_the_shop(session) -> None:  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    _import(session, h.account, MAY, "may.csv")
    views = flags.flags_for(session, h.holder, for_holder=True)
    cash = [v for v in views if v.flag.code == "cash_withdrawal"]
    assert len(cash) == 1
    [view] = cash
    assert view.flag.status == "open" and view.flag.amount_pence == 4000
    assert view.title == "£40.00 cash taken out on 3 May 2026: what was it for?"
    assert [t.amount_pence for t in view.transactions] == [-4000]
    staff = flags.flag_for(session, h.holder, view.flag.id, for_holder=False)
    assert staff is not None and "Pat Jones" in staff.explanation
    # the near misses: the council's payment and the shop raise nothing
    assert not [v for v in views if v.flag.code in ("unknown_payee", "transfer_out",
                                                     "prohibited_spend", "duplicate_payment")]


def test_resolved_stays_resolved_after_an_unrelated_import_and_reopens_when_evidence_changes(
        session) -> None:  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    with audit.acting_as(audit.Actor(h.worker.id, h.worker.name)):
        tx = save_transaction(session, h.holder, None, when=date(2026, 5, 20),
                              amount_pence=-3000, category=None, budget_line_id=None,
                              payee="Cash withdrawal", note=None)
        view = _one(session, h.holder, "cash_withdrawal")
        flags.resolve(session, h.holder, view, "Paid the window cleaner, receipt seen")
        _import(session, h.account, JUNE, "june.csv")
        again = _one(session, h.holder, "cash_withdrawal")
        assert again.flag.id == view.flag.id and again.flag.status == "resolved"
        assert again.flag.resolved_reason == "Paid the window cleaner, receipt seen"
        assert again.flag.resolved_by_id == h.worker.id
        save_transaction(session, h.holder, tx, when=date(2026, 5, 20), amount_pence=-6000,
                         category=None, budget_line_id=None, payee="Cash withdrawal", note=None)
    reopened = _one(session, h.holder, "cash_withdrawal")
    assert reopened.flag.id == view.flag.id
    assert reopened.flag.status == "open" and reopened.flag.resolved_reason is None
    assert reopened.flag.amount_pence == 6000


def test_a_flag_whose_payment_is_removed_no_longer_applies(session) -> None:  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    tx = save_transaction(session, h.holder, None, when=date(2026, 5, 20), amount_pence=-3000,
                          category=None, budget_line_id=None, payee="ATM withdrawal", note=None)
    view = _one(session, h.holder, "cash_withdrawal")
    records.delete_transaction(session, tx)
    gone = _one(session, h.holder, "cash_withdrawal")
    assert gone.flag.id == view.flag.id and gone.flag.status == "resolved"
    assert gone.flag.resolved_reason == flags.NO_LONGER_APPLIES
    assert gone.flag.resolved_by_id is None
    assert not [v for v in flags.flags_for(session, h.holder, for_holder=True)
                if v.flag.code == "cash_withdrawal"]


def test_sorting_a_payment_to_the_plan_settles_an_unknown_payee(session) -> None:  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    tx = save_transaction(session, h.holder, None, when=date(2026, 5, 20), amount_pence=-5001,
                          category=None, budget_line_id=None, payee="Acme Lifts", note=None)
    assert _one(session, h.holder, "unknown_payee").flag.status == "open"
    # £50.00 exactly is not over the limit: the near miss
    save_transaction(session, h.holder, tx, when=date(2026, 5, 20), amount_pence=-5000,
                     category=None, budget_line_id=None, payee="Acme Lifts", note=None)
    assert _one(session, h.holder, "unknown_payee").flag.status == "resolved"
    save_transaction(session, h.holder, tx, when=date(2026, 5, 20), amount_pence=-9000,
                     category=None, budget_line_id=None, payee="Acme Lifts", note=None)
    assert _one(session, h.holder, "unknown_payee").flag.status == "open"
    save_transaction(session, h.holder, tx, when=date(2026, 5, 20), amount_pence=-9000,
                     category="equipment", budget_line_id=None, payee="Acme Lifts", note=None)
    assert _one(session, h.holder, "unknown_payee").flag.status == "resolved"


def test_answer_with_a_receipt_then_escalate_and_resolve(session) -> None:  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    me = create_user(session, h.org, "holder", name="Pat Jones")
    grant(session, h.holder, me, "holder")
    _import(session, h.account, MAY, "may.csv")
    view = _one(session, h.holder, "cash_withdrawal")
    with audit.acting_as(audit.Actor(me.id, me.name)):
        reply = flags.answer(session, h.holder, view, "  Paid my PA's bus fares  ",
                             "bus.png", PNG)
    assert reply.text == "Paid my PA's bus fares" and reply.user_id == me.id
    attachment = session.get(Attachment, reply.attachment_id)
    assert attachment is not None and attachment.transaction_id == view.transactions[0].id
    assert view.flag.status == "answered"
    with pytest.raises(UserError):
        flags.answer(session, h.holder, view, "   ")
    flags.escalate(session, h.holder, view)
    assert view.flag.status == "escalated"
    with pytest.raises(UserError):
        flags.resolve(session, h.holder, view, "")
    flags.resolve(session, h.holder, view, "Fares are part of the plan")
    with pytest.raises(UserError):
        flags.answer(session, h.holder, view, "More")
    assert session.scalar(select(FlagAnswer).where(FlagAnswer.flag_id == view.flag.id))


def test_a_receipt_needs_a_payment(session) -> None:  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    flags.refresh(session, h.holder, today=date(2026, 11, 27))
    session.commit()
    gap = _one(session, h.holder, "statement_gap")
    with pytest.raises(UserError) as err:
        flags.answer(session, h.holder, gap, "It is in the post", "x.png", PNG)
    assert err.value.field == "file"
    assert session.scalar(select(FlagAnswer)) is None


def test_hidden_flags_are_not_shown_to_the_holder_and_staff_see_who_hid_them(
        session) -> None:  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    _import(session, h.account, MAY, "may.csv")
    view = _one(session, h.holder, "cash_withdrawal")
    with audit.acting_as(audit.Actor(h.worker.id, h.worker.name)):
        flags.hide(session, h.holder, view, "Safeguarding: a family member takes the cash")
    assert flags.flag_for(session, h.holder, view.flag.id, for_holder=True) is None
    assert view.flag.id not in [v.flag.id for v in flags.flags_for(session, h.holder,
                                                                   for_holder=True)]
    staff = flags.flag_for(session, h.holder, view.flag.id, for_holder=False)
    assert staff is not None and staff.flag.hidden_by_id == h.worker.id
    assert staff.flag.hidden_reason == "Safeguarding: a family member takes the cash"
    flags.show_again(session, h.holder, staff)
    assert flags.flag_for(session, h.holder, view.flag.id, for_holder=True) is not None


def test_the_funding_policy_changes_which_flags_are_raised(session) -> None:  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    save_transaction(session, h.holder, None, when=date(2026, 5, 20), amount_pence=-2000,
                     category=None, budget_line_id=None, payee="LOCAL BOOKIE 12", note=None)
    save_transaction(session, h.holder, None, when=date(2026, 5, 21), amount_pence=-6000,
                     category=None, budget_line_id=None, payee="Acme Lifts", note=None)
    assert "prohibited_spend" not in {v.flag.code for v in flags.flags_for(
        session, h.holder, for_holder=False)}
    assert _one(session, h.holder, "unknown_payee").flag.status == "open"
    settings = flags.with_defaults(flags.policy_input(session, h.org.id),
                                   added_words={"gambling": ("LOCAL BOOKIE",)},
                                   unknown_payee_over_pence=10000)
    flags.save_policy(session, h.org, settings)
    assert _one(session, h.holder, "prohibited_spend").flag.status == "open"
    assert _one(session, h.holder, "unknown_payee").flag.status == "resolved"
    assert flags.policy_input(session, h.org.id).unknown_payee_over_pence == 10000
    with pytest.raises(UserError):
        flags.save_policy(session, h.org, flags.with_defaults(settings, duplicate_days=0))


def test_surplus_above_threshold_from_the_money_figures(session) -> None:  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    today = date(2026, 5, 1)
    # £1,000 in, £450 out: balance £550. 8 weeks of £250 = £2,000: no surplus.
    flags.refresh(session, h.holder, today=today)
    assert "surplus_above_threshold" not in {v.flag.code for v in flags.flags_for(
        session, h.holder, for_holder=False)}
    session.add(Transaction(holder_id=h.holder.id, account_id=h.account.id,
                            date=date(2026, 4, 20), amount_pence=145001, payee="Refund"))
    session.flush()
    flags.refresh(session, h.holder, today=today)
    surplus = _one(session, h.holder, "surplus_above_threshold")
    assert surplus.flag.amount_pence == 1 and surplus.flag.status == "open"
    flags.refresh(session, h.holder, today=today, owed_pence=1)
    assert _one(session, h.holder, "surplus_above_threshold").flag.status == "resolved"


def test_a_plan_change_works_flags_out_again(session) -> None:  # type: ignore[no-untyped-def]
    h = holder_with_account(session)
    plan.add_line(session, h.holder, plan.LineDetails("respite", "Short breaks", 1000))
    assert session.scalars(select(Flag).where(Flag.holder_id == h.holder.id)).first()


def test_adding_a_pa_settles_payments_to_them(session) -> None:  # type: ignore[no-untyped-def]
    from dpsupport.services import employment

    h = holder_with_account(session)
    save_transaction(session, h.holder, None, when=date(2026, 5, 20), amount_pence=-12000,
                     category=None, budget_line_id=None, payee="T REED", note=None)
    assert _one(session, h.holder, "unknown_payee").flag.status == "open"
    employment.add_employment(session, h.holder, employment.EmploymentInput(
        name="Tom Reed", date_of_birth=date(1990, 2, 2), ni_number=None, address=None,
        start_date=date(2026, 4, 6), leaving_date=None, starter_statement="A", tax_code=None,
        ni_category=None, student_loan_plan=None, postgraduate_loan=False,
        close_relative_in_household=False, council_approval_reference=None))
    gone = _one(session, h.holder, "unknown_payee")
    assert gone.flag.status == "resolved" and gone.flag.resolved_reason == flags.NO_LONGER_APPLIES
