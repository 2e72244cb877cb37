"""The caseload: ranked by need with reasons in words, kept up to date, paged, and its cost
independent of how many holders and payments there are."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from dpsupport.models import HolderSummary, Transaction
from dpsupport.services import caseload, records
from dpsupport.services.demo_large import build_large_organisation
from tests.support.factories import create_holder, create_org, create_user, grant, post, sign_in

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(caseload, "today", lambda: TODAY)


def _people(session):  # type: ignore[no-untyped-def]
    org = create_org(session)
    officer = create_user(session, org, "finance_officer", name="Fin Officer")
    fine = create_holder(session, org, "Ann Fine", start=dt.date(2026, 10, 30), amount=200000)
    broke = create_holder(session, org, "Bob Broke", start=dt.date(2026, 10, 30))
    quiet = create_holder(session, org, "Cat Quiet", start=dt.date(2026, 4, 6))
    for h in (fine, broke, quiet):
        grant(session, h, officer, "finance_officer")
    account = records.main_account(session, broke)
    session.add(Transaction(holder_id=broke.id, account_id=account.id, date=TODAY,
                            amount_pence=-120000, payee="Big bill", category="other"))
    session.commit()
    caseload.refresh_all(session, on=TODAY)
    return org, officer, fine, broke, quiet


def test_ranked_by_need_with_reasons_in_words(session) -> None:  # type: ignore[no-untyped-def]
    _org, officer, fine, broke, quiet = _people(session)
    page = caseload.caseload(session, officer, TODAY)
    names = [r.name for r in page.rows]
    assert names[0] == "Bob Broke"
    top = page.rows[0]
    assert top.reasons[0].words == "Overdrawn by £650.00"
    assert top.reasons[0].severity == "urgent"
    assert top.score == sum(r.points for r in top.reasons)
    # Cat's last payment was on 6 April: a gap, older and so higher than nothing at all
    cat = next(r for r in page.rows if r.name == "Cat Quiet")
    assert "No statement or payment since 6 April" in " ".join(r.words for r in cat.reasons)
    ann = next(r for r in page.rows if r.name == "Ann Fine")
    assert ann.no_action and ann.score == 0
    assert names.index("Cat Quiet") < names.index("Ann Fine")


def test_a_payment_updates_the_summary_in_the_same_transaction(session) -> None:  # type: ignore[no-untyped-def]
    _org, officer, fine, _broke, _quiet = _people(session)
    before = session.get(HolderSummary, fine.id)
    assert before is not None and before.balance_pence == 155000
    records.save_transaction(session, fine, None, when=TODAY, amount_pence=-160000,
                             category="other", budget_line_id=None, payee="Roof",
                             note=None)
    session.expire_all()
    after = session.get(HolderSummary, fine.id)
    assert after is not None and after.balance_pence == -5000 and after.state == "overdrawn"
    assert caseload.caseload(session, officer, TODAY).rows[0].name in {"Ann Fine", "Bob Broke"}


def test_a_stale_row_is_worked_out_for_today(session) -> None:  # type: ignore[no-untyped-def]
    _org, officer, fine, _broke, _quiet = _people(session)
    row = session.get(HolderSummary, fine.id)
    row.as_of = TODAY - dt.timedelta(days=3)
    row.balance_pence = 1
    session.commit()
    found = next(r for r in caseload.caseload(session, officer, TODAY).rows
                 if r.name == "Ann Fine")
    assert found.balance_pence == 155000


def test_filters_search_and_only_visible_holders(session) -> None:  # type: ignore[no-untyped-def]
    org, officer, fine, broke, _quiet = _people(session)
    other_org = create_org(session, "Elsewhere")
    create_holder(session, other_org, "Zed Elsewhere")
    worker = create_user(session, org, "support_worker", name="Sam")
    grant(session, fine, worker, "support_worker")
    fine.support_worker_id = worker.id
    session.commit()
    caseload.refresh_all(session, on=TODAY)
    assert {r.name for r in caseload.caseload(session, officer, TODAY).rows} == {
        "Ann Fine", "Bob Broke", "Cat Quiet"}
    assert [r.name for r in caseload.caseload(session, officer, TODAY,
                                              filters=["needs_action"]).rows] == [
        "Bob Broke", "Cat Quiet"]
    assert [r.name for r in caseload.caseload(session, officer, TODAY, search="bRo").rows] == [
        "Bob Broke"]
    assert [r.name for r in caseload.caseload(session, officer, TODAY, search="%").rows] == []
    assert [r.name for r in caseload.caseload(session, worker, TODAY, filters=["mine"]).rows] == [
        "Ann Fine"]


def test_paging_and_statements_do_not_grow_with_holders(session, app) -> None:  # type: ignore[no-untyped-def]
    built = build_large_organisation(session, 60, today=TODAY, seed=7)
    session.commit()
    caseload.refresh_all(session, on=TODAY)
    from dpsupport.models import User

    officer = session.scalars(select(User).where(User.email == built.finance_officer)).one()
    engine = session.get_bind()
    counted: list[str] = []

    def count(*_args: object) -> None:
        counted.append("x")

    event.listen(engine, "before_cursor_execute", count)
    try:
        first = caseload.caseload(session, officer, TODAY, per_page=25)
        statements_60 = len(counted)
        assert first.total == 60 and first.pages == 3 and len(first.rows) == 25
        scores = [r.score for r in first.rows]
        assert scores == sorted(scores, reverse=True)
        third = caseload.caseload(session, officer, TODAY, page=9)
        assert third.page == 3 and len(third.rows) == 10
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert statements_60 <= 4, statements_60


def test_the_page_shows_reasons_and_points(app, session, client) -> None:  # type: ignore[no-untyped-def]
    _org, officer, *_ = _people(session)
    sign_in(client, officer)
    page = client.get("/holders").get_data(as_text=True)
    assert "Overdrawn by £650.00" in page
    assert "No action needed" in page
    assert "Why Bob Broke is here" in page
    page = client.get("/holders?show=needs_action&q=cat").get_data(as_text=True)
    assert "Cat Quiet" in page and "Bob Broke" not in page
    assert post(client, "/holders").status_code in (405, 400)
