"""Reading and changing a holder's records. Every lookup is scoped to the holder, so an id
from someone else's records finds nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from ..errors import UserError
from ..models import (
    Account,
    Attachment,
    AttachmentBlob,
    BudgetLine,
    FundingAgreement,
    Holder,
    Transaction,
    User,
)
from ..models.funding import ALL_CATEGORIES, CATEGORIES, INCOME_CATEGORIES
from ..text import file_size, long_date
from .access import visible_holders
from .audit import current_actor
from .uow import in_transaction, transactional

if TYPE_CHECKING:
    from .sorting import Choice

# Re-exported: views name these in type hints and labels, importing them from here, not
# from models (web views do not import dpsupport.models).
REEXPORTED = (ALL_CATEGORIES, CATEGORIES, INCOME_CATEGORIES, Attachment, BudgetLine,
              FundingAgreement, Holder, Transaction, User)

# The kinds of file a receipt may be (what its first bytes say: `sniff_type`), by the names
# people know them by; the messages and the upload hint are made from this list.
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/heic": "HEIC",
}
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


def attachment_types_text() -> str:
    """'PDF, JPEG, PNG or HEIC'."""
    names = list(ALLOWED_ATTACHMENT_TYPES.values())
    return f"{', '.join(names[:-1])} or {names[-1]}"


class RecordError(UserError):
    """A change to a holder's records that cannot be made (see `dpsupport.errors`)."""


# --- holders -------------------------------------------------------------------------------

STAFF_ROLES = ("support_worker", "finance_officer", "org_admin")


def holders_for(session: Session, user: User) -> list[Holder]:
    """The holders this person may see (services.access decides who)."""
    return list(session.scalars(visible_holders(user)))


def is_staff(user: User) -> bool:
    """Works for an organisation (rather than managing their own direct payment)."""
    return any(m.role in STAFF_ROLES for m in user.memberships)


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


# --- agreement ------------------------------------------------------------------------------

def current_agreement(session: Session, holder: Holder) -> FundingAgreement | None:
    return session.scalar(
        select(FundingAgreement)
        .where(FundingAgreement.holder_id == holder.id)
        .order_by(FundingAgreement.start_date.desc(), FundingAgreement.id.desc())
        .limit(1)
    )


def agreement_dates(agreement: FundingAgreement) -> str:
    """The agreement's dates in words: 'from 6 April 2026', or 'from 6 April 2026 to 5 April
    2027'."""
    text = f"from {long_date(agreement.start_date)}"
    if agreement.end_date:
        text += f" to {long_date(agreement.end_date)}"
    return text


# --- transactions ---------------------------------------------------------------------------

MAX_SEARCH_LENGTH = 100
PAGE_SIZE = 50
# The last page anyone can ask for: (page - 1) * PAGE_SIZE stays far inside a 64-bit offset,
# whatever number is typed into the address.
MAX_PAGE = 1_000_000


def clean_text(text: str | None) -> str:
    """Text as a database can store and compare it: without NUL characters (PostgreSQL
    refuses them in text) and without spaces at either end."""
    return (text or "").replace("\x00", "").strip()


@dataclass(frozen=True)
class TransactionFilter:
    start: date | None = None
    end: date | None = None
    category: str | None = None  # a category, "unsorted", or None for all
    direction: str | None = None  # "in" | "out" | None
    text: str | None = None


