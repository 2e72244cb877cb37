"""The audit trail: append-only in the database itself, and readable on the history page."""

from __future__ import annotations

import json

import html5lib
import pytest
from sqlalchemy import Integer, String, create_engine, delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from dpsupport.models import (
    Account,
    AgreementAmount,
    AuditEvent,
    Base,
    BudgetLine,
    FundingAgreement,
    OneOffPayment,
    Transaction,
)
from dpsupport.models.base import SENSITIVE, Audited, sensitive
from dpsupport.services import audit

from ..support.factories import create_holder, create_org, create_user, post, sign_in
from ..support.scenario import World, build_world

NS = "{http://www.w3.org/1999/xhtml}"
REFUSED = "audit rows cannot be"


def _snapshot(app) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    with app.extensions["dpsupport.engine"].connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(AuditEvent.id, AuditEvent.actor_id, AuditEvent.actor_name, AuditEvent.action,
                   AuditEvent.before, AuditEvent.after).order_by(AuditEvent.id))]


@pytest.fixture
def trail(app, session: Session) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    """A few audit rows (the world's own records, plus a named one), as they are now."""
    build_world(session)
    with audit.acting_as(audit.Actor(None, "Test person")):
        audit.record(session, "signed_in", "app_user", entity_id="1", summary="original")
    session.commit()
    rows = _snapshot(app)
    assert len(rows) >= 3
    return rows


def _refused(exc: pytest.ExceptionInfo[DBAPIError]) -> None:
    assert REFUSED in str(exc.value.orig), str(exc.value.orig)


def test_orm_cannot_change_an_audit_row(app, session: Session, trail) -> None:  # type: ignore[no-untyped-def]
    event = session.scalars(select(AuditEvent).where(AuditEvent.summary == "original")).one()
    event.actor_name = "Someone else"
    event.summary = "rewritten"
    with pytest.raises(DBAPIError) as exc:
        session.commit()
    _refused(exc)
    session.rollback()
    assert _snapshot(app) == trail


def test_orm_cannot_delete_an_audit_row(app, session: Session, trail) -> None:  # type: ignore[no-untyped-def]
    event = session.scalars(select(AuditEvent).where(AuditEvent.summary == "original")).one()
    session.delete(event)
    with pytest.raises(DBAPIError) as exc:
        session.commit()
    _refused(exc)
    session.rollback()
    assert _snapshot(app) == trail


@pytest.mark.parametrize("statement", [
    update(AuditEvent).values(actor_name="Nobody"),
    update(AuditEvent).where(AuditEvent.summary == "original").values(summary="rewritten"),
    delete(AuditEvent),
    delete(AuditEvent).where(AuditEvent.summary == "original"),
], ids=["update-all", "update-one", "delete-all", "delete-one"])
def test_orm_bulk_statements_cannot_touch_the_trail(app, session: Session, trail,  # type: ignore[no-untyped-def]
                                                    statement) -> None:
    with pytest.raises(DBAPIError) as exc:
        session.execute(statement)
        session.commit()
    _refused(exc)
    session.rollback()
    assert _snapshot(app) == trail


@pytest.mark.parametrize("sql", [
    "UPDATE audit_event SET actor_name = 'Nobody'",
    "UPDATE audit_event SET before = NULL, after = NULL WHERE summary = 'original'",
    "DELETE FROM audit_event",
    "DELETE FROM audit_event WHERE summary = 'original'",
], ids=["update-all", "update-one", "delete-all", "delete-one"])
def test_raw_sql_cannot_touch_the_trail(app, trail, sql: str) -> None:  # type: ignore[no-untyped-def]
    engine = app.extensions["dpsupport.engine"]
    with pytest.raises(DBAPIError) as exc, engine.begin() as conn:
        conn.execute(text(sql))
    _refused(exc)
    assert _snapshot(app) == trail


