"""Every change to an audited model writes an audit row, in the same transaction.

The acting person is set per request (or per command) with `acting_as`. Rows are written
with a plain INSERT after the flush, so they cannot be forgotten by a view and add no
extra flush. A column flagged sensitive (``info=sensitive()`` in dpsupport/models/base.py:
secrets, raw bank lines, personal data) never has its value copied into the trail; the row
says only that it was set or changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, event, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import ColumnProperty, InstanceState, Session
from sqlalchemy.orm.attributes import instance_state

from ..models import AuditEvent, Holder
from ..models.base import SENSITIVE, Audited, utcnow

# What the trail shows in place of a sensitive column's value.
NOT_RECORDED = "(not recorded)"
CHANGED = "changed"


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str


SYSTEM = Actor(None, "dpsupport (automatic)")
_actor: ContextVar[Actor] = ContextVar("audit_actor", default=SYSTEM)


@contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def set_actor(actor: Actor) -> None:
    _actor.set(actor)


def current_actor() -> Actor:
    return _actor.get()


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def _is_sensitive(attr: ColumnProperty[Any]) -> bool:
    return any(column.info.get(SENSITIVE) for column in attr.columns)


def _shown(attr: ColumnProperty[Any], value: Any) -> Any:
    """A value as the trail keeps it: a sensitive one only as "there is one"."""
    if _is_sensitive(attr):
        return None if value is None else NOT_RECORDED
    return _plain(value)


def _columns(state: InstanceState[Any]) -> dict[str, Any]:
    return {
        attr.key: _shown(attr, state.attrs[attr.key].value)
        for attr in state.mapper.column_attrs
    }


def _changes(state: InstanceState[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                if _is_sensitive(attr):
                    before[attr.key], after[attr.key] = NOT_RECORDED, CHANGED
                else:
                    before[attr.key], after[attr.key] = _plain(old), _plain(new)
    return before, after


def _entity_id(state: InstanceState[Any]) -> str | None:
    """The row's id. A new row has no identity key until after this flush, only its
    primary key, so read that."""
    key = state.identity or state.mapper.primary_key_from_instance(state.obj())
    return str(key[0]) if key and key[0] is not None else None


def _scope(obj: Audited) -> tuple[int | None, int | None]:
    """(holder id, organisation id) to file the row under (see models.base.Audited)."""
    try:
        return obj.audit_scope()
    except SQLAlchemyError:  # a parent relationship that cannot be loaded mid-flush
        return None, None


def _after_flush(session: Session, _context: Any) -> None:
    rows: list[dict[str, Any]] = []
    for action, objects in (
        ("created", session.new),
        ("changed", session.dirty),
        ("deleted", session.deleted),
    ):
        for obj in objects:
            if not isinstance(obj, Audited):
                continue
            state = instance_state(obj)
            if action == "created":
                before, after = None, _columns(state)
            elif action == "deleted":
                before, after = _columns(state), None
            else:
                if not session.is_modified(obj, include_collections=False):
                    continue
                before, after = _changes(state)
                if not after:
                    continue
            holder_id, organisation_id = _scope(obj)
            rows.append(
                {
                    "entity": cast(Table, state.mapper.local_table).name,
                    "entity_id": _entity_id(state),
                    "holder_id": holder_id,
                    "organisation_id": organisation_id,
                    "action": action,
                    "before": json.dumps(before, sort_keys=True) if before is not None else None,
                    "after": json.dumps(after, sort_keys=True) if after is not None else None,
                }
            )
    if rows:
        write_events(session, rows)


def write_events(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert audit rows for the current actor (also used directly for bulk operations)."""
    actor = current_actor()
    holder_ids = {r["holder_id"] for r in rows if r.get("holder_id")}
    orgs: dict[int, int] = {}
    if holder_ids:
        conn = session.connection()
        for hid, org in conn.execute(
            select(Holder.id, Holder.organisation_id).where(Holder.id.in_(holder_ids))
        ):
            orgs[hid] = org
    now = utcnow()
    values = []
    for r in rows:
        org = r.get("organisation_id") or orgs.get(r.get("holder_id") or -1)
        values.append(
            {
                "at": now,
                "actor_id": actor.user_id,
                "actor_name": actor.name,
                "organisation_id": org,
                "holder_id": r.get("holder_id"),
                "action": r["action"],
                "entity": r["entity"],
                "entity_id": r.get("entity_id"),
                "before": r.get("before"),
                "after": r.get("after"),
                "summary": r.get("summary"),
            }
        )
    session.connection().execute(insert(AuditEvent), values)


def record(session: Session, action: str, entity: str, *, entity_id: str | None = None,
           holder_id: int | None = None, organisation_id: int | None = None,
           summary: str | None = None) -> None:
    """An audit row for something that is not a row change (signing in, an import, an undo)."""
    write_events(
        session,
        [
            {
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "holder_id": holder_id,
                "organisation_id": organisation_id,
                "summary": summary,
            }
        ],
    )


def install(session_class: type[Session] = Session) -> None:
    if not event.contains(session_class, "after_flush", _after_flush):
        event.listen(session_class, "after_flush", _after_flush)
