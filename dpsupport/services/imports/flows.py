"""The statement use cases the web pages and the command line call.

Each is one transaction (`@transactional`): it commits when it returns and rolls back when
it raises, so neither the pages nor the command line ever commit or roll back. Anything a
person asked for that cannot be done is an `ImportRefused` (a `UserError`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Account, PendingUpload, StatementImport
from ...statements import ColumnMapping
from .. import audit
from ..uow import transactional
from .errors import ImportRefused, NeedsMapping
from .importing import import_statement, preview
from .pending import (
    drop_pending,
    keep_check,
    kept_check,
    pending_for,
    pending_mapping,
    save_pending,
    set_pending_mapping,
)
from .summary import ImportSummary, Limits
from .undo import import_for, undo_import

GONE = ("This statement has already been imported, or its upload was cancelled, so nothing "
        "more was imported.")


@dataclass(frozen=True)
class Uploaded:
    token: str
    needs_mapping: bool  # next: the page that asks which column is which


@transactional
def upload(session: Session, account: Account, data: bytes, filename: str) -> Uploaded:
    """Check the file can be read and keep it until the person presses Import."""
    checked = preview(session, account, data, filename)
    row = save_pending(session, account, data, filename,
                       checked=checked if isinstance(checked, ImportSummary) else None)
    audit.record(session, "uploaded", "pending_upload", holder_id=account.holder_id,
                 summary=f"Uploaded statement {filename[:80]} for checking")
    return Uploaded(row.token, isinstance(checked, NeedsMapping))


@transactional
def choose_columns(session: Session, row: PendingUpload, account: Account,
                   mapping: ColumnMapping) -> ImportSummary:
    """Read the waiting file with the person's column choices and keep them if it works."""
    checked = preview(session, account, row.data, row.filename, mapping=mapping)
    if isinstance(checked, NeedsMapping):
        raise ImportRefused("We still could not read the file with these choices. Please "
                            "check the columns.")
    if checked.read_count == 0:
        first = checked.problems[0].reason if checked.problems else ""
        raise ImportRefused("We could not read any payments with these choices. "
                            + (f"{first} " if first else "")
                            + "Please check the columns and how the dates are written.")
    set_pending_mapping(row, mapping)
    keep_check(session, row, checked)
    audit.record(session, "updated", "pending_upload", holder_id=account.holder_id,
                 summary=f"Chose the columns for statement {row.filename[:80]}")
    return checked


def _claim(session: Session, holder_id: int, token: str) -> PendingUpload:
    """The waiting upload, locked for this transaction: of several confirmations at the same
    moment, one gets it and the others, once it has gone, are told so."""
    row = pending_for(session, holder_id, token)
    if row is not None:
        row = session.scalar(select(PendingUpload).where(PendingUpload.id == row.id)
                             .with_for_update()
                             .execution_options(populate_existing=True))
    if row is None:
        raise ImportRefused(GONE)
    return row


def check(session: Session, row: PendingUpload, account: Account
          ) -> ImportSummary | NeedsMapping:
    """What importing a waiting upload would do: as its last check found, while nothing
    has changed in the account since, so the file is not read again for every look."""
    kept = kept_check(session, row)
    if kept is not None:
        return kept
    return preview(session, account, row.data, row.filename, mapping=pending_mapping(row))


@transactional
def confirm(session: Session, holder_id: int, token: str, *,
            accept_problems: bool = False, different_account: bool = False) -> ImportSummary:
    """Import a waiting upload, exactly once, and let it go."""
    row = _claim(session, holder_id, token)
    account = session.get(Account, row.account_id)
    if account is None or account.holder_id != holder_id:
        raise ImportRefused(GONE)
    mapping = pending_mapping(row)
    summary = import_statement(session, account, row.data, row.filename, mapping=mapping,
                               accept_problems=accept_problems,
                               different_account=different_account,
                               remember_mapping=mapping is not None)
    drop_pending(session, row)
    return summary


@transactional
def cancel(session: Session, row: PendingUpload) -> None:
    name = row.filename
    drop_pending(session, row)
    audit.record(session, "cancelled", "pending_upload", holder_id=row.holder_id,
                 summary=f"Cancelled the upload of {name[:80]}: nothing was imported")


@transactional
def undo(session: Session, holder_id: int, import_id: int) -> int:
    """Undo an import; how many payments it removed."""
    record = import_for(session, holder_id, import_id)
    if record is None:
        raise ImportRefused("There is no such import.")
    return undo_import(session, record)


@transactional
def import_file(session: Session, account: Account, data: bytes, filename: str, *,
                profile: str | None = None, limits: Limits = Limits(),
                accept_problems: bool = False, different_account: bool = False
                ) -> ImportSummary:
    """The command line's import: one file, all or nothing."""
    return import_statement(session, account, data, filename, profile=profile,
                            limits=limits, accept_problems=accept_problems,
                            different_account=different_account)


def account_by_id(session: Session, account_id: int) -> Account | None:
    return session.get(Account, account_id)


__all__ = ["GONE", "Account", "PendingUpload", "StatementImport", "Uploaded", "account_by_id",
           "cancel", "check", "choose_columns", "confirm", "import_file", "undo", "upload"]
