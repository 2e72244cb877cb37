"""Sending email: real SMTP where a server is set, files to read in the demo.

Set by environment variables (nothing is sent unless DPSUPPORT_SMTP_HOST is set):

    DPSUPPORT_SMTP_HOST       the mail server, for example smtp.example.org
    DPSUPPORT_SMTP_PORT       587 (the default) with STARTTLS; 465 for TLS from the start
    DPSUPPORT_SMTP_USER       sign-in for the server, if it needs one
    DPSUPPORT_SMTP_PASSWORD
    DPSUPPORT_MAIL_FROM       the sender, for example "dpsupport <no-reply@example.org>"

Without a server, in the demo and in development, each message is written to a file under
``instance/mail/`` so a new user can read what would have been sent (the sign-in page links
to them in the demo). In production without a server nothing is sent and the log says so.

Addresses are never written to the log: a message is logged by its subject and a short
reference only.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from .errors import UserError

log = logging.getLogger("dpsupport.mail")
MAIL_FOLDER = "mail"
_NAME = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{8}\.eml$")


class MailError(UserError):
    """The mail server refused or could not be reached (nothing else is saved either)."""


@dataclass(frozen=True)
class MailSettings:
    host: str | None
    port: int
    user: str | None
    password: str | None
    sender: str
    folder: Path | None  # where messages are written when there is no server

    @classmethod
    def from_env(cls, instance_path: Path, mode: str) -> MailSettings:
        env = os.environ
        host = env.get("DPSUPPORT_SMTP_HOST") or None
        try:
            port = int(env.get("DPSUPPORT_SMTP_PORT") or 587)
        except ValueError:
            port = 587
        folder = None if host or mode == "production" else instance_path / MAIL_FOLDER
        return cls(host, port, env.get("DPSUPPORT_SMTP_USER") or None,
                   env.get("DPSUPPORT_SMTP_PASSWORD") or None,
                   env.get("DPSUPPORT_MAIL_FROM") or "dpsupport <no-reply@dpsupport.invalid>",
                   folder)


@dataclass(frozen=True)
class Sent:
    reference: str
    file: Path | None  # the file written, in the demo


def _message(settings: MailSettings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="dpsupport.invalid")
    message.set_content(body)
    return message


def send(settings: MailSettings, to: str, subject: str, body: str) -> Sent:
    """Send one plain-text message (or write it to the demo mail folder)."""
    reference = secrets.token_hex(4)
    message = _message(settings, to, subject, body)
    if settings.host:
        try:
            if settings.port == 465:
                with smtplib.SMTP_SSL(settings.host, settings.port, timeout=20,
                                      context=ssl.create_default_context()) as smtp:
                    _deliver(smtp, settings, message)
            else:
                with smtplib.SMTP(settings.host, settings.port, timeout=20) as smtp:
                    smtp.starttls(context=ssl.create_default_context())
                    _deliver(smtp, settings, message)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("mail %s (%s) not sent: %s", reference, subject, type(exc).__name__)
            raise MailError("The email could not be sent. Try again later.") from exc
        log.info("mail %s sent: %s", reference, subject)
        return Sent(reference, None)
    if settings.folder is None:
        log.warning("mail %s (%s) not sent: no mail server is set (DPSUPPORT_SMTP_HOST)",
                    reference, subject)
        return Sent(reference, None)
    settings.folder.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{reference}.eml"
    path = settings.folder / name
    path.write_bytes(bytes(message))
    log.info("mail %s written to the demo mail folder: %s", reference, subject)
    return Sent(reference, path)


def _deliver(smtp: smtplib.SMTP, settings: MailSettings, message: EmailMessage) -> None:
    if settings.user and settings.password:
        smtp.login(settings.user, settings.password)
    smtp.send_message(message)


@dataclass(frozen=True)
class Written:
    """A message in the demo mail folder, for the page that lists them."""

    name: str
    to: str
    subject: str
    sent: str
    body: str


def demo_messages(folder: Path, limit: int = 20) -> list[Written]:
    """The newest messages in the demo mail folder."""
    if not folder.is_dir():
        return []
    from email import policy
    from email.parser import BytesParser

    found = []
    for path in sorted(folder.iterdir(), reverse=True):
        if not _NAME.match(path.name):
            continue
        parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        body = parsed.get_body(preferencelist=("plain",))
        found.append(Written(path.name, str(parsed["To"]), str(parsed["Subject"]),
                             str(parsed["Date"]),
                             body.get_content() if body is not None else ""))
        if len(found) >= limit:
            break
    return found
