"""Uploads waiting for the person to check them and press Import."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ...models import Account, PendingUpload
from ...models.base import utcnow
from ...statements import ColumnMapping
from .. import audit
from .importing import file_sha256

PENDING_LIFETIME = timedelta(days=1)


# --- uploads waiting for the person to confirm ------------------------------------------------

def save_pending(session: Session, account: Account, data: bytes, filename: str,
                 mapping: ColumnMapping | None = None) -> PendingUpload:
    clear_stale_pending(session)
    row = PendingUpload(
        token=secrets.token_urlsafe(32), account_id=account.id, holder_id=account.holder_id,
        uploaded_by_id=audit.current_actor().user_id, filename=filename[:255],
        file_sha256=file_sha256(data), data=data,
        mapping=json.dumps(mapping.to_dict()) if mapping else None)
    session.add(row)
    session.flush()
    return row


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


def clear_stale_pending(session: Session) -> None:
    session.execute(delete(PendingUpload).where(
        PendingUpload.uploaded_at < utcnow() - PENDING_LIFETIME),
        execution_options={"synchronize_session": False})


def drop_pending(session: Session, row: PendingUpload) -> None:
    session.delete(row)
