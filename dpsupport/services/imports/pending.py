"""Uploads waiting for the person to check them and press Import."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ...models import Account, PendingUpload, StatementImport, Transaction
from ...models.base import utcnow
from ...statements import ColumnMapping
from .. import audit
from .importing import file_sha256
from .summary import ImportSummary, from_stored, to_stored

PENDING_LIFETIME = timedelta(days=1)


# --- uploads waiting for the person to confirm ------------------------------------------------

def save_pending(session: Session, account: Account, data: bytes, filename: str,
                 mapping: ColumnMapping | None = None,
                 checked: ImportSummary | None = None) -> PendingUpload:
    """Keep an upload until the person presses Import, with what its check found."""
    clear_stale_pending(session)
    row = PendingUpload(
        token=secrets.token_urlsafe(32), account_id=account.id, holder_id=account.holder_id,
        uploaded_by_id=audit.current_actor().user_id, filename=filename[:255],
        file_sha256=file_sha256(data), data=data,
        mapping=json.dumps(mapping.to_dict()) if mapping else None)
    session.add(row)
    if checked is not None:
        keep_check(session, row, checked)
    session.flush()
    return row


def account_state(session: Session, account_id: int) -> str:
    """Changes whenever a check of a statement for this account could come out differently:
    a payment added anywhere (the highest id), one removed from this account (its count),
    or another import (the highest import id). Three look-ups on indexes."""
    newest = session.scalar(select(func.max(Transaction.id))) or 0
    count = session.scalar(select(func.count()).where(Transaction.account_id == account_id))
    last_import = session.scalar(select(func.max(StatementImport.id))) or 0
    return f"{newest}:{count}:{last_import}"


def keep_check(session: Session, row: PendingUpload, checked: ImportSummary) -> None:
    """Keep what the check of ``row`` found, with the state it was found in."""
    row.checked = to_stored(checked)
    row.checked_state = account_state(session, row.account_id)


def kept_check(session: Session, row: PendingUpload) -> ImportSummary | None:
    """What the last check of ``row`` found, if nothing has changed since; else None."""
    if not row.checked or row.checked_state != account_state(session, row.account_id):
        return None
    try:
        return from_stored(row.checked)
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def pending_for(session: Session, holder_id: int, token: str) -> PendingUpload | None:
    if not token or len(token) > 64:
        return None
    row = session.scalar(select(PendingUpload).where(
        PendingUpload.token == token, PendingUpload.holder_id == holder_id))
    if row is None:
        return None
    when = row.uploaded_at
    if when.tzinfo is None:  # SQLite gives back UTC times without their zone
        when = when.replace(tzinfo=UTC)
    return None if when < utcnow() - PENDING_LIFETIME else row


def pending_mapping(row: PendingUpload) -> ColumnMapping | None:
    return ColumnMapping.from_dict(json.loads(row.mapping)) if row.mapping else None


def set_pending_mapping(row: PendingUpload, mapping: ColumnMapping) -> None:
    row.mapping = json.dumps(mapping.to_dict())
    row.checked = row.checked_state = None  # checked with other columns


def clear_stale_pending(session: Session) -> None:
    session.execute(delete(PendingUpload).where(
        PendingUpload.uploaded_at < utcnow() - PENDING_LIFETIME),
        execution_options={"synchronize_session": False})


def drop_pending(session: Session, row: PendingUpload) -> None:
    session.delete(row)
