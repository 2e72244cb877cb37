"""Reading and changing a holder's records. Every lookup is scoped to the holder, so an id
from someone else's records finds nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from ..errors import UserError
from ..models import (
    Account,
    AgreementAmount,
    Attachment,
    AttachmentBlob,
    BudgetLine,
    FundingAgreement,
    Holder,
    OneOffPayment,
    Transaction,
)
from ..models.funding import CATEGORIES, INCOME_CATEGORIES
from .audit import current_actor

ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG picture",
    "image/png": "PNG picture",
    "image/heic": "iPhone picture (HEIC)",
}
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


class RecordError(UserError):
    """A change to a holder's records that cannot be made (see `dpsupport.errors`)."""


# --- accounts -------------------------------------------------------------------------------

def main_account(session: Session, holder: Holder) -> Account:
    account = session.scalar(
        select(Account).where(Account.holder_id == holder.id).order_by(Account.id).limit(1)
    )
    if account is None:
        account = Account(holder_id=holder.id, name="Direct payment account", kind="bank")
        session.add(account)
        session.flush()
    return account


def accounts(session: Session, holder: Holder) -> list[Account]:
    return list(session.scalars(select(Account).where(Account.holder_id == holder.id)))


# --- plan -----------------------------------------------------------------------------------

def budget_lines(session: Session, holder: Holder) -> list[BudgetLine]:
    return list(
        session.scalars(
            select(BudgetLine).where(BudgetLine.holder_id == holder.id).order_by(BudgetLine.id)
        )
    )


def budget_line(session: Session, holder: Holder, line_id: int) -> BudgetLine | None:
    return session.scalar(
        select(BudgetLine).where(BudgetLine.id == line_id, BudgetLine.holder_id == holder.id)
    )


def delete_budget_line(session: Session, line: BudgetLine) -> None:
    used = session.scalar(
        select(func.count()).where(Transaction.budget_line_id == line.id)
    )
    if used:
        raise RecordError(
            f"{used} payment{'s are' if used != 1 else ' is'} linked to this line. Move "
            "them to another line first, so your spending history stays complete.")
    session.delete(line)


# --- agreement ------------------------------------------------------------------------------

def current_agreement(session: Session, holder: Holder) -> FundingAgreement | None:
    return session.scalar(
        select(FundingAgreement)
        .where(FundingAgreement.holder_id == holder.id)
        .order_by(FundingAgreement.start_date.desc(), FundingAgreement.id.desc())
        .limit(1)
    )


def add_amount_change(session: Session, agreement: FundingAgreement, effective: date,
                      amount_pence: int) -> AgreementAmount:
    if effective < agreement.start_date:
        raise RecordError("The new amount must start on or after the agreement's start date")
    if any(a.effective_date == effective for a in agreement.amounts):
        raise RecordError("There is already an amount starting on that date. Change the date")
    row = AgreementAmount(agreement=agreement, effective_date=effective, amount_pence=amount_pence)
    session.add(row)
    return row


def add_one_off(session: Session, agreement: FundingAgreement, when: date, amount_pence: int,
                description: str) -> OneOffPayment:
    if when < agreement.start_date or (agreement.end_date and when > agreement.end_date):
        raise RecordError("The date must be within the agreement")
    row = OneOffPayment(agreement=agreement, date=when, amount_pence=amount_pence,
                        description=description)
    session.add(row)
    return row


# --- transactions ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TransactionFilter:
    start: date | None = None
    end: date | None = None
    category: str | None = None  # a category, "unsorted", or None for all
    direction: str | None = None  # "in" | "out" | None
    text: str | None = None


