"""Flags on pages: the holder is asked first ("you"), answers in words with a receipt, and
sees how it was resolved; staff read the holder's name and the answer before acting; a flag
hidden by an organisation admin is gone for the holder and marked for staff; the funding
policy page is for organisation admins only."""

from __future__ import annotations

import io
import re
from datetime import date

from sqlalchemy import select

from dpsupport.models import Flag, FlagAnswer, FundingPolicy, Transaction
from dpsupport.services import flags

from ..support.factories import create_holder, create_org, create_user, grant, post, sign_in
from ..support.scenario import PNG


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'") \
        .replace("&#34;", '"')


def _world(session):  # type: ignore[no-untyped-def]
    org = create_org(session)
    holder = create_holder(session, org, "Alice Andrews")
    account_id = session.scalar(select(Transaction.account_id)
                                .where(Transaction.holder_id == holder.id).limit(1))
    session.add(Transaction(holder_id=holder.id, account_id=account_id, date=date(2026, 5, 3),
                            amount_pence=-4000, payee="Cash machine",
                            description="LINK 14:32 03MAY"))
    session.flush()
    flags.refresh(session, holder)
    people = {}
    for role in ("holder", "support_worker", "finance_officer", "org_admin"):
        people[role] = create_user(session, org, role, name=f"The {role.replace('_', ' ')}")
        if role != "org_admin":
            grant(session, holder, people[role], role)
    flag = session.scalar(select(Flag).where(Flag.code == "cash_withdrawal"))
    session.commit()
    return holder, people, flag


