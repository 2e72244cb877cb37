"""An organisation admin's changes (services/organisation.py) and who sees which holder
across organisations (services/access.py): a council's finance officer sees the holders the
council funds and nothing else; a support worker sees their own organisation's holders they
are given; adding a holder is all or nothing; taking access away ends sessions at once."""

from __future__ import annotations

import secrets
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dpsupport.errors import UserError
from dpsupport.models import (
    AgreementAmount,
    AuditEvent,
    BudgetLine,
    FundingAgreement,
    Holder,
    HolderAccess,
    HolderSummary,
    Membership,
    UserSession,
)
from dpsupport.services import organisation
from dpsupport.services.access import role_for_holder, visible_holders, who_can_see
from dpsupport.services.agreements import AgreementDetails
from dpsupport.services.audit import Actor, acting_as
from dpsupport.services.caseload import caseload
from dpsupport.services.plan import LineDetails

from ..support.factories import create_holder, create_org, create_user, grant


def _names(session: Session, user) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.name for h in session.scalars(visible_holders(user))]


def _world(session: Session):  # type: ignore[no-untyped-def]
    ulo, other_ulo = create_org(session, "Riverside ULO"), create_org(session, "Hillside ULO")
    council = create_org(session, "Northshire Council", kind="council")
    elsewhere = create_org(session, "Southshire Council", kind="council")
    funded_here = create_holder(session, ulo, "Ann Funded")
    funded_there = create_holder(session, other_ulo, "Ben Funded")
    not_funded = create_holder(session, ulo, "Cat Elsewhere")
    other_council = create_holder(session, other_ulo, "Dan Southern")
    for holder in (funded_here, funded_there):
        holder.funder_organisation_id = council.id
    other_council.funder_organisation_id = elsewhere.id
    officer = create_user(session, council, "finance_officer", name="Fay Council")
    session.flush()
    return ulo, council, officer, funded_here, funded_there, not_funded


def test_a_councils_finance_officer_sees_exactly_the_holders_it_funds(session) -> None:  # type: ignore[no-untyped-def]
    ulo, council, officer, funded_here, funded_there, not_funded = _world(session)
    # a grant on a holder the council does not fund gives nothing: they are not on that
    # organisation's staff
    grant(session, not_funded, officer, "finance_officer")
    session.commit()
    assert _names(session, officer) == ["Ann Funded", "Ben Funded"]
    for holder in (funded_here, funded_there):
        found = role_for_holder(session, officer, holder.id)
        assert found is not None and found[1] == "finance_officer"
    assert role_for_holder(session, officer, not_funded.id) is None
    page = caseload(session, officer, date(2026, 5, 1))
    assert sorted(r.name for r in page.rows) == ["Ann Funded", "Ben Funded"]
    # the council's admin is not a finance officer: funding gives them nothing
    council_admin = create_user(session, council, "org_admin", name="Cal Admin")
    assert _names(session, council_admin) == []
    # who can see Ann: the council's finance officer, by their role
    viewers = {v.name: v for v in who_can_see(session, funded_here)}
    assert viewers["Fay Council"].role == "finance_officer"
    assert viewers["Fay Council"].access_id is None
    assert "Northshire Council" in viewers["Fay Council"].why


def test_a_support_worker_sees_only_their_organisations_holders_they_are_given(session) -> None:  # type: ignore[no-untyped-def]
    ulo, council, officer, funded_here, funded_there, not_funded = _world(session)
    worker = create_user(session, ulo, "support_worker", name="Sam Worker")
    grant(session, funded_here, worker, "support_worker")
    grant(session, funded_there, worker, "support_worker")  # Hillside's holder: not theirs
    session.commit()
    assert _names(session, worker) == ["Ann Funded"]
    assert role_for_holder(session, worker, funded_there.id) is None
    assert role_for_holder(session, worker, not_funded.id) is None
    # a representative needs no membership: the grant is for them
    rep = create_user(session, council, "representative", name="Rob Relative")
    grant(session, funded_there, rep, "representative")
    assert _names(session, rep) == ["Ben Funded"]


def _agreement(**changes) -> AgreementDetails:  # type: ignore[no-untyped-def]
    values = dict(funder="Northshire Council", scheme="dp_england", option4_split=None,
                  frequency="four_weekly", timing="advance", start_date=date(2026, 4, 6),
                  end_date=None, client_contribution_pence=0, contribution_basis="net",
                  contingency_reserve_pence=0, surplus_threshold_weeks=8,
                  opening_balance_pence=0, first_review_date=None, amount_pence=120000)
    values.update(changes)
    return AgreementDetails(**values)  # type: ignore[arg-type]