def test_the_trail_still_accepts_new_rows(app, session: Session, trail) -> None:  # type: ignore[no-untyped-def]
    """Append-only, not read-only: the triggers must not stop the app recording things."""
    engine = app.extensions["dpsupport.engine"]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_event (at, actor_name, action, entity) "
                          "VALUES (CURRENT_TIMESTAMP, 'Raw insert', 'note', 'test')"))
    assert len(_snapshot(app)) == len(trail) + 1


# --- the history page -----------------------------------------------------------------------

def _text(el) -> str:  # type: ignore[no-untyped-def]
    return " ".join("".join(el.itertext()).split())


def _history_rows(client, holder_id: int) -> list[dict]:  # type: ignore[no-untyped-def, type-arg]
    """The history table, newest first: who, what, and {field: "before → after"}."""
    response = client.get(f"/holders/{holder_id}/history")
    assert response.status_code == 200
    doc = html5lib.parse(response.get_data(as_text=True))
    rows = []
    for tr in doc.iter(f"{NS}tr"):
        cells = list(tr.iter(f"{NS}td"))
        if not cells:
            continue
        changes = {}
        for pair in cells[2].iter(f"{NS}div"):
            key, value = pair.find(f"{NS}dt"), pair.find(f"{NS}dd")
            if key is not None and value is not None:
                changes[_text(key)] = _text(value)
        rows.append({"who": _text(cells[1]), "what": _text(cells[2]), "changes": changes})
    return rows


def _audit_rows(session: Session, world: World, entity: str) -> list[AuditEvent]:
    session.rollback()  # see what the app committed
    return list(session.scalars(select(AuditEvent).where(AuditEvent.holder_id == world.holder_id,
                                                         AuditEvent.entity == entity)
                                .order_by(AuditEvent.id)))


