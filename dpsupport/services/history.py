"""Who changed what: a holder's audit trail, a page at a time, newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditEvent, Holder

PAGE_SIZE = 50


@dataclass(frozen=True)
class Change:
    """One row of the audit trail, with its before and after values read back from JSON."""

    at: datetime
    actor_name: str
    action: str
    entity: str
    summary: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class HistoryPage:
    changes: tuple[Change, ...]
    page: int
    has_next: bool


def _load(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None


def holder_history(session: Session, holder: Holder, page: int) -> HistoryPage:
    """Page ``page`` (from 1) of the changes to ``holder``'s records, newest first."""
    page = max(1, page)
    rows = list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.holder_id == holder.id)
            .order_by(AuditEvent.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    changes = tuple(
        Change(e.at, e.actor_name, e.action, e.entity, e.summary, _load(e.before), _load(e.after))
        for e in rows[:PAGE_SIZE]
    )
    return HistoryPage(changes, page, len(rows) > PAGE_SIZE)