def transactions_query(holder: Holder, f: TransactionFilter) -> Select[tuple[Transaction]]:
    q = select(Transaction).where(Transaction.holder_id == holder.id)
    if f.start:
        q = q.where(Transaction.date >= f.start)
    if f.end:
        q = q.where(Transaction.date <= f.end)
    if f.category == "unsorted":
        q = q.where(Transaction.category.is_(None))
    elif f.category:
        q = q.where(Transaction.category == f.category)
    if f.direction == "in":
        q = q.where(Transaction.amount_pence > 0)
    elif f.direction == "out":
        q = q.where(Transaction.amount_pence < 0)
    if f.text:
        like = f"%{f.text.lower()}%"
        q = q.where(
            func.lower(func.coalesce(Transaction.payee, "")).like(like)
            | func.lower(func.coalesce(Transaction.description, "")).like(like)
            | func.lower(func.coalesce(Transaction.note, "")).like(like)
        )
    # the list marks payments with a receipt: load those in one query, not one per row
    return q.order_by(Transaction.date.desc(), Transaction.id.desc()).options(
        selectinload(Transaction.attachments))


def transaction(session: Session, holder: Holder, transaction_id: int) -> Transaction | None:
    return session.scalar(
        select(Transaction).where(
            Transaction.id == transaction_id, Transaction.holder_id == holder.id
        )
    )


def all_transactions(session: Session, holder: Holder) -> list[Transaction]:
    return list(
        session.scalars(
            select(Transaction)
            .where(Transaction.holder_id == holder.id)
            .order_by(Transaction.date, Transaction.id)
        )
    )


def check_category(category: str | None, amount_pence: int) -> None:
    if category is None:
        return
    if amount_pence > 0 and category in CATEGORIES and category != "other":
        # A refund of spending is allowed: it reduces that line's spend.
        return
    if category not in CATEGORIES and category not in INCOME_CATEGORIES:
        raise RecordError("Select a category from the list")
    if amount_pence < 0 and category in INCOME_CATEGORIES:
        raise RecordError("That category is for money coming in. Choose a spending category")


def save_transaction(session: Session, holder: Holder, tx: Transaction | None, *,
                     when: date, amount_pence: int, category: str | None,
                     budget_line_id: int | None, payee: str | None,
                     note: str | None) -> Transaction:
    check_category(category, amount_pence)
    if budget_line_id is not None and budget_line(session, holder, budget_line_id) is None:
        raise RecordError("Select a line from your support plan")
    if tx is None:
        tx = Transaction(holder_id=holder.id, account_id=main_account(session, holder).id,
                         source="manual", created_by_id=current_actor().user_id)
        session.add(tx)
    tx.date = when
    tx.amount_pence = amount_pence
    tx.category = category
    tx.budget_line_id = budget_line_id
    tx.payee = payee or None
    tx.note = note or None
    return tx


def delete_transaction(session: Session, tx: Transaction) -> None:
    if tx.source != "manual":
        raise RecordError(
            "This payment came from a bank statement, so it cannot be deleted on its own. "
            "You can undo the whole statement import instead.")
    for attachment in tx.attachments:
        if attachment.blob is not None:
            session.delete(attachment.blob)
        session.delete(attachment)
    session.delete(tx)


# --- attachments ----------------------------------------------------------------------------

def sniff_type(data: bytes) -> str | None:
    """What the file really is, from its first bytes (never trust the name or the browser)."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return "image/heic"
    return None


def add_attachment(session: Session, holder: Holder, tx: Transaction, filename: str,
                   data: bytes) -> Attachment:
    if not data:
        raise RecordError("The selected file is empty")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise RecordError("The selected file must be smaller than 5MB")
    content_type = sniff_type(data)
    if content_type is None:
        raise RecordError("The selected file must be a PDF, JPEG, PNG or HEIC")
    safe_name = "".join(ch for ch in filename if ch.isalnum() or ch in " ._-()")[:200] or "receipt"
    attachment = Attachment(
        transaction=tx, holder_id=holder.id, filename=safe_name, content_type=content_type,
        size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=current_actor().user_id,
    )
    session.add(attachment)
    session.add(AttachmentBlob(attachment=attachment, data=data))
    return attachment


def attachment(session: Session, holder: Holder, attachment_id: int) -> Attachment | None:
    return session.scalar(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.holder_id == holder.id)
    )
