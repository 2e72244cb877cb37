"""The "Who changed what" page in words: sentences people understand, details underneath,
no column names, internal keys or private values. On both databases."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from dpsupport.models import Account, Transaction
from dpsupport.services import employment, imports, records
from dpsupport.services.audit import Actor, acting_as

from ..support.factories import create_holder, create_org, create_user, grant, post, sign_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
STATEMENT = (b"Date,Description,Amount,Balance\n"
             b"01/05/2026,NORTHSHIRE COUNCIL DP,1000.00,1000.00\n")


def test_the_history_page_reads_as_sentences(app, session) -> None:  # type: ignore[no-untyped-def]
    org = create_org(session)
    holder = create_holder(session, org, "Margaret Hill")
    helen = create_user(session, org, "representative", name="Helen Hill")
    grant(session, holder, helen, "representative")
    officer = create_user(session, org, "finance_officer", name="Fran Officer")
    grant(session, holder, officer, "finance_officer")
    session.commit()
    account = session.scalars(select(Account)).one()
    tx = session.scalars(select(Transaction).where(Transaction.amount_pence < 0)).one()
    with acting_as(Actor(helen.id, helen.name)):
        imports.import_statement(session, account, STATEMENT, "may.csv")
        records.add_attachment(session, holder, tx, "receipt.png", PNG)
        employment.add_employment(session, holder, employment.EmploymentInput(
            name="Sally Pope", date_of_birth=date(1990, 3, 1), ni_number="AB123456C",
            address="1 High Street", start_date=date(2026, 4, 6), leaving_date=None,
            starter_statement="A", tax_code=None, ni_category=None, student_loan_plan=None,
            postgraduate_loan=False, close_relative_in_household=False,
            council_approval_reference=None))
        session.commit()
    client = app.test_client()
    sign_in(client, officer)
    assert post(client, f"/holders/{holder.id}/agreement/one-off", {
        "oneoff-date-day": "1", "oneoff-date-month": "6", "oneoff-date-year": "2026",
        "oneoff-amount": "250", "oneoff-description": "Ramp"}).status_code == 302
    client = app.test_client()
    sign_in(client, helen)
    assert post(client, f"/holders/{holder.id}/transactions/new", {
        "direction": "out", "date-day": "3", "date-month": "5", "date-year": "2026",
        "amount": "40", "payee": "Tesco", "category": "other", "budget_line": "",
        "note": ""}).status_code == 302
    html = client.get(f"/holders/{holder.id}/history").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")
    for sentence in (
            "Helen Hill added a payment of £40.00 to Tesco on 3 May, sorted as Other.",
            "Fran Officer added a one-off payment of £250.00 on 1 June for Ramp.",
            "Helen Hill added a receipt receipt.png to the payment of £450.00 to A Patel",
            "Helen Hill added a personal assistant Sally Pope.",
            "Helen Hill imported may.csv",
            "added the funding agreement with Test Council."):
        assert sentence in text, sentence
    main = text.split("Who changed what", 1)[1]
    for raw in ("_pence", "_id", "sha256", "dedupe", "match_key", "Created payment",
                "money transaction", "AB123456C", "High Street", "(not recorded)"):
        assert raw not in main, raw
    assert "National Insurance number private, not shown here" in main
