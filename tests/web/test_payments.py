"""Payments typed by hand: dates within the agreement, categories that fit the direction of
the money (issue 11.11), removing asks first (11.13), receipts show their real size (11.15)."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from dpsupport.models import Attachment, AuditEvent, Transaction
from dpsupport.services import records

from ..support.factories import create_holder, create_org, create_user, grant, post, sign_in
from ..support.scenario import PNG

TABLE = Transaction.__tablename__


def _world(session):  # type: ignore[no-untyped-def]
    org = create_org(session)
    holder = create_holder(session, org)  # agreement from 6 April 2026, no end
    worker = create_user(session, org, "support_worker")
    grant(session, holder, worker, "support_worker")
    session.commit()
    return holder, worker


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    session.rollback()
    return session.scalar(select(func.count()).select_from(model))


def _payment(day: int, month: int, year: int, **extra: str) -> dict[str, str]:
    return {"direction": "out", "date-day": str(day), "date-month": str(month),
            "date-year": str(year), "amount": "10", "payee": "Shop", "category": "other",
            **extra}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def test_a_payment_dated_before_the_agreement_is_refused_with_its_dates(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker = _world(session)
    client = app.test_client()
    sign_in(client, worker)
    before = _count(session, Transaction)
    response = post(client, f"/holders/{holder.id}/transactions/new", _payment(1, 1, 1900))
    assert response.status_code == 400
    text = _text(response.get_data(as_text=True))
    assert "Enter a date within the funding agreement, which runs from 6 April 2026" in text
    assert 'href="#date-day"' in response.get_data(as_text=True)  # linked to the date
    assert _count(session, Transaction) == before
    ok = post(client, f"/holders/{holder.id}/transactions/new", _payment(6, 4, 2026))
    assert ok.status_code == 302


def test_changing_a_statement_payment_keeps_its_bank_date(app, session) -> None:  # type: ignore[no-untyped-def]
    """The date check is on dates that are typed: a payment from before the agreement that
    came in with a statement can still be sorted."""
    holder, worker = _world(session)
    tx = session.scalar(select(Transaction).where(Transaction.amount_pence < 0))
    tx.date = tx.date.replace(year=2025)
    session.commit()
    client = app.test_client()
    sign_in(client, worker)
    response = post(client, f"/holders/{holder.id}/transactions/{tx.id}/edit",
                    _payment(tx.date.day, tx.date.month, tx.date.year, category="equipment"))
    assert response.status_code == 302
    session.rollback()
    session.expire_all()
    assert session.get(Transaction, tx.id).category == "equipment"


def test_money_in_cannot_be_sorted_as_spending_unless_it_is_money_back(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker = _world(session)
    client = app.test_client()
    sign_in(client, worker)
    url = f"/holders/{holder.id}/transactions/new"
    before = _count(session, Transaction)
    wages = post(client, url, _payment(1, 5, 2026, direction="in", category="pa_wages"))
    assert wages.status_code == 400
    assert ("'Money out: Personal assistant wages' is for money going out"
            in _text(wages.get_data(as_text=True)))
    other = post(client, url, _payment(1, 5, 2026, direction="in", category="refund:other"))
    assert other.status_code == 400  # not a choice: "Other money in" is
    back_out = post(client, url, _payment(1, 5, 2026, category="refund:equipment"))
    assert back_out.status_code == 400
    assert "Money back on spending is money in" in _text(back_out.get_data(as_text=True))
    assert _count(session, Transaction) == before
    refund = post(client, url, _payment(1, 5, 2026, direction="in", payee="Mobility shop",
                                        category="refund:equipment"))
    assert refund.status_code == 302
    session.rollback()
    tx = session.scalar(select(Transaction).where(Transaction.payee == "Mobility shop"))
    assert tx.amount_pence == 1000 and tx.category == "equipment"
    page = _text(client.get(f"/holders/{holder.id}/transactions/{tx.id}").get_data(as_text=True))
    assert "Money back on: Equipment" in page
    form = client.get(f"/holders/{holder.id}/transactions/{tx.id}/edit").get_data(as_text=True)
    assert re.search(r'<option value="refund:equipment" selected>', form)


def test_the_category_rule() -> None:
    records.check_category("equipment", 500)  # money back on equipment
    records.check_category("council_payment", 500)
    records.check_category("pa_wages", -500)
    for category, pence in (("council_payment", -500), ("other", 500), ("nonsense", -1)):
        try:
            records.check_category(category, pence)
        except records.RecordError as err:
            assert err.field == "category"
        else:
            raise AssertionError(f"{category} {pence} should be refused")


def test_removing_a_payment_asks_first_then_removes_it_and_its_receipts(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker = _world(session)
    tx = session.scalar(select(Transaction).where(Transaction.amount_pence < 0))
    tx.source = "manual"
    records.add_attachment(session, holder, tx, "till.png", PNG)  # commits
    client = app.test_client()
    sign_in(client, worker)
    url = f"/holders/{holder.id}/transactions/{tx.id}/delete"
    edit = client.get(f"/holders/{holder.id}/transactions/{tx.id}/edit").get_data(as_text=True)
    assert f'href="{url}"' in edit  # a link to the question, not a button that removes
    ask = client.get(url)
    assert ask.status_code == 200
    text = _text(ask.get_data(as_text=True))
    assert "Are you sure you want to remove this payment?" in text
    assert "its receipt: till.png" in text and "Who changed what" in text
    assert _count(session, Transaction) == 2 and _count(session, Attachment) == 1
    done = post(client, url)
    assert done.status_code == 302
    assert _count(session, Transaction) == 1 and _count(session, Attachment) == 0
    history = session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == TABLE, AuditEvent.action == "deleted"))
    assert history == 1


def test_a_statement_payment_cannot_be_removed_on_its_own(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker = _world(session)
    tx = session.scalar(select(Transaction).where(Transaction.amount_pence < 0))
    tx.source = "import"
    session.commit()
    client = app.test_client()
    sign_in(client, worker)
    url = f"/holders/{holder.id}/transactions/{tx.id}/delete"
    assert "undo the whole statement import" in client.get(url).get_data(as_text=True)
    refused = post(client, url)
    assert refused.status_code == 400
    assert "undo the whole statement import" in refused.get_data(as_text=True)
    assert _count(session, Transaction) == 2


def test_a_small_receipt_shows_its_size_in_bytes(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker = _world(session)
    tx = session.scalar(select(Transaction).where(Transaction.amount_pence < 0))
    client = app.test_client()
    sign_in(client, worker)
    data = b"\x89PNG\r\n\x1a\n" + b"\x00" * 52  # 60 bytes
    response = post(client, f"/holders/{holder.id}/transactions/{tx.id}/attachments",
                    {"file": (io.BytesIO(data), "tiny.png")}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = _text(client.get(f"/holders/{holder.id}/transactions/{tx.id}").get_data(as_text=True))
    assert "tiny.png (60 bytes)" in page and "0 KB" not in page
    assert "A PDF, JPEG, PNG or HEIC file, like a photo of a receipt, smaller than 5 MB" in page


def test_messages_name_the_field_and_say_how_to_put_it_right(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, worker = _world(session)
    client = app.test_client()
    sign_in(client, worker)
    response = post(client, f"/holders/{holder.id}/transactions/new",
                    _payment(1, 5, 2026, payee="x" * 201, direction="sideways",
                             category="nonsense"))
    assert response.status_code == 400
    text = _text(response.get_data(as_text=True))
    assert "Enter a name for the payee that is 200 characters or fewer" in text
    assert "Select whether the money came in or went out" in text
    assert "Select a category from the list" in text
    assert "Not a valid choice" not in text and "Field cannot be longer" not in text
