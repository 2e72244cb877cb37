"""The "Emails about questions" page (one's own choice, audited, an error summary when
nothing is chosen) and the demo mail page's "Send the emails that are due now"."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from dpsupport import mail
from dpsupport.models import AuditEvent, Flag, User
from dpsupport.models.base import utcnow
from tests.support.factories import create_user, grant, post, sign_in


def _choice(session, user: User) -> str:  # type: ignore[no-untyped-def]
    session.rollback()  # a fresh look: the app wrote in its own transaction
    return session.scalar(select(User.question_emails).where(User.id == user.id))


def _audits(session, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    session.rollback()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_choosing_how_often_to_be_emailed(session, client, holder_with_account) -> None:  # type: ignore[no-untyped-def]
    worker = holder_with_account.worker
    sign_in(client, worker)
    page = client.get("/account/question-emails")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Emails about questions" in html
    assert 'value="daily" checked' in html, "today's choice is shown"
    for label in ("An email for each new question", "At most one email a day",
                  "At most one email a week", "No emails", "Most people choose this"):
        assert label in html
    assert "you will not get these emails" not in html  # a support worker is emailed
    # the account page links to it
    assert "/account/question-emails" in client.get("/account/password").get_data(as_text=True)

    done = post(client, "/account/question-emails", {"choice": "each"})
    assert done.status_code == 302 and done.headers["Location"].endswith(
        "/account/question-emails")
    after = client.get("/account/question-emails").get_data(as_text=True)
    assert "We will email you about each new question." in after
    assert 'value="each" checked' in after
    assert _choice(session, worker) == "each"
    [row] = _audits(session, "question_emails_chosen")
    assert row.actor_id == worker.id and row.entity_id == str(worker.id)
    assert "An email for each new question" in (row.summary or "")


def test_nothing_chosen_shows_the_error_and_changes_nothing(session, client, holder_with_account) -> None:  # type: ignore[no-untyped-def]
    worker = holder_with_account.worker
    sign_in(client, worker)
    for data in ({}, {"choice": "hourly"}):
        wrong = post(client, "/account/question-emails", data)
        html = wrong.get_data(as_text=True)
        assert wrong.status_code == 400
        assert "govuk-error-summary" in html
        assert "Select how you would like to hear about new questions" in html
    assert _choice(session, worker) == "daily"
    assert _audits(session, "question_emails_chosen") == []


def test_staff_who_are_never_emailed_are_told_so(session, client, holder_with_account) -> None:  # type: ignore[no-untyped-def]
    officer = create_user(session, holder_with_account.org, "finance_officer")
    grant(session, holder_with_account.holder, officer, "finance_officer")
    session.commit()
    sign_in(client, officer)
    html = client.get("/account/question-emails").get_data(as_text=True)
    assert "you will not get these emails" in html


def test_signed_out_people_are_sent_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    assert "/sign-in" in client.get("/account/question-emails").headers["Location"]
    response = post(client, "/demo-mail/send")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_demo_sends_what_is_due_at_the_press_of_a_button(app, session, client,  # type: ignore[no-untyped-def]
                                                            holder_with_account) -> None:
    h = holder_with_account
    session.add(Flag(holder_id=h.holder.id, code="cash_withdrawal", severity="attention",
                     key="a", status="open", raised_on=utcnow().date(), amount_pence=4000,
                     evidence="{}", evidence_key="a", words=json.dumps({"title": "Cash"}),
                     opened_at=utcnow() - timedelta(minutes=5)))
    session.commit()
    sign_in(client, h.worker)
    page = client.get("/demo-mail").get_data(as_text=True)
    assert "Send the emails that are due now" in page
    sent = post(client, "/demo-mail/send")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/demo-mail")
    after = client.get("/demo-mail").get_data(as_text=True)
    assert "Sent 1 email." in after
    assert "1 new question about people you support" in after
    folder = app.config["DPSUPPORT"].instance_path / "mail"
    assert [m.to for m in mail.demo_messages(folder)] == [h.worker.email]
    again = post(client, "/demo-mail/send", follow_redirects=True)
    assert "No emails were due" in again.get_data(as_text=True)
    assert len(mail.demo_messages(folder)) == 1
    [row, _second] = _audits(session, "flag_emails_sent")
    assert row.actor_id == h.worker.id


def test_the_button_is_not_there_when_mail_is_really_sent(monkeypatch, client,  # type: ignore[no-untyped-def]
                                                          holder_with_account) -> None:
    monkeypatch.setenv("DPSUPPORT_SMTP_HOST", "smtp.example.org")
    sign_in(client, holder_with_account.worker)
    assert client.get("/demo-mail").status_code == 404
    assert post(client, "/demo-mail/send").status_code == 404
