"""Accounts, money in and out, receipts, and statement imports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .base import Audited, Base, IntPk, Pence, ShortText, Timestamp, one_of, sensitive
from .people import Holder, User

# What kind of account an Account is (checked by @validates).
ACCOUNT_KINDS = {
    "bank": "Bank account",
    "prepaid_card": "Prepaid card",
    "managed": "Managed account",
    "cash": "Cash",
}


class Account(Audited, Base):
    __tablename__ = "account"

    id: Mapped[IntPk]
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), index=True)
    name: Mapped[ShortText]
    kind: Mapped[str] = mapped_column(String(20), default="bank")  # one of ACCOUNT_KINDS
    bank_name: Mapped[str | None] = mapped_column(String(100))
    # Only the last four digits: enough to tell accounts apart, useless to a thief.
    last4: Mapped[str | None] = mapped_column(String(4))
    # A column mapping the holder confirmed for this account's CSV statements (JSON).
    # Not secret, but it can hold column names from a bank file: only its change is audited.
    csv_mapping: Mapped[str | None] = mapped_column(Text, info=sensitive())
    # The bank account its first imported statement named: a SHA-256 of the sort code and
    # number (never the number itself) and the number's last four digits. A statement
    # naming another account is questioned before it is imported.
    statement_ref: Mapped[str | None] = mapped_column(String(64), info=sensitive())
    statement_last4: Mapped[str | None] = mapped_column(String(4))
    created_at: Mapped[Timestamp]

    holder: Mapped[Holder] = relationship()

    @validates("kind")
    def _check_kind(self, _key: str, value: str) -> str:
        return one_of(ACCOUNT_KINDS, value, "An account's kind")


class _StatementFile:
    """Which statement file, for whom, from whom: shared by an import and an upload."""

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    uploaded_at: Mapped[Timestamp]
    filename: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))


class StatementImport(_StatementFile, Audited, Base):
    """One uploaded statement file: who, when, what it added. It can be undone as a whole."""

    __tablename__ = "statement_import"

    id: Mapped[IntPk]
    file_format: Mapped[str] = mapped_column(String(40))
    statement_start: Mapped[date | None] = mapped_column(Date)
    statement_end: Mapped[date | None] = mapped_column(Date)
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0)
    # Plain-English notes: rejected lines with reasons, the balance check.
    problems: Mapped[str | None] = mapped_column(Text)
    balance_check: Mapped[str | None] = mapped_column(Text)
    # The statement's closing balance and its date, when it gives one: compared with the
    # balance here on that date on the import's page.
    closing_date: Mapped[date | None] = mapped_column(Date)
    closing_balance_pence: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default="imported")
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    account: Mapped[Account] = relationship()
    uploaded_by: Mapped[User | None] = relationship(foreign_keys="StatementImport.uploaded_by_id")


class Transaction(Audited, Base):
    """Money in (positive) or out (negative) of a holder's account."""

    __tablename__ = "money_transaction"
    __table_args__ = (
        UniqueConstraint("account_id", "dedupe_key"),
        Index("ix_money_transaction_holder_date", "holder_id", "date"),
        # Only lines keyed by a bank id have a fingerprint of their own (see imports.py).
        Index("ix_money_transaction_account_fingerprint", "account_id", "fingerprint",
              sqlite_where=text("fingerprint IS NOT NULL"),
              postgresql_where=text("fingerprint IS NOT NULL")),
        Index("ix_money_transaction_account_match", "account_id", "match_key",
              sqlite_where=text("match_key IS NOT NULL"),
              postgresql_where=text("match_key IS NOT NULL")),
    )

    id: Mapped[IntPk]
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"))
    # No index of its own: the unique (account_id, dedupe_key) index starts with it.
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    date: Mapped[date] = mapped_column(Date)
    amount_pence: Mapped[Pence]
    category: Mapped[str | None] = mapped_column(String(30))
    budget_line_id: Mapped[int | None] = mapped_column(ForeignKey("budget_line.id"))
    payee: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="manual")
    import_id: Mapped[int | None] = mapped_column(ForeignKey("statement_import.id"), index=True)
    # For imported lines: the key that stops a re-import adding the line twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(128))
    # The line's fingerprint (date, amount, description, occurrence) when the key above is
    # the bank's own id: a second way to recognise it. (When the key is the fingerprint it
    # is not stored twice.) See dpsupport.statements.dedupe.
    fingerprint: Mapped[str | None] = mapped_column(String(80))
    # For imported lines: date, amount, normalised payee and occurrence, whatever the file's
    # format, so the same payment from an OFX and a QIF is recognised when one of them has
    # no bank id (see services/imports/scan.py).
    match_key: Mapped[str | None] = mapped_column(String(80))
    bank_transaction_id: Mapped[str | None] = mapped_column(String(255))
    running_balance_pence: Mapped[int | None] = mapped_column(BigInteger)
    # The bank's own line, as read: personal data never copied into the audit trail.
    raw: Mapped[str | None] = mapped_column(Text, info=sensitive())
    created_at: Mapped[Timestamp]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    account: Mapped[Account] = relationship()
    statement_import: Mapped[StatementImport | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(back_populates="transaction")


class Attachment(Audited, Base):
    """A receipt or invoice on a transaction. The file lives in the database (one place to
    back up, nothing shared between app servers); its name here is for display only."""

    __tablename__ = "attachment"

    id: Mapped[IntPk]
    transaction_id: Mapped[int] = mapped_column(ForeignKey("money_transaction.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[Timestamp]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    transaction: Mapped[Transaction] = relationship(back_populates="attachments")
    blob: Mapped[AttachmentBlob] = relationship(uselist=False, back_populates="attachment")


class AttachmentBlob(Base):
    __tablename__ = "attachment_blob"

    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, info=sensitive())

    attachment: Mapped[Attachment] = relationship(back_populates="blob")


class PendingUpload(_StatementFile, Base):
    """A statement that has been uploaded and previewed but not yet imported.

    Kept in the database, not in memory or on one server's disk, so any app process can
    finish the import. Removed when the import is confirmed or cancelled; anything older
    than a day is cleared away.
    """

    __tablename__ = "pending_upload"

    id: Mapped[IntPk]
    # An unguessable reference for the web page: ids alone are never enough.
    token: Mapped[str] = mapped_column(String(64), unique=True, info=sensitive())
    # The column choices made on the mapping page, if any (JSON).
    mapping: Mapped[str | None] = mapped_column(Text)
    # What the check found (JSON, with lines from the bank's file) and the account's state it
    # was found against: shown again while that state holds, instead of reading the whole
    # file once more.
    checked: Mapped[str | None] = mapped_column(Text, info=sensitive())
    checked_state: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary, info=sensitive())