def _new(**changes) -> organisation.NewHolder:  # type: ignore[no-untyped-def]
    values = dict(name="  Nell   New ", preferred_name="Nell", date_of_birth=date(1950, 3, 3),
                  nation="wales", support_worker_id=None, funder_organisation_id=None)
    values.update(changes)
    return organisation.NewHolder(**values)  # type: ignore[arg-type]


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(model)) or 0
                 for model in (Holder, FundingAgreement, AgreementAmount, BudgetLine,
                               HolderAccess))


def test_adding_a_holder_is_all_or_nothing(session) -> None:  # type: ignore[no-untyped-def]
    ulo = create_org(session)
    council = create_org(session, "Northshire Council", kind="council")
    other = create_org(session, "Hillside ULO")
    admin = create_user(session, ulo, "org_admin", name="Ada Admin")
    worker = create_user(session, ulo, "support_worker", name="Sam Worker")
    stranger = create_user(session, other, "support_worker", name="Not Ours")
    session.commit()
    before = _counts(session)
    good = [LineDetails("pa_wages", "PA wages", 90000)]
    refused = [
        # a plan line that cannot be saved comes after the holder and agreement were written
        (_new(), _agreement(), [*good, LineDetails("nonsense", "x", 1)], "category"),
        (_new(), _agreement(amount_pence=None), good, "amount"),
        (_new(support_worker_id=stranger.id), _agreement(), good, "support_worker"),
        (_new(funder_organisation_id=other.id), _agreement(), good, "funder_organisation"),
        (_new(name="   "), _agreement(), good, "name"),
    ]
    with acting_as(Actor(admin.id, admin.name)):
        for details, agreement, lines, field in refused:
            with pytest.raises(UserError) as err:
                organisation.add_holder(session, ulo, admin, details, agreement, lines)
            assert err.value.field == field
            assert _counts(session) == before, field
        holder = organisation.add_holder(
            session, ulo, admin, _new(support_worker_id=worker.id,
                                      funder_organisation_id=council.id),
            _agreement(funder=""), good)
    session.expire_all()
    assert holder.name == "Nell New" and holder.nation == "wales"
    assert holder.support_worker_id == worker.id
    agreement = session.scalars(select(FundingAgreement)
                                .where(FundingAgreement.holder_id == holder.id)).one()
    assert agreement.funder == "Northshire Council"  # the council's name when none typed
    assert [a.amount_pence for a in agreement.amounts] == [120000]
    assert session.scalars(select(BudgetLine.label)
                           .where(BudgetLine.holder_id == holder.id)).all() == ["PA wages"]
    assert session.scalars(select(HolderAccess.role).where(
        HolderAccess.holder_id == holder.id, HolderAccess.user_id == worker.id)).all() == [
        "support_worker"]
    # in the caseload at once: its figures were worked out in the same transaction
    assert session.get(HolderSummary, holder.id) is not None
    assert [r.name for r in caseload(session, worker, date(2026, 5, 1)).rows] == ["Nell New"]
    audited = session.scalars(select(AuditEvent.entity).where(
        AuditEvent.holder_id == holder.id, AuditEvent.actor_id == admin.id)).all()
    assert {"holder", "funding_agreement", "budget_line", "holder_access"} <= set(audited)


def create_session(session: Session, user) -> None:  # type: ignore[no-untyped-def]
    """A signed-in browser (as signing in makes one)."""
    session.add(UserSession(token_hash=secrets.token_hex(32), user_id=user.id))
    session.flush()


def _live_sessions(session: Session, user_id: int) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None))) or 0


