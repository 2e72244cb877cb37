"""Undoing an import, and finding imports and the lines they added."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from ...models import Attachment, StatementImport, Transaction
from ...models.base import utcnow
from ...text import format_pence, plural
from .. import audit
from ..sorting import exact_sum, joined
from .balance import compare_balance
from .errors import ImportRefused

# --- undo -------------------------------------------------------------------------------------

def undo_blockers(session: Session, record: StatementImport) -> str | None:
    """Why this import cannot be undone, or None."""
    if record.status != "imported":
        return "This import has already been undone."
    receipts = session.scalar(
        select(func.count()).select_from(Attachment).join(
            Transaction, Attachment.transaction_id == Transaction.id)
        .where(Transaction.import_id == record.id)) or 0
    if receipts:
        return (f"{plural(receipts, 'receipt')} {'is' if receipts == 1 else 'are'} attached to "
                "payments from this import. Remove the receipts first, so none is lost.")
    return None


def undo_import(session: Session, record: StatementImport) -> int:
    """Remove every line this import added, as one change. Returns how many."""
    reason = undo_blockers(session, record)
    if reason:
        raise ImportRefused(reason)
    count, high, low = session.execute(
        select(func.count(), *exact_sum(Transaction.amount_pence))
        .where(Transaction.import_id == record.id)).one()
    total = joined(high, low)
    from ..reconcile import forget_import

    forget_import(session, record.id)
    session.execute(delete(Transaction).where(Transaction.import_id == record.id),
                    execution_options={"synchronize_session": False})
    actor = audit.current_actor()
    record.status = "undone"
    record.undone_at = utcnow()
    record.undone_by_id = actor.user_id
    session.flush()
    from ..records import flags_later  # flags are worked out again as the undo ends

    session.expire_all()  # the lines were removed in bulk
    flags_later(session, record.holder_id)
    audit.record(session, "undone", "statement_import", entity_id=str(record.id),
                 holder_id=record.holder_id,
                 summary=f"Undid the import of {record.filename[:80]}: removed "
                         f"{plural(count, 'payment')} (net {format_pence(int(total))}).")
    return int(count)


def imports_for(session: Session, holder_id: int) -> list[StatementImport]:
    return list(session.scalars(
        select(StatementImport).where(StatementImport.holder_id == holder_id)
        .order_by(StatementImport.uploaded_at.desc(), StatementImport.id.desc())))


def import_for(session: Session, holder_id: int, import_id: int) -> StatementImport | None:
    return session.scalar(select(StatementImport).where(
        StatementImport.id == import_id, StatementImport.holder_id == holder_id))


@dataclass(frozen=True)
class ImportLines:
    """What an import's page shows of the lines it added."""

    first: list[Transaction]  # the first ``limit`` by date, with their receipts loaded
    still_here: int  # lines of the import still in the account
    unsorted: int  # ... of which not sorted yet


def balance_note(session: Session, record: StatementImport) -> str:
    """How the statement's closing balance compares with the balance here now ("" when
    the statement gave none)."""
    if record.closing_date is None or record.closing_balance_pence is None:
        return ""
    return compare_balance(session, record.account, record.closing_date,
                           record.closing_balance_pence, statement_from=record.statement_start)


def import_lines(session: Session, record: StatementImport, limit: int) -> ImportLines:
    first = list(session.scalars(
        select(Transaction).where(Transaction.import_id == record.id)
        .options(selectinload(Transaction.attachments))
        .order_by(Transaction.date, Transaction.id).limit(limit)))
    still_here, unsorted = session.execute(
        select(func.count(), func.count().filter(Transaction.category.is_(None)))
        .where(Transaction.import_id == record.id)).one()
    return ImportLines(first, int(still_here), int(unsorted))
