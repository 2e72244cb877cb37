"""Telling people by email that there are new questions (flags) for them.

Who is told
    Everyone with a grant for a holder as the holder, a representative or a support worker
    (the people who answer questions), about that holder's open flags that were opened since
    their last email (all open ones, the first time). The holder and a representative are
    not told about a flag hidden from the holder. Finance officers and organisation admins
    are not emailed: they see the questions in the app.

How often
    At most one email per person per day (a calendar day, UTC): `send_notices` is meant to
    run from a daily job (``dpsupport send-flag-emails``), and a second run on the same day
    sends nobody a second email. (Asking for an email for each question as it opens is not
    built.)

What it says
    How many new questions there are, and a link to each holder's questions page: never an
    amount, a payee or what the question is about. A person's address is used only to send
    the email: it is never written to the logs or to the database (`FlagNotice` keeps who,
    when and how many).

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
import smtplib
import ssl
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import Flag, FlagNotice, Holder, HolderAccess, User
from ..models.base import utcnow
from ..text import plural
from .uow import transactional

log = logging.getLogger("dpsupport.notices")
TOLD_ROLES = ("holder", "representative", "support_worker")
HOLDER_ROLES = ("holder", "representative")


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
    message.set_content(mail.body)
    return message


class FileOutbox:
    """Writes each email as a .eml file in ``folder`` (the demo, development and tests)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def send(self, mail: Mail, sender: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count += 1
        name = f"{utcnow():%Y%m%dT%H%M%S%f}-{self.count}.eml"
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
class Due:
    """One person to tell: how many new questions, for which holders."""

    user: User
    staff: bool
    per_holder: list[tuple[Holder, int]]

    @property
    def count(self) -> int:
        return sum(n for _holder, n in self.per_holder)


def due(session: Session, now: datetime) -> list[Due]:
    """Who would be emailed now, and about what (module docstring)."""
    last: dict[int, datetime] = {
        user_id: at for user_id, at in session.execute(
            select(FlagNotice.user_id, func.max(FlagNotice.sent_at))
            .group_by(FlagNotice.user_id))}
    grants = session.execute(
        select(HolderAccess.user_id, HolderAccess.holder_id, HolderAccess.role)
        .where(HolderAccess.role.in_(TOLD_ROLES))).all()
    by_user: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for user_id, holder_id, role in grants:
        by_user[user_id].append((holder_id, role))
    found = []
    for user_id, holders in sorted(by_user.items()):
        sent = last.get(user_id)
        if sent is not None and _utc(sent).date() == _utc(now).date():
            continue  # one email a day at most
        user = session.get(User, user_id)
        if user is None or not user.is_active:
            continue
        per_holder = []
        for holder_id, role in sorted(holders):
            query = select(func.count()).select_from(Flag).where(
                Flag.holder_id == holder_id, Flag.status == "open")
            if sent is not None:
                query = query.where(Flag.opened_at > sent)
            if role in HOLDER_ROLES:
                query = query.where(Flag.hidden_from_holder.is_(False))
            count = session.scalar(query) or 0
            holder = session.get(Holder, holder_id)
            if count and holder is not None:
                per_holder.append((holder, count))
        if per_holder:
            staff = all(role not in HOLDER_ROLES for _h, role in holders)
            found.append(Due(user, staff, per_holder))
    return found


def _utc(moment: datetime) -> datetime:
    """SQLite gives back times without their zone: they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def mail_for(item: Due, base_url: str) -> Mail:
    """The email: how many new questions and where to see them; nothing about the money."""
    count = item.count
    what = "question" if count == 1 else "questions"
    if item.staff:
        subject = f"{plural(count, 'new question')} about people you support"
        lines = [f"There {'is' if count == 1 else 'are'} {plural(count, 'new question')} "
                 "about the money of people you support:", ""]
        for holder, n in item.per_holder:
            lines.append(f"{holder.display_name}: {plural(n, 'new question')}, "
                         f"{base_url}/holders/{holder.id}/questions")
    else:
        subject = f"{plural(count, 'new question')} about your money"
        lines = [f"There {'is' if count == 1 else 'are'} {plural(count, 'new question')} "
                 "about your money. Nobody is blaming you: most have a simple answer.", "",
                 f"Sign in to see {'it' if count == 1 else 'them'} and answer:"]
        for holder, _n in item.per_holder:
            lines.append(f"{base_url}/holders/{holder.id}/questions")
    body = "\n".join([f"Hello {item.user.name},", "", *lines, "",
                      f"We send at most one email a day about new {what}.", "", "dpsupport"])
    return Mail(item.user.email, subject, body)


@transactional
def _record(session: Session, user_id: int, count: int, now: datetime) -> None:
    session.add(FlagNotice(user_id=user_id, sent_at=now, flag_count=count))


def send_notices(session: Session, settings: MailSettings, now: datetime | None = None) -> int:
    """Email everyone with new questions (at most one a day each); how many were sent. Each
    email sent is recorded at once, so a failure part-way sends nobody a second one."""
    now = now or utcnow()
    sent = failed = 0
    for item in due(session, now):
        mail = mail_for(item, settings.base_url)
        try:
            settings.outbox.send(mail, settings.sender)
        except (OSError, smtplib.SMTPException) as exc:
            # the address is never logged: the person's id and the kind of failure only
            log.warning("could not send the flag email to user %s (%s)", item.user.id,
                        type(exc).__name__)
            failed += 1
            continue
        _record(session, item.user.id, item.count, now)
        sent += 1
    log.info("flag emails: %d sent, %d could not be sent", sent, failed)
    return sent
