"""The payments list costs the same number of database queries for 3 rows as for 40:
receipts are loaded together, not one query per row."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event, select

from dpsupport.models import Account, Attachment, Transaction

from ..support.factories import create_holder, create_org, create_user, grant, sign_in


def _queries_for(app, client, url: str) -> int:  # type: ignore[no-untyped-def]
    engine = app.extensions["dpsupport.engine"]
    seen: list[str] = []

    def count(*_args) -> None:  # type: ignore[no-untyped-def]
        seen.append("q")

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(seen)


def test_payments_list_queries_do_not_grow_with_rows(app, session) -> None:  # type: ignore[no-untyped-def]
    org = create_org(session)
    worker = create_user(session, org, "support_worker")
    holder = create_holder(session, org)
    grant(session, holder, worker, "support_worker")
    account = session.scalar(select(Account).where(Account.holder_id == holder.id))
    session.commit()
    client = app.test_client()
    sign_in(client, worker)
    url = f"/holders/{holder.id}/transactions"

    def add(n: int) -> None:
        for i in range(n):
            tx = Transaction(holder_id=holder.id, account_id=account.id,
                             date=date(2026, 5, 1 + i % 28), amount_pence=-100 - i,
                             payee=f"Shop {i}", category="other")
            session.add(tx)
            session.flush()
            session.add(Attachment(transaction_id=tx.id, holder_id=holder.id,
                                   filename="r.png", content_type="image/png",
                                   size_bytes=1, sha256="0" * 64))
        session.commit()

    add(1)
    few = _queries_for(app, client, url)
    add(39)
    many = _queries_for(app, client, url)
    assert many == few
    page = client.get(url).get_data(as_text=True)
    assert page.count("(receipt)") == 40
