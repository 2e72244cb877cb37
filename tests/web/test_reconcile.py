"""The reconciliation and sorting rule pages through the test client (SQLite and
PostgreSQL): the months list, a month's three lists, confirm / change / undo in the audit
trail, a finance officer who reads and changes nothing, and rules tried before saving and
used by the next import."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dpsupport.models import (
    Account,
    AuditEvent,
    Match,
    PaymentDue,
    PayRun,
    SortingRule,
    Transaction,
)
from dpsupport.services import imports

from ..support.factories import create_user, grant, holder_with_account, post, sign_in


def _payroll(session: Session, holder_id: int, account: Account) -> tuple[PaymentDue, Transaction]:
    run = PayRun(holder_id=holder_id, frequency="four_weekly", period_start=date(2026, 2, 25),
                 period_end=date(2026, 3, 24), pay_date=date(2026, 3, 28), tax_period=12,
                 status="approved")
    session.add(run)
    session.flush()
    due = PaymentDue(holder_id=holder_id, pay_run_id=run.id, kind="net_pay",
                     payee="Sally Jones", amount_pence=122156, due_date=date(2026, 3, 28))
    tx = Transaction(holder_id=holder_id, account_id=account.id, date=date(2026, 3, 28),
                     amount_pence=-122156, payee="S JONES")
    session.add_all([due, tx])
    session.commit()
    return due, tx


def _settled_by(session: Session, due_id: int) -> int | None:
    session.rollback()  # a fresh snapshot: the app wrote in its own transactions
    return session.scalar(select(PaymentDue.transaction_id).where(PaymentDue.id == due_id))


def test_a_month_shows_the_match_and_its_reason_and_it_can_be_confirmed_and_undone(
        client, session: Session) -> None:  # type: ignore[no-untyped-def]
    w = holder_with_account(session)
    due, tx = _payroll(session, w.holder.id, w.account)
    due_id, tx_id = due.id, tx.id
    sign_in(client, w.worker)
    h = f"/holders/{w.holder.id}/reconcile"
    index = client.get(h)
    assert index.status_code == 200
    page = index.get_data(as_text=True)
    assert "March 2026" in page and "April 2026" in page and "Not reconciled" in page
    month = client.get(f"{h}/accounts/{w.account.id}/2026/3").get_data(as_text=True)
    assert ("£1,221.56 to Sally Jones on 28 March: net pay for 25 February to 24 March 2026"
            in month)
    assert "Suggested" in month
    response = post(client, f"{h}/payments/{tx.id}/confirm",
                    {"expectation": f"payment_due:{due.id}"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/accounts/{w.account.id}/2026/3")
    assert _settled_by(session, due_id) == tx_id
    month = client.get(f"{h}/accounts/{w.account.id}/2026/3").get_data(as_text=True)
    assert "Confirmed" in month and "by Sam Worker on" in month
    shown = client.get(f"/holders/{w.holder.id}/transactions/{tx_id}").get_data(as_text=True)
    assert "net pay for 25 February to 24 March 2026. Confirmed by Sam Worker" in shown
    assert "See it in the reconciliation for March 2026" in shown
    assert post(client, f"{h}/payments/{tx.id}/undo").status_code == 302
    assert _settled_by(session, due_id) is None
    history = client.get(f"/holders/{w.holder.id}/history").get_data(as_text=True)
    assert "reconcile_match" in history or "Sam Worker" in history
    rows = session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity == "reconcile_match", AuditEvent.holder_id == w.holder.id)).all()
    assert rows == ["created", "deleted"]


def test_change_page_offers_what_fits_and_refuses_nothing_chosen(
        client, session: Session) -> None:  # type: ignore[no-untyped-def]
    w = holder_with_account(session)
    due, tx = _payroll(session, w.holder.id, w.account)
    sign_in(client, w.worker)
    url = f"/holders/{w.holder.id}/reconcile/payments/{tx.id}/change"
    page = client.get(url).get_data(as_text=True)
    assert "Net pay for 25 February to 24 March 2026 (£1,221.56, due 28 March 2026)" in page
    assert "regular payment" not in page  # money in is not offered for money out
    refused = post(client, url, {})
    assert refused.status_code == 400
    assert "Select what this payment was" in refused.get_data(as_text=True)
    stale = post(client, f"/holders/{w.holder.id}/reconcile/payments/{tx.id}/confirm",
                 {"expectation": "payment_due:999999"})
    assert stale.status_code == 400
    assert "What you chose is no longer expected" in stale.get_data(as_text=True)
    assert post(client, url, {"choice": "none"}).status_code == 302
    assert session.scalar(select(Match.status).where(Match.transaction_id == tx.id)) == \
        "not_expected"
    month = client.get(f"/holders/{w.holder.id}/reconcile/accounts/{w.account.id}/2026/3")
    text = month.get_data(as_text=True)
    assert "Checked" in text and "as nothing expected by Sam Worker" in text
    assert "Expected but not seen in the bank (1)" in text  # Sally's pay is owed again


def test_a_finance_officer_reads_but_changes_nothing(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    w = holder_with_account(session)
    due, tx = _payroll(session, w.holder.id, w.account)
    officer = create_user(session, w.org, "finance_officer", name="Fay Officer")
    grant(session, w.holder, officer, "finance_officer")
    session.commit()
    sign_in(client, officer)
    h = f"/holders/{w.holder.id}/reconcile"
    month = client.get(f"{h}/accounts/{w.account.id}/2026/3")
    assert month.status_code == 200
    text = month.get_data(as_text=True)
    assert "Confirm" not in text.replace("Confirmed", "") and "Say what it was" not in text
    assert post(client, f"{h}/payments/{tx.id}/confirm",
                {"expectation": f"payment_due:{due.id}"}).status_code == 403
    assert client.get(f"/holders/{w.holder.id}/sorting-rules").status_code == 200
    assert client.get(f"/holders/{w.holder.id}/sorting-rules/new").status_code == 403
    assert session.scalar(select(func.count()).select_from(Match)) == 0


def test_another_holders_payment_or_account_is_not_found(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    w = holder_with_account(session)
    other = holder_with_account(session)
    _due, tx = _payroll(session, other.holder.id, other.account)
    sign_in(client, w.worker)
    h = f"/holders/{w.holder.id}/reconcile"
    assert client.get(f"{h}/accounts/{other.account.id}/2026/3").status_code == 404
    assert client.get(f"{h}/payments/{tx.id}/change").status_code == 404
    assert post(client, f"{h}/payments/{tx.id}/undo").status_code == 404
    assert client.get(f"{h}/accounts/{w.account.id}/2026/13").status_code == 404


def test_a_rule_is_tried_on_past_payments_then_saved_and_sorts_the_next_import(
        client, session: Session) -> None:  # type: ignore[no-untyped-def]
    w = holder_with_account(session)
    for day, payee in ((date(2026, 4, 15), "NEST PENSIONS DD"), (date(2026, 4, 16), "NESTLE")):
        session.add(Transaction(holder_id=w.holder.id, account_id=w.account.id, date=day,
                                amount_pence=-4800, payee=payee, category="other"))
    session.commit()
    sign_in(client, w.worker)
    url = f"/holders/{w.holder.id}/sorting-rules/new"
    form = {"pattern": "nest", "direction": "out", "category": "employer_costs",
            "budget_line": "", "scope": "holder"}
    tried = post(client, url, {**form, "action": "try"})
    assert tried.status_code == 200
    text = tried.get_data(as_text=True)
    assert "takes 1 past payment; 1 of them is sorted another way now" in text
    assert "NESTLE" not in text
    assert session.scalar(select(func.count()).select_from(SortingRule)) == 0
    bad = post(client, url, {**form, "pattern": "  ", "action": "save"})
    assert bad.status_code == 400 and "Enter the payee" in bad.get_data(as_text=True)
    assert post(client, url, {**form, "action": "save"}).status_code == 302
    rules = client.get(f"/holders/{w.holder.id}/sorting-rules").get_data(as_text=True)
    assert "Money out: nest" in rules
    # The latest NEST payment was sorted as "other": the rule wins over that learning.
    session.rollback()  # a fresh snapshot: the app wrote in its own transactions
    imports.import_statement(session, w.account, b"Date,Description,Amount\n"
                             b"15/05/2026,NEST PENSIONS DD,-48.00\n", "may.csv")
    session.commit()
    new = session.scalar(select(Transaction).where(Transaction.date == date(2026, 5, 15)))
    assert new is not None and new.category == "employer_costs"


def test_organisation_rules_are_for_staff_only(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    w = holder_with_account(session)
    rep = create_user(session, w.org, "representative", name="Rita Rep")
    grant(session, w.holder, rep, "representative")
    session.add(SortingRule(organisation_id=w.org.id, pattern="HMRC", direction="out",
                            category="employer_costs"))
    session.commit()
    rule_id = session.scalar(select(SortingRule.id))
    sign_in(client, rep)
    page = client.get(f"/holders/{w.holder.id}/sorting-rules").get_data(as_text=True)
    assert "Everyone the organisation supports" in page and "/edit" not in page
    assert client.get(f"/holders/{w.holder.id}/sorting-rules/{rule_id}/edit").status_code == 403
    form = {"pattern": "NOW PENSIONS", "direction": "out", "category": "employer_costs",
            "budget_line": "", "scope": "organisation", "action": "save"}
    refused = post(client, f"/holders/{w.holder.id}/sorting-rules/new", form)
    assert refused.status_code == 400
    assert session.scalar(select(func.count()).select_from(SortingRule)) == 1
