"""Telling people by email that there are new questions for them: flags, and questions
the finance officer asks in a review.

Who is told
    Everyone with a grant for a holder as the holder, a representative or a support worker
    (the people who answer questions), about that holder's open flags that were opened since
    their last email (all open ones, the first time). The holder and a representative are
    not told about a flag hidden from the holder. Finance officers and organisation admins
    are not emailed: they see the questions in the app.
    A question asked in a review (``ReviewQuestion``) counts just like a new flag, but only
    for the holder and a representative (who answer it; access_policy.toml "answerers"):
    not a support worker, since staff asked it. It is told while it is unanswered and its
    review is not signed off, if it was asked since the person's last email.

How often: each person chooses (``User.question_emails``, on their "Emails about
questions" page)
    ``each``: an email for each new question, soon after it opens.
    ``daily`` (the default): at most one email a calendar day (UTC), about the questions
    opened since their last email.
    ``weekly``: at most one email every 7 calendar days, the same kind of summary.
    ``none``: no emails.
    `send_notices` is meant to run every few minutes, from cron or a scheduler
    (``dpsupport send-flag-emails``): "each" then arrives soon after a question opens, while
    a daily or weekly summary still goes at most once a day or a week, however often it runs.

Never twice about the same question
    Before an email is sent, it is claimed: a `FlagNotice` row (who, when, how many, which
    kind) and one `FlagTold` row for each flag (`ReviewQuestionTold` for each review
    question) it tells them about, committed together. Both are unique per person and
    question, so a second run, or two runs at once, fail
    to claim what is already claimed and send nothing (PostgreSQL waits for the first run's
    transaction, then refuses the duplicate; SQLite has one writer at a time). Claims for one
    person are made one at a time (a lock on their row), and a summary checks again, inside
    the claim, that the day or week has passed. If the email cannot be sent, the claim is
    taken back, so the next run tries again.

What it says
    How many new questions there are (or, for "each", that there is one), and a link to the
    holder's questions page (for a review's questions: the page where they answer it, or
    the review part of the holder's money page, which lists them): never an amount, a payee
    or what the question is about. A
    person's address is used only to send the email: it is never written to the logs or to
    the database.

Where it goes (environment variables)
    ``DPSUPPORT_SMTP_HOST``, ``DPSUPPORT_SMTP_PORT`` (587: STARTTLS; 465: TLS from the
    start), ``DPSUPPORT_SMTP_USER``, ``DPSUPPORT_SMTP_PASSWORD``, ``DPSUPPORT_MAIL_FROM``
    and ``DPSUPPORT_BASE_URL`` (the address people use to reach the app, for the links).
    In the demo, development and tests, every email is written as a file under
    ``instance/mail/`` instead and nothing is sent. In production without an SMTP host
    nothing is sent and the command says why.
"""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import ssl
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import (
    Flag,
    FlagNotice,
    FlagTold,
    Holder,
    HolderAccess,
    Review,
    ReviewQuestion,
    ReviewQuestionTold,
    User,
)
from ..models.base import utcnow
from ..text import plural
from . import audit
from .uow import transactional

log = logging.getLogger("dpsupport.notices")
TOLD_ROLES = ("holder", "representative", "support_worker")
HOLDER_ROLES = ("holder", "representative")
CHOICE_PAGE = "/account/question-emails"  # where a person changes how often (web/accounts.py)
WAIT_DAYS = {"daily": 1, "weekly": 7}  # calendar days (UTC) between two summaries


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


class Outbox(Protocol):
    def send(self, mail: Mail, sender: str) -> None: ...


def _message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="dpsupport.invalid")
    message.set_content(mail.body)
    return message