def _like_pattern(text: str) -> str:
    """'50%' -> '%50\\%%': the search matches the text itself, with % and _ as themselves."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


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
    text = clean_text(f.text)[:MAX_SEARCH_LENGTH]
    if text:
        like = _like_pattern(text)
        q = q.where(
            func.lower(func.coalesce(Transaction.payee, "")).like(like, escape="\\")
            | func.lower(func.coalesce(Transaction.description, "")).like(like, escape="\\")
            | func.lower(func.coalesce(Transaction.note, "")).like(like, escape="\\")
        )
    # the list marks payments with a receipt: load those in one query, not one per row
    return q.order_by(Transaction.date.desc(), Transaction.id.desc()).options(
        selectinload(Transaction.attachments))


def list_transactions(session: Session, holder: Holder, f: TransactionFilter,
                      page: int = 1) -> tuple[list[Transaction], bool]:
    """One page of the holder's payments that match ``f``, newest first, and whether there
    is a next page. A page past the end is empty."""
    page = min(max(page, 1), MAX_PAGE)
    rows = list(session.scalars(transactions_query(holder, f)
                                .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


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


# Spending that money can come back on (a refund from a shop, wages paid back by a personal
# assistant). "Other" is not one: other money coming in is "Other money in".
REFUNDABLE = {k: v for k, v in CATEGORIES.items() if k != "other"}


def category_label(category: str | None, amount_pence: int) -> str:
    """How a payment's category reads: money in with a spending category is money back on
    that spending (see `check_category`)."""
    if category is None:
        return "Not sorted yet"
    if amount_pence > 0 and category in REFUNDABLE:
        return f"Money back on: {CATEGORIES[category]}"
    return ALL_CATEGORIES.get(category, category)


def check_category(category: str | None, amount_pence: int) -> None:
    """The rule for a payment's category and the direction of its money.

    Money out is spending: one of the spending categories (CATEGORIES), never a kind of money
    in. Money in is one of the kinds of money in (INCOME_CATEGORIES), or money back on a kind
    of spending (REFUNDABLE): it lowers what was spent on that line, so a refund of £20 on
    equipment leaves equipment £20 less spent. Anything else is refused with what to choose.
    """
    if category is None:
        return
    if category not in ALL_CATEGORIES:
        raise RecordError("Select a category from the list", field="category")
    if amount_pence < 0 and category in INCOME_CATEGORIES:
        raise RecordError("That category is for money coming in. Choose a spending category",
                          field="category")
    if amount_pence > 0 and category in CATEGORIES and category not in REFUNDABLE:
        raise RecordError(
            f"That category is for money going out. For other money coming in, choose "
            f"{INCOME_CATEGORIES['other_income']}", field="category")


def _check_date(session: Session, holder: Holder, when: date) -> None:
    agreement = current_agreement(session, holder)
    if agreement is None:
        return
    if when < agreement.start_date or (agreement.end_date and when > agreement.end_date):
        raise RecordError(
            "Enter a date within the funding agreement, which runs "
            f"{agreement_dates(agreement)}", field="date",
            next_step="If the agreement's dates are wrong, change them on the funding "
                      "agreement page first.")


@transactional
def save_transaction(session: Session, holder: Holder, tx: Transaction | None, *,
                     when: date, amount_pence: int, category: str | None,
                     budget_line_id: int | None, payee: str | None,
                     note: str | None) -> Transaction:
    """Add a payment typed in by hand (``tx`` None) or change one. Its date must be within
    the funding agreement (when it is new or the date changes: payments from a statement
    keep the date the bank gave them), its category must fit the direction of the money."""
    if amount_pence == 0:
        raise RecordError("Enter an amount more than £0", field="amount")
    if tx is None or tx.date != when:
        _check_date(session, holder, when)
    check_category(category, amount_pence)
    if budget_line_id is not None and budget_line(session, holder, budget_line_id) is None:
        raise RecordError("Select a line from your support plan", field="budget_line")
    if tx is None:
        tx = Transaction(holder_id=holder.id, account_id=main_account(session, holder).id,
                         source="manual", created_by_id=current_actor().user_id)
        session.add(tx)
    elif tx.id is not None and (tx.date != when or tx.amount_pence != amount_pence):
        # what was matched to this payment in reconciliation no longer holds
        from .reconcile import forget_transactions

        forget_transactions(session, [tx.id])
    tx.date = when
    tx.amount_pence = amount_pence
    tx.category = category
    tx.budget_line_id = budget_line_id
    tx.payee = clean_text(payee) or None
    tx.note = clean_text(note) or None
    flags_again(session, holder.id)
    return tx


def flags_later(session: Session, holder_id: int) -> None:
    """Work the holder's flags out again when this unit of work ends (services/flags.later),
    once however many changes ask for it; at once when there is no unit of work."""
    from .flags import later, refresh_by_id  # flags reads records through this module

    if in_transaction(session):
        later(session, holder_id)
    else:
        session.flush()
        refresh_by_id(session, holder_id)


def flags_again(session: Session, holder_id: int) -> None:
    """Work the holder's flags out again for this change (``flags_later``)."""
    flags_later(session, holder_id)


@transactional
def delete_transaction(session: Session, tx: Transaction) -> None:
    """Remove a payment typed in by hand, with its receipts. The audit trail keeps the
    record of it (who changed what)."""
    if tx.source != "manual":
        raise RecordError(
            "This payment came from a bank statement, so it cannot be removed on its own. "
            "You can undo the whole statement import instead.")
    from .reconcile import forget_transactions

    forget_transactions(session, [tx.id])
    from .flags import forget_attachments

    forget_attachments(session, [a.id for a in tx.attachments])
    for attachment in tx.attachments:
        if attachment.blob is not None:
            session.delete(attachment.blob)
        session.delete(attachment)
    session.delete(tx)
    flags_again(session, tx.holder_id)


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


@transactional
def add_attachment(session: Session, holder: Holder, tx: Transaction, filename: str,
                   data: bytes) -> Attachment:
    if not data:
        raise RecordError("The selected file is empty. Choose the file again, or another one",
                          field="file")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise RecordError(
            f"The selected file must be smaller than {file_size(MAX_ATTACHMENT_BYTES)}",
            field="file")
    content_type = sniff_type(data)
    if content_type not in ALLOWED_ATTACHMENT_TYPES:
        raise RecordError(f"The selected file must be a {attachment_types_text()}",
                          field="file")
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


@transactional
def sort_payments(session: Session, holder: Holder, choices: list[Choice]) -> int:
    """`sorting.sort_payments` as one transaction (the sorting page's use case): all the
    chosen groups are sorted, or none."""
    from .sorting import sort_payments as sort  # sorting builds on this module

    done = sort(session, holder, choices)
    flags_again(session, holder.id)
    return done
