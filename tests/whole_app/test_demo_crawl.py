"""Sign in as each demo user and follow every link: no error page, and nobody reaches a
holder they were not granted."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from dpsupport.models import User
from dpsupport.services.access import visible_holders
from dpsupport.services.demo import DEMO_PASSWORD, DEMO_SIGN_INS, load_demo

from ..support.factories import sign_in

PER_ENDPOINT = 3  # enough to exercise each page; every page is also checked by pagecheck


def _endpoint(app, path: str) -> str:  # type: ignore[no-untyped-def]
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(path)
    except Exception:
        return path
    return endpoint


@pytest.mark.parametrize("who", [d.email for d in DEMO_SIGN_INS])
def test_every_link_works_and_stays_within_grants(app, session, who: str) -> None:
    load_demo(session)
    session.commit()
    user = session.scalar(select(User).where(User.email == who))
    allowed = {h.id for h in session.scalars(visible_holders(user))}
    assert allowed, "every demo user can see someone"

    client = app.test_client()
    sign_in(client, user, DEMO_PASSWORD)
    seen: set[str] = set()
    per_endpoint: dict[str, int] = {}
    todo = ["/"]
    holders_reached: set[int] = set()
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, f"{who}: {path} gave {response.status_code}"
        if response.mimetype != "text/html":  # a download (a spreadsheet, a receipt)
            continue
        body = response.get_data(as_text=True)
        assert "Sorry, something went wrong" not in body
        final = response.request.path
        match = re.match(r"/holders/(\d+)", final)
        if match:
            holders_reached.add(int(match.group(1)))
        for href in re.findall(r'href="([^"#]+)"', body):
            href = href.replace("&amp;", "&")
            parts = urlsplit(href)
            if parts.netloc or not href.startswith("/") or href.startswith("/static/"):
                continue
            endpoint = _endpoint(app, parts.path)
            if per_endpoint.get(endpoint, 0) >= PER_ENDPOINT or href in seen:
                continue
            per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
            todo.append(href)
    assert holders_reached <= allowed, f"{who} reached holders {holders_reached - allowed}"
    assert holders_reached == allowed, f"{who} could not reach {allowed - holders_reached}"
    assert len(seen) > 5


def test_the_demo_shows_a_statement_import(app, session) -> None:  # type: ignore[no-untyped-def]
    """Helen uploaded Margaret's latest Nationwide statement: it was read with the
    Nationwide profile and adds up; payees she had sorted before are sorted the same way,
    and a shop she had not paid before is left for her to sort."""
    from datetime import date

    from dpsupport.models import Holder, StatementImport, Transaction

    today = date(2026, 11, 23)
    load_demo(session, today)
    session.commit()
    record = session.scalar(select(StatementImport))
    assert record is not None
    margaret = session.get(Holder, record.holder_id)
    helen = session.get(User, record.uploaded_by_id)
    assert margaret is not None and margaret.name == "Margaret Hill"
    assert helen is not None and helen.name.startswith("Helen")
    assert record.file_format == "csv:nationwide" and record.rejected_count == 0
    assert record.balance_check and record.balance_check.startswith("This statement adds up")
    assert record.statement_start == date(2026, 10, 5) and record.new_count == 9
    lines = session.scalars(select(Transaction).where(Transaction.import_id == record.id)
                            .order_by(Transaction.date)).all()
    assert all(t.raw and t.running_balance_pence is not None for t in lines)
    unsorted = [t.payee for t in lines if t.category is None]
    assert unsorted == ["TESCO STORES 2231"]
    care = [t for t in lines if t.payee == "BRIGHTSIDE CARE LTD"]
    assert care and all(t.category == "agency_care" and t.budget_line_id for t in care)
    # nothing typed by hand overlaps the statement (no payment is there twice)
    assert not session.scalar(select(Transaction.id).where(
        Transaction.holder_id == margaret.id, Transaction.source == "manual",
        Transaction.date >= record.statement_start))