def test_history_shows_who_changed_what_with_before_and_after(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    worker = world.users["support_worker"]
    client = app.test_client()
    sign_in(client, worker)
    response = post(client, f"/holders/{world.holder_id}/plan/lines/{world.ids['line_id']}/edit",
                    data={"category": "respite", "label": "Short breaks", "planned": "15.50"})
    assert response.status_code == 302

    changed = [e for e in _audit_rows(session, world, "budget_line") if e.action == "changed"]
    assert len(changed) == 1
    assert (changed[0].actor_id, changed[0].actor_name) == (worker.id, "A support_worker")

    # The holder reads it on their own history page.
    holder_client = app.test_client()
    sign_in(holder_client, world.users["holder"])
    rows = _history_rows(holder_client, world.holder_id)
    newest = rows[0]
    assert newest["who"] == "A support_worker"
    assert newest["what"].startswith(
        "A support_worker changed the plan line “Short breaks” (£15.50 a payment period): "
        "name, category and planned each payment period.")
    # Only what changed is listed, each with its value before and after, in words.
    assert newest["changes"] == {
        "Category": "Other → changed to Respite and short breaks",
        "Name": "Spare → changed to Short breaks",
        "Planned each payment period": "£10.00 → changed to £15.50"}
    # Nobody is named for what they did not do: the worker for this change only, and the
    # holder, who only read the page, not at all.
    others = [(r["who"], r["what"]) for r in rows[1:]]
    assert not [o for o in others if o[0] in ("A support_worker", "A holder")], others


def test_history_shows_a_removed_record_with_its_old_values(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    client = app.test_client()
    sign_in(client, world.users["org_admin"])
    response = post(client,
                    f"/holders/{world.holder_id}/plan/lines/{world.ids['line_id']}/delete")
    assert response.status_code == 302
    session.rollback()
    assert session.get(BudgetLine, world.ids["line_id"]) is None
    newest = _history_rows(client, world.holder_id)[0]
    assert newest["who"] == "A org_admin"
    assert newest["what"].startswith("A org_admin removed the plan line “Spare”")
    assert newest["changes"]["Name"] == "Spare"
    assert newest["changes"]["Planned each payment period"] == "£10.00"
    assert not any("→" in v for v in newest["changes"].values())


def test_a_representative_is_recorded_under_their_own_name(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    world = build_world(session)
    rep, holder = world.users["representative"], world.users["holder"]
    client = app.test_client()
    sign_in(client, rep)
    response = post(client, f"/holders/{world.holder_id}/transactions/new",
                    data={"direction": "out", "date-day": "3", "date-month": "5",
                          "date-year": "2026", "amount": "12.34", "payee": "Chemist",
                          "category": "other", "budget_line": "", "note": ""})
    assert response.status_code == 302
    session.rollback()
    tx = session.scalars(select(Transaction).where(Transaction.payee == "Chemist")).one()

    created = [e for e in _audit_rows(session, world, "money_transaction")
               if e.action == "created" and e.entity_id == str(tx.id)]
    assert len(created) == 1
    assert created[0].actor_id == rep.id != holder.id
    assert created[0].actor_name == "A representative"
    # Nothing at all was recorded in the holder's name.
    assert not session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.actor_id == holder.id))

    holder_client = app.test_client()
    sign_in(holder_client, holder)
    newest = _history_rows(holder_client, world.holder_id)[0]
    assert newest["who"] == "A representative"
    assert newest["what"].startswith("A representative added a payment of £12.34 to Chemist")
    assert newest["changes"]["Paid to or from"] == "Chemist"
    assert newest["changes"]["Amount"] == "\u2212£12.34"
    assert newest["changes"]["Added by"] == "A representative"
    # The stored record keeps every column as it was, the id too.
    assert created[0].after is not None and f'"id": {tx.id}' in created[0].after


# --- which records are audited, and under whom ------------------------------------------------

def test_each_row_is_filed_under_its_holder_and_organisation(session: Session) -> None:  # type: ignore[no-untyped-def]
    """Through a parent (an agreement's amounts, added by id only), itself (a holder), or an
    organisation with no holder (the organisation, a membership)."""
    org = create_org(session, "Org A")
    holder = create_holder(session, org, "Alice Andrews")
    create_user(session, org, "org_admin")
    agreement = session.scalars(select(FundingAgreement)).one()
    session.add(OneOffPayment(agreement_id=agreement.id, date=agreement.start_date,
                              amount_pence=500, description="Set-up"))
    session.commit()
    agreement_id = agreement.id
    session.expunge_all()
    # A change and a removal through a parent that is not loaded yet.
    amount = session.scalars(select(AgreementAmount)).one()
    amount.amount_pence += 1
    session.delete(session.scalars(select(OneOffPayment)).one())
    session.commit()

    scopes: dict[str, set[tuple[str, int | None, int | None]]] = {}
    for e in session.scalars(select(AuditEvent)):
        scopes.setdefault(e.entity, set()).add((e.action, e.holder_id, e.organisation_id))
    filed = (holder.id, org.id)
    assert scopes["organisation"] == {("created", None, org.id)}
    assert scopes["membership"] == {("created", None, org.id)}
    assert scopes["holder"] == {("created", *filed)}
    assert scopes["agreement_amount"] == {("created", *filed), ("changed", *filed)}
    assert scopes["one_off_payment"] == {("created", *filed), ("deleted", *filed)}
    for entity in ("funding_agreement", "account", "budget_line", "money_transaction"):
        assert scopes[entity] == {("created", *filed)}, entity
    assert "app_user" not in scopes  # people's sign-in details are not audited rows
    assert session.get(FundingAgreement, agreement_id) is not None


def test_every_table_of_a_holders_records_is_audited() -> None:
    """A new table with a holder_id is audited unless it is named here with a reason."""
    not_audited = {
        "audit_event": "the trail itself",
        "pending_upload": "a preview for a day; uploading and cancelling are recorded",
        "holder_summary": "the caseload's figures, worked out again from audited records",
    }
    audited = {m.local_table.name for m in Base.registry.mappers if issubclass(m.class_, Audited)}
    holder_tables = {t.name for t in Base.metadata.tables.values() if "holder_id" in t.c}
    assert holder_tables - audited == set(not_audited)
    assert {"organisation", "membership", "holder", "agreement_amount",
            "one_off_payment"} <= audited
    # The old marker does nothing now: a model carrying it was meant to be audited.
    assert not [m.class_ for m in Base.registry.mappers if "__audited__" in vars(m.class_)]


# --- sensitive columns: never copied into the trail -------------------------------------------

class _OtherBase(DeclarativeBase):
    pass


class _Card(Audited, _OtherBase):
    """A model of this test only, whose sensitive column has an innocent name: the flag on
    the column, not its name, keeps the value out of the trail."""

    __tablename__ = "test_card"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nickname: Mapped[str | None] = mapped_column(String(50), info=sensitive())
    colour: Mapped[str] = mapped_column(String(20))


def _whole_trail(conn) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(" ".join(map(str, r)) for r in conn.execute(select(AuditEvent.__table__)))


def test_a_sensitive_column_is_recorded_only_as_changed() -> None:
    audit.install()
    engine = create_engine("sqlite://")
    AuditEvent.__table__.create(engine)
    _OtherBase.metadata.create_all(engine)
    with Session(engine) as s:
        card = _Card(nickname="Hunter Two", colour="red")
        s.add(card)
        s.commit()
        card.nickname, card.colour = "Swordfish", "blue"  # not read again since the commit
        s.commit()
        card.nickname = None  # only the sensitive column: still a row, saying it changed
        s.commit()
        s.delete(card)
        s.commit()
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        trail = _whole_trail(s.connection())
    assert "Hunter" not in trail and "Swordfish" not in trail, trail
    loaded = [(e.action, json.loads(e.before or "null"), json.loads(e.after or "null"))
              for e in events]
    assert loaded == [
        ("created", None, {"id": 1, "nickname": "(not recorded)", "colour": "red"}),
        ("changed", {"nickname": "(not recorded)", "colour": "red"},
         {"nickname": "changed", "colour": "blue"}),
        ("changed", {"nickname": "(not recorded)"}, {"nickname": "changed"}),
        ("deleted", {"id": 1, "nickname": None, "colour": "blue"}, None),
    ]
    engine.dispose()


def test_an_accounts_saved_column_choice_is_not_copied(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    org = create_org(session)
    create_holder(session, org)
    account = session.scalars(select(Account)).one()
    account.csv_mapping = '{"date": "Secret Column Name"}'
    session.commit()
    changed = session.scalars(select(AuditEvent).where(AuditEvent.entity == "account",
                                                       AuditEvent.action == "changed")).one()
    assert json.loads(changed.after or "") == {"csv_mapping": "changed"}
    with app.extensions["dpsupport.engine"].connect() as conn:
        assert "Secret Column Name" not in _whole_trail(conn)


SECRET_WORDS = ("password", "token", "hash", "secret", "ni_number", "national_insurance",
                "account_number", "sort_code", "iban")


def test_every_column_named_like_a_secret_is_flagged_sensitive() -> None:
    named = [(t.name, c.name) for t in Base.metadata.tables.values() for c in t.columns
             if any(word in c.name.lower() for word in SECRET_WORDS)]
    assert ("app_user", "password_hash") in named  # the check sees what it should
    unflagged = [f"{t}.{c}" for t, c in named
                 if not Base.metadata.tables[t].c[c].info.get(SENSITIVE)]
    assert not unflagged, f"flag these with info=sensitive(): {unflagged}"


def test_the_value_before_is_true_even_when_it_was_not_read_first(session: Session) -> None:  # type: ignore[no-untyped-def]
    """A rollback (as after a refused change) makes the session forget every value it read;
    changing one without reading it again must still record what it was, not "(empty)"."""
    holder = create_holder(session, create_org(session))
    holder.notes = "Prefers phone calls"
    session.commit()
    session.scalar(select(func.count()).select_from(AuditEvent))  # something read, then
    session.rollback()  # the rollback forgets every value read
    holder.notes = "Prefers letters"
    session.commit()
    changes = [(json.loads(e.before or ""), json.loads(e.after or ""))
               for e in session.scalars(select(AuditEvent).where(
                   AuditEvent.entity == "holder", AuditEvent.action == "changed")
                   .order_by(AuditEvent.id))]
    assert changes[-1] == ({"notes": "Prefers phone calls"}, {"notes": "Prefers letters"})