class FileOutbox:
    """Writes each email as a .eml file in ``folder`` (the demo, development and tests),
    named as dpsupport/mail.py names them, so the demo's mail page lists them too."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def send(self, mail: Mail, sender: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count += 1
        # the microseconds in hex, then 3 random hex digits: newest last, never the same
        at = utcnow()
        name = f"{at:%Y%m%d-%H%M%S}-{at.microsecond:05x}{secrets.token_hex(2)[:3]}.eml"
        (self.folder / name).write_bytes(bytes(_message(mail, sender)))


@dataclass(frozen=True)
class SmtpOutbox:
    """Sends through an SMTP server: STARTTLS on any port but 465 (TLS from the start)."""

    host: str
    port: int = 587
    user: str | None = None
    password: str | None = None

    def send(self, mail: Mail, sender: str) -> None:
        context = ssl.create_default_context()
        if self.port == 465:
            with smtplib.SMTP_SSL(self.host, self.port, context=context, timeout=30) as smtp:
                self._deliver(smtp, mail, sender)
        else:
            with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
                smtp.starttls(context=context)
                self._deliver(smtp, mail, sender)

    def _deliver(self, smtp: smtplib.SMTP, mail: Mail, sender: str) -> None:
        if self.user:
            smtp.login(self.user, self.password or "")
        smtp.send_message(_message(mail, sender))


@dataclass(frozen=True)
class MailSettings:
    outbox: Outbox
    sender: str
    base_url: str


def mail_settings(mode: str, instance_path: Path) -> MailSettings:
    """Where email goes, from the environment (module docstring)."""
    env = os.environ
    base_url = (env.get("DPSUPPORT_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    sender = env.get("DPSUPPORT_MAIL_FROM") or "dpsupport <no-reply@localhost>"
    host = env.get("DPSUPPORT_SMTP_HOST")
    if mode in ("demo", "development", "test"):
        return MailSettings(FileOutbox(instance_path / "mail"), sender, base_url)
    if not host:
        raise UserError("DPSUPPORT_SMTP_HOST is not set, so no email can be sent. Set it (and "
                        "DPSUPPORT_SMTP_PORT, DPSUPPORT_SMTP_USER, DPSUPPORT_SMTP_PASSWORD, "
                        "DPSUPPORT_MAIL_FROM and DPSUPPORT_BASE_URL) and run this again.")
    raw_port = env.get("DPSUPPORT_SMTP_PORT") or "587"
    if not raw_port.strip().isdigit():
        raise UserError(f"DPSUPPORT_SMTP_PORT must be a port number, like 587, not {raw_port!r}.")
    outbox = SmtpOutbox(host, int(raw_port), env.get("DPSUPPORT_SMTP_USER"),
                        env.get("DPSUPPORT_SMTP_PASSWORD"))
    return MailSettings(outbox, sender, base_url)


@dataclass(frozen=True)
class New:
    """One holder's new questions for one person: flags and questions asked in a review."""

    holder: Holder
    flag_ids: list[int]
    asked_ids: list[int]  # ReviewQuestion ids


@dataclass(frozen=True)
class Due:
    """One email to send: to whom, about which new questions of which holders. ``choice``
    is the person's choice ("each": one question; "daily" or "weekly": a summary)."""

    user: User
    staff: bool
    per_holder: list[New]
    choice: str = "daily"

    @property
    def kind(self) -> str:
        return "each" if self.choice == "each" else "summary"

    @property
    def flag_ids(self) -> list[int]:
        return [flag_id for new in self.per_holder for flag_id in new.flag_ids]

    @property
    def asked_ids(self) -> list[int]:
        return [asked_id for new in self.per_holder for asked_id in new.asked_ids]

    @property
    def count(self) -> int:
        return len(self.flag_ids) + len(self.asked_ids)


