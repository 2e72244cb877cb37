"""Forms: plain error messages with a summary, and nothing saved when anything is wrong."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from dpsupport.models import AuditEvent, BudgetLine, FundingAgreement, Transaction
from dpsupport.text import file_size, money, pounds_input
from dpsupport.web.forms import parse_money

from ..support.factories import create_holder, create_org, create_user, grant, post, sign_in


@pytest.mark.parametrize("text,pence", [
    ("12", 1200), ("12.5", 1250), ("£1,234.56", 123456), (" 0.01 ", 1), ("-3.20", -320),
])
def test_parse_money_reads_pounds_and_pence(text: str, pence: int) -> None:
    assert parse_money(text) == pence


@pytest.mark.parametrize("text", ["", "abc", "12.345", "1e3", "NaN", "£", "1.2.3"])
def test_parse_money_refuses_what_is_not_money(text: str) -> None:
    with pytest.raises(ValueError):
        parse_money(text)


def test_money_filter_formats_pence_and_refuses_float() -> None:
    assert money(123456) == "£1,234.56"
    assert money(-5) == "\u2212£0.05"  # one minus sign for money people read
    assert money(0) == "£0.00"
    assert money(250, signed=True) == "+£2.50"
    assert money(None) == ""
    with pytest.raises(TypeError):
        money(1.5)  # type: ignore[arg-type]
    assert pounds_input(-300) == "-3.00"  # typed back into a box: the keyboard's minus
    assert pounds_input(123456) == "1234.56"


@pytest.mark.parametrize(("size", "text"), [
    (0, "0 bytes"), (1, "1 byte"), (60, "60 bytes"), (1023, "1,023 bytes"),
    (1024, "1 KB"), (12 * 1024, "12 KB"), (1536 * 1024, "1.5 MB"), (5 * 1024 * 1024, "5 MB"),
])
def test_file_size_shows_small_files_in_bytes(size: int, text: str) -> None:
    assert file_size(size) == text


def _world(session):  # type: ignore[no-untyped-def]
    org = create_org(session)
    holder = create_holder(session, org)
    worker = create_user(session, org, "support_worker")
    grant(session, holder, worker, "support_worker")
    session.commit()
    return holder, worker


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    session.rollback()
    return session.scalar(select(func.count()).select_from(model))


def _error_summary_links(html: str) -> list[str]:
    summary = re.search(r'class="govuk-error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary"
    return re.findall(r'href="#([^"]+)"', summary.group(0))


def test_a_payment_with_no_date_and_a_bad_amount_is_not_saved(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker = _world(session)
    client = app.test_client()
    sign_in(client, worker)
    before, audits = _count(session, Transaction), _count(session, AuditEvent)
    response = post(client, f"/holders/{holder.id}/transactions/new", {
        "direction": "out", "date-day": "31", "date-month": "2", "date-year": "2026",
        "amount": "12.345", "payee": "Shop", "category": "other"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: " in html
    links = _error_summary_links(html)
    assert "date-day" in links and "amount" in links
    assert "The date must be a real date" in html
    assert "Enter the amount in pounds and pence, like 125.50" in html
    assert _count(session, Transaction) == before
    assert _count(session, AuditEvent) == audits  # nothing changed, nothing recorded


def test_a_payment_is_saved_with_its_sign_and_shows_up(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker = _world(session)
    client = app.test_client()
    sign_in(client, worker)
    response = post(client, f"/holders/{holder.id}/transactions/new", {
        "direction": "out", "date-day": "3", "date-month": "5", "date-year": "2026",
        "amount": "£1,042.10", "payee": "Corner shop", "category": "other"})
    assert response.status_code == 302
    session.rollback()
    tx = session.scalar(select(Transaction).where(Transaction.payee == "Corner shop"))
    assert tx is not None and tx.amount_pence == -104210 and str(tx.date) == "2026-05-03"
    listing = client.get(f"/holders/{holder.id}/transactions?q=corner").get_data(as_text=True)
    assert "Corner shop" in listing and "£1,042.10" in listing
    filtered = client.get(f"/holders/{holder.id}/transactions?direction=in").get_data(as_text=True)
    assert "Corner shop" not in filtered


def test_money_in_cannot_use_a_spending_only_rule_wrongly(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker = _world(session)
    client = app.test_client()
    sign_in(client, worker)
    before = _count(session, Transaction)
    response = post(client, f"/holders/{holder.id}/transactions/new", {
        "direction": "out", "date-day": "3", "date-month": "5", "date-year": "2026",
        "amount": "10", "category": "council_payment"})
    assert response.status_code == 400
    assert "That category is for money coming in" in response.get_data(as_text=True)
    assert _count(session, Transaction) == before


def test_a_plan_line_with_payments_cannot_be_removed(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker = _world(session)
    line = session.scalar(select(BudgetLine).where(BudgetLine.holder_id == holder.id))
    client = app.test_client()
    sign_in(client, worker)
    response = post(client, f"/holders/{holder.id}/plan/lines/{line.id}/delete")
    assert response.status_code == 400
    assert "1 payment is linked to this line" in response.get_data(as_text=True)
    assert _count(session, BudgetLine) == 1


def test_agreement_end_must_follow_start_and_nothing_changes(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, _worker = _world(session)
    officer = create_user(session, holder.organisation, "finance_officer")  # the funder's terms
    grant(session, holder, officer, "finance_officer")
    session.commit()
    client = app.test_client()
    sign_in(client, officer)
    response = post(client, f"/holders/{holder.id}/agreement/edit", {
        "funder": "", "scheme": "dp_england", "frequency": "monthly", "timing": "advance",
        "start_date-day": "1", "start_date-month": "6", "start_date-year": "2026",
        "end_date-day": "1", "end_date-month": "5", "end_date-year": "2026",
        "client_contribution": "0", "contribution_basis": "net", "contingency_reserve": "0",
        "surplus_threshold_weeks": "99", "opening_balance": "0"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The end date must be after the start date" in html
    assert "Enter a number of weeks from 0 to 52" in html
    assert "Enter who pays the direct payment" in html
    session.rollback()
    agreement = session.scalar(select(FundingAgreement))
    assert agreement.frequency == "four_weekly" and agreement.funder == "Test Council"


def test_a_receipt_must_really_be_a_picture_or_pdf(app, session) -> None:  # type: ignore[no-untyped-def]
    import io

    holder, worker = _world(session)
    tx = session.scalar(select(Transaction).where(Transaction.amount_pence < 0))
    client = app.test_client()
    sign_in(client, worker)
    response = post(client, f"/holders/{holder.id}/transactions/{tx.id}/attachments",
                    {"file": (io.BytesIO(b"MZ\x90\x00 not a picture"), "receipt.jpg")},
                    content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The selected file must be a PDF, JPEG, PNG or HEIC" in html
    assert _error_summary_links(html) == ["receipt-file"]
    session.rollback()
    assert not session.get(Transaction, tx.id).attachments


def test_whole_pounds_for_a_charts_scale() -> None:
    from dpsupport.text import whole_pounds

    assert whole_pounds(120000) == "£1,200"
    assert whole_pounds(-50000) == "\u2212£500"
    assert whole_pounds(199) == "£1"


def test_a_plan_line_may_give_its_hours_and_bad_hours_change_nothing(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker = _world(session)
    client = app.test_client()
    sign_in(client, worker)
    url = f"/holders/{holder.id}/plan/lines/new"
    bad = post(client, url, {"category": "pa_wages", "label": "Personal care",
                             "planned": "900.00", "hours": "twelve"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "govuk-error-summary" in page
    assert "Enter the hours as a number, like 12.5" in page
    assert _count(session, BudgetLine) == 1
    good = post(client, url, {"category": "pa_wages", "label": "Personal care",
                              "planned": "900.00", "hours": "56.5"})
    assert good.status_code == 302
    session.rollback()  # a fresh read after the request's commit
    line = session.scalar(select(BudgetLine).where(BudgetLine.label == "Personal care"))
    assert line is not None and line.planned_minutes == 56 * 60 + 30
    shown = client.get(f"/holders/{holder.id}/plan").get_data(as_text=True)
    assert "Pays for 56 hours 30 minutes of support each period" in shown
    form = client.get(f"/holders/{holder.id}/plan/lines/{line.id}/edit").get_data(as_text=True)
    assert 'value="56.5"' in form