def _client(app, user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    sign_in(client, user)
    return client


def test_the_holder_is_asked_on_the_money_page_and_answers_with_a_receipt(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, people, flag = _world(session)
    me = _client(app, people["holder"])
    page = _text(me.get(f"/holders/{holder.id}").get_data(as_text=True))
    assert "Questions about your money" in page
    assert "£40.00 cash taken out on 3 May 2026: what was it for?" in page
    shown = _text(me.get(f"/holders/{holder.id}/questions/{flag.id}").get_data(as_text=True))
    assert "Your support plan does not say cash is used" in shown
    assert "Alice Andrews’s account" not in shown  # written to "you", not about them
    response = post(me, f"/holders/{holder.id}/questions/{flag.id}/answer",
                    {"text": "Taxi to the day centre", "file": (io.BytesIO(PNG), "taxi.png")},
                    content_type="multipart/form-data")
    assert response.status_code == 302
    session.rollback()
    reply = session.scalar(select(FlagAnswer))
    assert reply is not None and reply.text == "Taxi to the day centre"
    assert reply.attachment is not None and reply.attachment.filename == "taxi.png"
    # staff read the answer, and the holder's name, before they act
    staff = _client(app, people["support_worker"])
    seen = _text(staff.get(f"/holders/{holder.id}/questions/{flag.id}").get_data(as_text=True))
    assert "Taxi to the day centre" in seen and "The holder" in seen
    assert "from Alice Andrews’s account" in seen
    assert "Answered" in seen
    # an empty answer is refused with the form's message, and nothing is saved
    bad = post(me, f"/holders/{holder.id}/questions/{flag.id}/answer", {"text": "  "},
               content_type="multipart/form-data")
    assert bad.status_code == 400
    assert "Enter what it was for, in your own words" in bad.get_data(as_text=True)
    session.rollback()
    assert len(session.scalars(select(FlagAnswer)).all()) == 1


def test_staff_resolve_and_the_holder_sees_how(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, people, flag = _world(session)
    staff = _client(app, people["support_worker"])
    missing = post(staff, f"/holders/{holder.id}/questions/{flag.id}/resolve",
                   {"resolve-reason": ""})
    assert missing.status_code == 400 and "Enter the reason" in missing.get_data(as_text=True)
    done = post(staff, f"/holders/{holder.id}/questions/{flag.id}/resolve",
                {"resolve-reason": "Taxi fares are in the plan"})
    assert done.status_code == 302
    me = _client(app, people["holder"])
    listing = _text(me.get(f"/holders/{holder.id}/questions").get_data(as_text=True))
    assert "Resolved" in listing and "Taxi fares are in the plan" in listing
    money = _text(me.get(f"/holders/{holder.id}").get_data(as_text=True))
    assert "what was it for?" not in money


def test_a_finance_officer_reads_but_changes_nothing(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, people, flag = _world(session)
    officer = _client(app, people["finance_officer"])
    page = officer.get(f"/holders/{holder.id}/questions/{flag.id}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Send answer" not in body and "Pass on for a closer look" not in body
    assert "Resolve" not in _text(body).split("What this is about")[1]
    for action, data in (("answer", {"text": "x"}), ("resolve", {"resolve-reason": "x"}),
                         ("escalate", {}), ("hide", {"hide-reason": "x"})):
        response = post(officer, f"/holders/{holder.id}/questions/{flag.id}/{action}", data,
                        content_type="multipart/form-data")
        assert response.status_code == 403, action
    session.rollback()
    assert session.get(Flag, flag.id).status == "open"


def test_hidden_from_the_holder_by_an_admin_and_shown_to_staff(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, people, flag = _world(session)
    worker = _client(app, people["support_worker"])
    refused = post(worker, f"/holders/{holder.id}/questions/{flag.id}/hide",
                   {"hide-reason": "x"})
    assert refused.status_code == 403
    admin = _client(app, people["org_admin"])
    hidden = post(admin, f"/holders/{holder.id}/questions/{flag.id}/hide",
                  {"hide-reason": "Safeguarding: a relative takes the cash"})
    assert hidden.status_code == 302
    me = _client(app, people["holder"])
    assert me.get(f"/holders/{holder.id}/questions/{flag.id}").status_code == 404
    assert "what was it for?" not in me.get(f"/holders/{holder.id}").get_data(as_text=True)
    seen = _text(worker.get(f"/holders/{holder.id}/questions/{flag.id}").get_data(as_text=True))
    assert "Hidden from Alice Andrews by The org admin" in seen
    assert "Safeguarding: a relative takes the cash" in seen
    again = post(admin, f"/holders/{holder.id}/questions/{flag.id}/show-again", {})
    assert again.status_code == 302
    assert me.get(f"/holders/{holder.id}/questions/{flag.id}").status_code == 200


def test_the_funding_policy_page_is_for_organisation_admins(app, session) -> None:  # type: ignore[no-untyped-def]
    holder, people, _flag = _world(session)
    worker = _client(app, people["support_worker"])
    assert worker.get("/funding-policy").status_code == 403
    admin = _client(app, people["org_admin"])
    listing = admin.get(f"/holders/{holder.id}/questions").get_data(as_text=True)
    assert f'/funding-policy?organisation={holder.organisation_id}' in listing
    assert "/funding-policy" not in worker.get(f"/holders/{holder.id}/questions").get_data(
        as_text=True)
    page = admin.get("/funding-policy")
    assert page.status_code == 200
    assert 'value="50.00"' in page.get_data(as_text=True)  # the default, £50
    form = {"ask_gambling": "y", "words_gambling": "LOCAL BOOKIE\nLOCAL BOOKIE",
            "unknown_payee_over": "75", "duplicate_days": "0", "duplicate_min": "10",
            "statement_gap_days": "35", "review_notice_days": "28"}
    bad = post(admin, "/funding-policy", form)
    assert bad.status_code == 400 and "Enter a number of days from 1 to 90" in \
        bad.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(FundingPolicy)) is None
    assert post(admin, "/funding-policy", {**form, "duplicate_days": "7"}).status_code == 302
    session.rollback()
    row = session.scalar(select(FundingPolicy))
    assert row is not None and row.prohibited == "gambling"
    assert row.unknown_payee_over_pence == 7500 and '"LOCAL BOOKIE"' in row.added_words
    assert row.added_words.count("LOCAL BOOKIE") == 1


def test_the_demo_raises_questions_and_every_role_can_open_them(app, session) -> None:  # type: ignore[no-untyped-def]
    from dpsupport.models import User
    from dpsupport.services.access import visible_holders
    from dpsupport.services.demo import DEMO_PASSWORD, load_demo

    load_demo(session)
    session.commit()
    assert session.scalar(select(Flag)) is not None, "the demo shows some questions"
    for email in ("sam.okafor@riverside.example", "farah.ahmed@riverside.example",
                  "helen.hill@example.org", "jordan.price@example.org",
                  "alex.morgan@riverside.example"):
        user = session.scalar(select(User).where(User.email == email))
        client = app.test_client()
        sign_in(client, user, DEMO_PASSWORD)
        for holder in session.scalars(visible_holders(user)):
            base = f"/holders/{holder.id}/questions"
            assert client.get(base).status_code == 200
            for row in session.scalars(select(Flag).where(Flag.holder_id == holder.id)):
                assert client.get(f"{base}/{row.id}").status_code == 200, (email, row.code)
    admin = _client_demo(app, session)
    assert admin.get("/funding-policy").status_code == 200


def _client_demo(app, session):  # type: ignore[no-untyped-def]
    from dpsupport.models import User
    from dpsupport.services.demo import DEMO_PASSWORD

    user = session.scalar(select(User).where(User.email == "alex.morgan@riverside.example"))
    client = app.test_client()
    sign_in(client, user, DEMO_PASSWORD)
    return client


def test_the_records_behind_an_employer_question_are_one_click_away(app, session) -> None:  # type: ignore[no-untyped-def]
    from dpsupport.models import Holder, User
    from dpsupport.services.demo import DEMO_PASSWORD, load_demo

    load_demo(session)
    session.commit()
    jordan = session.scalar(select(Holder).where(Holder.name == "Jordan Price"))
    user = session.scalar(select(User).where(User.email == "jordan.price@example.org"))
    client = app.test_client()
    sign_in(client, user, DEMO_PASSWORD)
    base = f"/holders/{jordan.id}/questions"
    by_code = {row.code: row for row in session.scalars(
        select(Flag).where(Flag.holder_id == jordan.id, Flag.status == "open"))}
    overdue = _text(client.get(f"{base}/{by_code['hmrc_or_pension_overdue'].id}")
                    .get_data(as_text=True))
    assert "What the pay runs left to pay, and when" in overdue
    assert "have been removed" not in overdue  # it is about payments owed, not bank lines
    underpaid = client.get(f"{base}/{by_code['pa_underpaid'].id}").get_data(as_text=True)
    assert f"/holders/{jordan.id}/pay/payments" in underpaid
    assert re.search(rf"/holders/{jordan.id}/transactions/\d+", underpaid)
    duty = _text(client.get(f"{base}/{by_code['employer_duty_due'].id}").get_data(as_text=True))
    assert "The employer details" in duty or "details and contract" in duty