def _utc(moment: datetime) -> datetime:
    """SQLite gives back times without their zone: they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _waited(choice: str, last: datetime | None, now: datetime) -> bool:
    """Has the day (or week) passed since the last email, in calendar days (UTC)?"""
    if last is None:
        return True
    return (_utc(now).date() - _utc(last).date()).days >= WAIT_DAYS[choice]


def due(session: Session, now: datetime) -> list[Due]:
    """The emails that would be sent now, by each person's choice (module docstring)."""
    told_grants = select(HolderAccess.user_id, HolderAccess.holder_id, HolderAccess.role) \
        .where(HolderAccess.role.in_(TOLD_ROLES))
    granted_users = select(HolderAccess.user_id).where(HolderAccess.role.in_(TOLD_ROLES))
    granted_holders = select(HolderAccess.holder_id).where(HolderAccess.role.in_(TOLD_ROLES))
    users = {user.id: user for user in session.scalars(
        select(User).where(User.id.in_(granted_users), User.is_active.is_(True),
                           User.question_emails != "none"))}
    if not users:
        return []
    by_user: dict[int, set[tuple[int, str]]] = defaultdict(set)
    for user_id, holder_id, role in session.execute(told_grants):
        if user_id in users:
            by_user[user_id].add((holder_id, role))
    last_any: dict[int, datetime] = {}
    last_summary: dict[int, datetime] = {}
    for user_id, kind, at in session.execute(
            select(FlagNotice.user_id, FlagNotice.kind, func.max(FlagNotice.sent_at))
            .group_by(FlagNotice.user_id, FlagNotice.kind)):
        if kind == "summary":
            last_summary[user_id] = at
        if user_id not in last_any or _utc(at) > _utc(last_any[user_id]):
            last_any[user_id] = at
    open_flags: dict[int, list[tuple[int, datetime, bool]]] = defaultdict(list)
    for flag_id, holder_id, opened_at, hidden in session.execute(
            select(Flag.id, Flag.holder_id, Flag.opened_at, Flag.hidden_from_holder)
            .where(Flag.status == "open", Flag.holder_id.in_(granted_holders))
            .order_by(Flag.opened_at, Flag.id)):
        open_flags[holder_id].append((flag_id, _utc(opened_at), bool(hidden)))
    told = set(session.execute(
        select(FlagTold.user_id, FlagTold.flag_id).join(Flag, Flag.id == FlagTold.flag_id)
        .where(Flag.status == "open")).tuples())
    # questions asked in a review: waiting for an answer, in a review not signed off
    waiting = (ReviewQuestion.answer.is_(None), Review.status != "signed_off")
    open_asked: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for asked_id, holder_id, asked_at in session.execute(
            select(ReviewQuestion.id, ReviewQuestion.holder_id, ReviewQuestion.asked_at)
            .join(Review, Review.id == ReviewQuestion.review_id)
            .where(*waiting, ReviewQuestion.holder_id.in_(granted_holders))
            .order_by(ReviewQuestion.asked_at, ReviewQuestion.id)):
        open_asked[holder_id].append((asked_id, _utc(asked_at)))
    told_asked = set(session.execute(
        select(ReviewQuestionTold.user_id, ReviewQuestionTold.question_id)
        .join(ReviewQuestion, ReviewQuestion.id == ReviewQuestionTold.question_id)
        .join(Review, Review.id == ReviewQuestion.review_id).where(*waiting)).tuples())
    holders = {h.id: h for h in session.scalars(
        select(Holder).where(Holder.id.in_(granted_holders)))}

    found: list[Due] = []
    for user_id, user in sorted(users.items()):
        choice = user.question_emails
        grants = sorted(by_user[user_id])
        if choice == "each":
            # every question not told yet (but not those a summary told them about before
            # these records were kept: opened before their last summary)
            cutoff = last_summary.get(user_id)
        else:
            if not _waited(choice, last_any.get(user_id), now):
                continue  # one a day (or a week) at most
            cutoff = last_any.get(user_id)  # the questions opened since their last email
        new: list[tuple[str, New]] = []
        seen: set[int] = set()
        seen_asked: set[int] = set()
        for holder_id, role in grants:
            ids = [flag_id for flag_id, opened_at, hidden in open_flags.get(holder_id, [])
                   if flag_id not in seen and (user_id, flag_id) not in told
                   and not (hidden and role in HOLDER_ROLES)
                   and (cutoff is None or opened_at > _utc(cutoff))]
            asked = [asked_id for asked_id, asked_at in open_asked.get(holder_id, [])
                     if role in HOLDER_ROLES  # the people who answer it; staff asked it
                     and asked_id not in seen_asked and (user_id, asked_id) not in told_asked
                     and (cutoff is None or asked_at > _utc(cutoff))]
            seen.update(ids)
            seen_asked.update(asked)
            if (ids or asked) and holder_id in holders:
                new.append((role, New(holders[holder_id], ids, asked)))
        if not new:
            continue
        if choice == "each":
            for role, one in new:
                staff = role not in HOLDER_ROLES
                found.extend(Due(user, staff, [New(one.holder, [flag_id], [])], choice)
                             for flag_id in one.flag_ids)
                found.extend(Due(user, staff, [New(one.holder, [], [asked_id])], choice)
                             for asked_id in one.asked_ids)
        else:
            staff = all(role not in HOLDER_ROLES for _holder_id, role in grants)
            found.append(Due(user, staff, [one for _role, one in new], choice))
    return found


