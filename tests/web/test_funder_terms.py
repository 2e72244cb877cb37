"""The funding agreement's terms are the funder's: only the finance officer (or an admin of
the organisation acting for the council) changes them; the holder and their representative
see them read-only, with who last changed them. And the holder's page of who can see their
records. On both databases, through the pages."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dpsupport.errors import UserError
from dpsupport.models import Account, AuditEvent, FundingAgreement, HolderAccess, Transaction
from dpsupport.services import agreements
from dpsupport.services.access import who_can_see
from dpsupport.services.audit import Actor, acting_as

from ..support.factories import create_holder, create_org, create_user, grant, post, sign_in

# What the agreement form sends: the current terms, with the surplus threshold and the
# contingency raised (the defect: 8 weeks to 52, £1,500 to £5,000).
RAISED = {"funder": "Test Council", "scheme": "dp_england", "frequency": "four_weekly",
          "timing": "advance", "start_date-day": "6", "start_date-month": "4",
          "start_date-year": "2026", "client_contribution": "0", "contribution_basis": "net",
          "contingency_reserve": "5000", "surplus_threshold_weeks": "52",
          "opening_balance": "0"}


def _world(session: Session):  # type: ignore[no-untyped-def]
    org = create_org(session, "Riverside ULO")
    other_org = create_org(session, "Elsewhere ULO")
    holder = create_holder(session, org, "Alice Andrews")
    agreement = session.scalars(select(FundingAgreement)).one()
    agreement.contingency_reserve_pence = 150000
    admin = create_user(session, org, "org_admin", name="Ada Admin")
    people = {"org_admin": admin}
    for role, name in (("holder", "Alice Andrews"), ("representative", "Rita Rep"),
                       ("support_worker", "Sam Worker"), ("finance_officer", "Fran Officer")):
        people[role] = create_user(session, org, role, name=name)
        grant(session, holder, people[role], role)
    access = session.scalars(select(HolderAccess).where(
        HolderAccess.user_id == people["representative"].id)).one()
    access.representative_type = "attorney"
    access.granted_by_id = admin.id
    create_user(session, other_org, "org_admin", name="Olga Outsider")
    session.commit()
    return holder, people


def _agreement(session: Session) -> FundingAgreement:
    session.rollback()  # a fresh look: the app changed it in its own transaction
    return session.scalars(select(FundingAgreement)).one()


def _agreement_events(session: Session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity.in_(("funding_agreement", "agreement_amount", "one_off_payment")))) or 0


@pytest.mark.parametrize("role", ["holder", "representative", "support_worker"])
def test_the_holders_side_cannot_raise_the_surplus_threshold(app, session, role: str) -> None:  # type: ignore[no-untyped-def]
    """The defect: a holder raised 'weeks you may hold' from 8 to 52 and the contingency from
    £1,500 to £5,000, and the council's surplus warning went away. Now it is refused and
    nothing changes, nor is any change recorded."""
    holder, people = _world(session)
    before = _agreement_events(session)
    client = app.test_client()
    sign_in(client, people[role])
    base = f"/holders/{holder.id}/agreement"
    assert post(client, f"{base}/edit", RAISED).status_code == 403
    assert client.get(f"{base}/edit").status_code == 403
    assert post(client, f"{base}/amounts", {"change-effective_date-day": "1",
                                             "change-effective_date-month": "10",
                                             "change-effective_date-year": "2026",
                                             "change-amount": "9000"}).status_code == 403
    assert post(client, f"{base}/one-off", {"oneoff-date-day": "1", "oneoff-date-month": "6",
                                             "oneoff-date-year": "2026", "oneoff-amount": "900",
                                             "oneoff-description": "x"}).status_code == 403
    agreement = _agreement(session)
    assert agreement.surplus_threshold_weeks == 8
    assert agreement.contingency_reserve_pence == 150000
    assert len(agreement.amounts) == 1 and not agreement.one_off_payments
    assert _agreement_events(session) == before


@pytest.mark.parametrize("role", ["finance_officer", "org_admin"])
def test_the_funders_staff_change_the_terms_and_it_is_recorded(app, session, role: str) -> None:  # type: ignore[no-untyped-def]
    holder, people = _world(session)
    client = app.test_client()
    sign_in(client, people[role])
    response = post(client, f"/holders/{holder.id}/agreement/edit",
                    {**RAISED, "surplus_threshold_weeks": "10"})
    assert response.status_code == 302
    assert _agreement(session).surplus_threshold_weeks == 10
    event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "funding_agreement")
                            .order_by(AuditEvent.id.desc())).first()
    assert event.actor_name == people[role].name
    assert '"surplus_threshold_weeks": 10' in event.after


@pytest.mark.parametrize("role", ["holder", "representative"])
def test_the_holder_and_representative_see_the_terms_read_only_with_who_changed_them(
        app, session, role: str) -> None:  # type: ignore[no-untyped-def]
    holder, people = _world(session)
    with acting_as(Actor(people["finance_officer"].id, "Fran Officer")):
        agreement = _agreement(session)
        agreements.add_one_off(session, agreement, date(2026, 6, 1), 25000, "Ramp")
    client = app.test_client()
    sign_in(client, people[role])
    html = client.get(f"/holders/{holder.id}/agreement").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "These are the council's terms" in text
    assert "Last changed by Fran Officer on" in text  # the one-off payment
    assert "Up to 8 weeks of payments" in text and "£1,500.00" in text
    # no way in to change them: no link, no form
    assert "/agreement/edit" not in html
    assert "<form" not in html.split('id="main-content"')[1].split("</main>")[0]


def test_the_finance_officer_sees_the_change_buttons(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, people = _world(session)
    client = app.test_client()
    sign_in(client, people["finance_officer"])
    html = client.get(f"/holders/{holder.id}/agreement").get_data(as_text=True)
    assert "Change these details" in html and "These are the council's terms" not in html


def test_the_opening_balance_needs_a_reason_once_money_has_moved(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, people = _world(session)  # create_holder records two payments
    client = app.test_client()
    sign_in(client, people["finance_officer"])
    url = f"/holders/{holder.id}/agreement/edit"
    assert "If you are changing the opening balance, why?" in client.get(url).get_data(
        as_text=True)
    refused = post(client, url, {**RAISED, "contingency_reserve": "1500",
                                 "surplus_threshold_weeks": "8", "opening_balance": "412.50"})
    assert refused.status_code == 400
    assert "Say why the opening balance is changing" in refused.get_data(as_text=True)
    assert _agreement(session).opening_balance_pence == 0
    done = post(client, url, {**RAISED, "contingency_reserve": "1500",
                              "surplus_threshold_weeks": "8", "opening_balance": "412.50",
                              "opening_balance_reason": "The May statement shows £412.50"})
    assert done.status_code == 302
    assert _agreement(session).opening_balance_pence == 41250
    summaries = list(session.scalars(select(AuditEvent.summary).where(
        AuditEvent.entity == "funding_agreement", AuditEvent.summary.is_not(None))))
    assert summaries == ["Changed the opening balance after money had moved, because: "
                         "The May statement shows £412.50"]


def test_before_money_moves_the_opening_balance_is_set_freely(session) -> None:  # type: ignore[no-untyped-def]
    org = create_org(session)
    holder = create_holder(session, org)
    for tx in session.scalars(select(Transaction)):
        session.delete(tx)
    session.commit()
    details = agreements.AgreementDetails(
        funder="Test Council", scheme="dp_england", option4_split=None, frequency="monthly",
        timing="advance", start_date=date(2026, 4, 6), end_date=None,
        client_contribution_pence=0, contribution_basis="net", contingency_reserve_pence=0,
        surplus_threshold_weeks=8, opening_balance_pence=30000, first_review_date=None)
    agreements.save_agreement(session, holder, details)
    assert _agreement(session).opening_balance_pence == 30000
    account = session.scalars(select(Account)).one()  # money moves: a payment is recorded
    session.add(Transaction(holder_id=holder.id, account_id=account.id, date=date(2026, 4, 7),
                   amount_pence=-100, payee="Shop"))
    session.commit()
    with pytest.raises(UserError) as refused:
        agreements.save_agreement(session, holder, replace(details, opening_balance_pence=1))
    assert refused.value.field == "opening_balance_reason"
    assert _agreement(session).opening_balance_pence == 30000


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


@pytest.mark.parametrize("role", ["holder", "representative", "support_worker",
                                  "finance_officer", "org_admin"])
def test_who_can_see_lists_everyone_and_why(app, session, role: str) -> None:  # type: ignore[no-untyped-def]
    holder, people = _world(session)
    client = app.test_client()
    sign_in(client, people[role])
    response = client.get(f"/holders/{holder.id}/who-can-see")
    assert response.status_code == 200
    text = _text(response.get_data(as_text=True))
    for name in ("Alice Andrews", "Rita Rep", "Sam Worker", "Fran Officer", "Ada Admin"):
        assert name in text
    assert "Olga Outsider" not in text  # another organisation's admin cannot see
    assert "Representative: Attorney (lasting power of attorney)" in text
    assert "Rita Rep is Alice Andrews's attorney and manages the direct payment" in text
    assert "by Ada Admin" in text  # who gave Rita access
    assert "Fran Officer checks the direct payment for the council" in text
    assert "they can see because they are an admin of Riverside ULO" in text
    # what each may do, read from the access policy
    assert "Can see everything here; changes only the funding agreement's terms" in text
    assert "but not the funding agreement's terms" in text
    if role == "holder":
        assert "Who can see your records" in text


def test_who_can_see_is_listed_in_order_with_dates(session) -> None:  # type: ignore[no-untyped-def]
    holder, _people = _world(session)
    viewers = who_can_see(session, holder)
    assert [v.role for v in viewers] == ["holder", "representative", "support_worker",
                                         "finance_officer", "org_admin"]
    assert all(v.granted_at is not None for v in viewers[:4])
    assert viewers[4].granted_at is None and viewers[4].name == "Ada Admin"
