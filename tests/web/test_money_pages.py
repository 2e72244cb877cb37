"""The money and budget pages, read as a person reads them (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from dpsupport.models import Account, Transaction

from ..support.factories import create_holder, create_org, create_user, grant, sign_in


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", BeautifulSoup(html, "html.parser").get_text(" "))


def _holder_client(app, session, start: date | None = None):  # type: ignore[no-untyped-def]
    org = create_org(session)
    holder = create_holder(session, org, start=start or date.today() - timedelta(days=10))
    user = create_user(session, org, "support_worker")
    grant(session, holder, user, "support_worker")
    session.commit()
    client = app.test_client()
    sign_in(client, user)
    return holder, client


def test_a_payment_before_the_agreement_is_in_the_balance_and_said(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, client = _holder_client(app, session)
    account = session.scalar(select(Account).where(Account.holder_id == holder.id))
    session.add(Transaction(holder_id=holder.id, account_id=account.id, date=date(1900, 11, 26),
                            amount_pence=-1000, payee="Corner shop", source="manual"))
    session.commit()
    listed = session.scalars(select(Transaction.amount_pence)
                             .where(Transaction.holder_id == holder.id)).all()
    page = client.get(f"/holders/{holder.id}").get_data(as_text=True)
    soup = BeautifulSoup(page, "html.parser")
    card = soup.find("h2", string="Balance today").find_parent("div")
    # Every listed payment counts: £1,000 in, £450 and £10 out, from an opening of £0.
    assert sum(listed) == 54000
    assert "£540.00" in card.get_text()
    text = _text(page)
    assert "1 payment is dated before your agreement started on" in text
    assert "(total −£10.00). It is counted in your balance." in text
    link = soup.find("a", string="See this payment")
    assert link is not None and "from=1900-11-26" in link["href"] and "to=1900-11-26" in link["href"]
    listing = _text(client.get(link["href"]).get_data(as_text=True))
    assert "Corner shop" in listing