def mail_for(item: Due, base_url: str) -> Mail:
    """The email: that there are new questions and where to see them; nothing about the
    money (no amount, payee or what a question is about)."""
    count = item.count
    if item.choice == "each" and item.asked_ids:
        # a question the finance officer asked in a review: only ever to the holder's side
        holder = item.per_holder[0].holder
        link = f"{base_url}{answer_page(holder.id, item.asked_ids[0])}"
        subject = "A new question about your money"
        lines = ["The council's finance officer, who is reviewing the direct payment, has "
                 "asked a question. Nobody is blaming you: most have a simple answer.", "",
                 "Sign in to see it and answer:", link]
        how_often = "You asked for an email each time there is a new question."
    elif item.choice == "each":
        holder = item.per_holder[0].holder
        link = f"{base_url}/holders/{holder.id}/questions"
        if item.staff:
            subject = f"A new question about {holder.display_name}"
            lines = [f"There is a new question about the money of {holder.display_name}.",
                     "", "Sign in to see it:", link]
        else:
            subject = "A new question about your money"
            lines = ["There is a new question about your money. Nobody is blaming you: most "
                     "have a simple answer.", "", "Sign in to see it and answer:", link]
        how_often = "You asked for an email each time there is a new question."
    elif item.staff:
        subject = f"{plural(count, 'new question')} about people you support"
        lines = [f"There {'is' if count == 1 else 'are'} {plural(count, 'new question')} "
                 "about the money of people you support:", ""]
        for one in item.per_holder:  # support workers: flags only, never a review's
            lines.append(f"{one.holder.display_name}: "
                         f"{plural(len(one.flag_ids), 'new question')}, "
                         f"{base_url}/holders/{one.holder.id}/questions")
    else:
        subject = f"{plural(count, 'new question')} about your money"
        lines = [f"There {'is' if count == 1 else 'are'} {plural(count, 'new question')} "
                 "about your money. Nobody is blaming you: most have a simple answer.", "",
                 f"Sign in to see {'it' if count == 1 else 'them'} and answer:"]
        for one in item.per_holder:
            if one.flag_ids:
                lines.append(f"{base_url}/holders/{one.holder.id}/questions")
            if one.asked_ids:
                lines.append(f"{plural(len(one.asked_ids), 'question')} from the council's "
                             f"review: {base_url}{review_part(one.holder.id)}")
    if item.choice != "each":
        period = "a week" if item.choice == "weekly" else "a day"
        how_often = f"We send at most one email {period} about new questions."
    body = "\n".join([f"Hello {item.user.name},", "", *lines, "", how_often,
                      "To choose how often we email you, or to stop these emails:",
                      f"{base_url}{CHOICE_PAGE}", "", "dpsupport"])
    return Mail(item.user.email, subject, body)