def test_removing_staff_takes_every_grant_here_and_ends_their_sessions(session) -> None:  # type: ignore[no-untyped-def]
    ulo, other = create_org(session), create_org(session, "Hillside ULO")
    admin = create_user(session, ulo, "org_admin", name="Ada Admin")
    worker = create_user(session, ulo, "support_worker", name="Sam Worker")
    ours, theirs = create_holder(session, ulo, "Ann Ours"), create_holder(session, other, "Ben")
    ours.support_worker_id = worker.id
    grant(session, ours, worker, "support_worker")
    grant(session, theirs, worker, "representative")  # Sam is Ben's son, elsewhere
    session.commit()
    create_session(session, worker)
    create_session(session, worker)
    session.commit()
    assert _live_sessions(session, worker.id) == 2
    with acting_as(Actor(admin.id, admin.name)):
        with pytest.raises(UserError, match="yourself"):
            organisation.remove_staff(session, ulo, admin, admin.id)
        with pytest.raises(UserError, match="not on your staff"):
            organisation.remove_staff(session, other, admin, worker.id)
        organisation.remove_staff(session, ulo, admin, worker.id)
    assert _live_sessions(session, worker.id) == 0
    assert session.scalar(select(Membership).where(Membership.user_id == worker.id)) is None
    assert session.scalars(select(HolderAccess.holder_id)
                           .where(HolderAccess.user_id == worker.id)).all() == [theirs.id]
    assert session.get(Holder, ours.id).support_worker_id is None  # type: ignore[union-attr]
    assert _names(session, worker) == ["Ben"]
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "staff_removed",
                                                   AuditEvent.actor_id == admin.id))


def test_taking_access_away_and_changing_authority(session) -> None:  # type: ignore[no-untyped-def]
    ulo = create_org(session)
    admin = create_user(session, ulo, "org_admin", name="Ada Admin")
    holder, other = create_holder(session, ulo, "Ann"), create_holder(session, ulo, "Bea")
    rep = create_user(session, ulo, "representative", name="Rita Relative")
    grant(session, holder, rep, "representative")
    grant(session, other, rep, "representative")
    session.commit()
    create_session(session, rep)
    session.commit()
    access = session.scalars(select(HolderAccess).where(HolderAccess.holder_id == holder.id)
                             ).one()
    elsewhere = session.scalars(select(HolderAccess).where(HolderAccess.holder_id == other.id)
                                ).one()
    assert organisation.holder_grant(session, holder, elsewhere.id) is None  # scoped
    with acting_as(Actor(admin.id, admin.name)):
        with pytest.raises(UserError, match="kind of authority"):
            organisation.change_authority(session, holder, access, "cousin")
        organisation.change_authority(session, holder, access, "deputy")
        assert access.representative_type == "deputy"
        organisation.remove_access(session, holder, access, admin)
    # signed out at once, though Bea's records are still theirs to see after signing in
    assert _live_sessions(session, rep.id) == 0
    assert _names(session, rep) == ["Bea"]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "access_removed"))
    assert event is not None and event.holder_id == holder.id


def test_who_sees_what_costs_a_few_statements_a_page(session) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    ulo = create_org(session)
    council = create_org(session, "Northshire Council", kind="council")
    create_user(session, ulo, "org_admin", name="Ada Admin")
    create_user(session, council, "finance_officer", name="Fay Council")
    for i in range(25):
        holder = Holder(organisation_id=ulo.id, name=f"Holder {i:02}",
                        funder_organisation_id=council.id if i % 2 else None)
        session.add(holder)
        session.flush()
        rep = create_user(session, ulo, "representative", name=f"Rep {i:02}",
                          email=f"rep{i}@example.org")
        grant(session, holder, rep, "representative")
        if i == 0:
            first_holder = holder
    worker = create_user(session, ulo, "support_worker", name="Sam Worker",
                         email="sam@example.org")
    gone = create_user(session, create_org(session, "Hillside ULO"), "support_worker",
                       name="Left Behind", email="left@example.org")
    grant(session, first_holder, worker, "support_worker")
    grant(session, first_holder, gone, "support_worker")  # not on this staff: counts for nothing
    session.commit()
    session.refresh(ulo)  # (loading the organisation itself is not the page's cost)
    seen: list[str] = []
    bind = session.get_bind()

    def count(*_args) -> None:  # type: ignore[no-untyped-def]
        seen.append("q")

    event.listen(bind, "before_cursor_execute", count)
    try:
        page = organisation.who_sees_what(session, ulo, page=1, per_page=20)
    finally:
        event.remove(bind, "before_cursor_execute", count)
    assert len(seen) <= 5
    assert page.total == 25 and page.pages == 2 and len(page.rows) == 20
    assert page.admins == ["Ada Admin"]
    first, second = page.rows[0], page.rows[1]
    assert [(p.name, p.role_words) for p in first.people] == [
        ("Rep 00", "Representative"), ("Sam Worker", "Support worker")]
    assert {p.name for p in second.people} == {"Rep 01", "Fay Council"}
    assert second.funder == "Northshire Council"
    assert organisation.who_sees_what(session, ulo, page=9, per_page=20).page == 2