def answer_page(holder_id: int, question_id: int) -> str:
    """Where the holder answers a review's question (web/reviews.py ``answer``)."""
    return f"/holders/{holder_id}/reviews/questions/{question_id}/answer"


def review_part(holder_id: int) -> str:
    """The review part of the holder's money page, listing its questions
    (templates/review/_questions.html)."""
    return f"/holders/{holder_id}#review"


@transactional
def _claim(session: Session, item: Due, now: datetime) -> int | None:
    """Mark the email as sent before sending it (module docstring); None when it is not
    due any more. Raises IntegrityError when another run has told them already."""
    # one person's claims one at a time (PostgreSQL; SQLite has one writer at a time)
    session.execute(select(User.id).where(User.id == item.user.id).with_for_update())
    if item.kind == "summary":
        last = session.scalar(select(func.max(FlagNotice.sent_at))
                              .where(FlagNotice.user_id == item.user.id))
        if not _waited(item.choice, last, now):
            return None
    notice = FlagNotice(user_id=item.user.id, sent_at=now, flag_count=item.count,
                        kind=item.kind)
    session.add(notice)
    session.flush()
    session.add_all([FlagTold(user_id=item.user.id, flag_id=flag_id, notice_id=notice.id)
                     for flag_id in item.flag_ids])
    session.add_all([ReviewQuestionTold(user_id=item.user.id, question_id=asked_id,
                                        notice_id=notice.id) for asked_id in item.asked_ids])
    session.flush()
    return notice.id


@transactional
def _unclaim(session: Session, notice_id: int) -> None:
    """The email could not be sent: take the claim back, so the next run tries again."""
    session.execute(delete(FlagTold).where(FlagTold.notice_id == notice_id))
    session.execute(delete(ReviewQuestionTold).where(ReviewQuestionTold.notice_id == notice_id))
    session.execute(delete(FlagNotice).where(FlagNotice.id == notice_id))


def send_notices(session: Session, settings: MailSettings, now: datetime | None = None) -> int:
    """Send every email that is due now, by each person's choice; how many were sent. Each
    is claimed (committed) before it is sent, so nothing is sent twice (module docstring)."""
    now = now or utcnow()
    sent = failed = skipped = 0
    for item in due(session, now):
        user_id = item.user.id
        mail = mail_for(item, settings.base_url)
        try:
            notice_id = _claim(session, item, now)
        except IntegrityError:
            notice_id = None
        if notice_id is None:  # another run told them first
            skipped += 1
            continue
        try:
            settings.outbox.send(mail, settings.sender)
        except (OSError, smtplib.SMTPException) as exc:
            # the address is never logged: the person's id and the kind of failure only
            log.warning("could not send the flag email to user %s (%s)", user_id,
                        type(exc).__name__)
            _unclaim(session, notice_id)
            failed += 1
            continue
        sent += 1
    log.info("flag emails: %d sent, %d could not be sent, %d sent already by another run",
             sent, failed, skipped)
    return sent


def is_emailed(session: Session, user_id: int) -> bool:
    """Could this person be emailed about questions at all (a holder, a representative or a
    support worker for someone)? Finance officers and organisation admins are not."""
    return session.scalar(select(func.count()).select_from(HolderAccess).where(
        HolderAccess.user_id == user_id, HolderAccess.role.in_(TOLD_ROLES))) != 0


def send_due_now(session: Session, settings: MailSettings) -> int:
    """The demo's "Send the emails that are due now" button: what the command does, and an
    audit row naming who pressed it."""
    sent = send_notices(session, settings)
    _pressed(session, sent)
    return sent


@transactional
def _pressed(session: Session, sent: int) -> None:
    audit.record(session, "flag_emails_sent", "flag_notice",
                 summary=f"Sent the emails about questions that were due ({sent})")
