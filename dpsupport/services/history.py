"""Who changed what: a holder's audit trail, a page at a time, newest first, each change
written as a sentence (`history_words`) with its details underneath.

The stored record is not changed: it keeps every column's value as it was. To write about
the ids in it ("Plan line: Day centre"), the records they point to are fetched for the whole
page at once, one query per table (and again for what those point to, at most
`LOOKUP_ROUNDS` times), never one per row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Integer, Time, select
from sqlalchemy.orm import Session

from ..models import AuditEvent, Holder
from ..models.base import SENSITIVE, Audited, Base
from . import history_words as words
from .audit import _plain

PAGE_SIZE = 50
LOOKUP_ROUNDS = 3
# Of a person, only the name is ever shown.
_ONLY = {"app_user": ("id", "name")}


@dataclass(frozen=True)
class Change:
    """One row of the audit trail, with its before and after values read back from JSON,
    and the same in words."""

    at: datetime
    actor_name: str
    action: str
    entity: str
    summary: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    words: words.Words


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


def _column_kind(column: Any) -> str:
    kind = column.type
    if column.name.endswith("_pence") and isinstance(kind, BigInteger | Integer):
        return "money"
    if isinstance(kind, DateTime):
        return "moment"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, Time):
        return "time"
    if isinstance(kind, Boolean):
        return "bool"
    if isinstance(kind, Integer):
        return "number"
    return "text"


@cache
def schema() -> dict[str, dict[str, words.Column]]:
    """What each column of each table holds, read from the models (for the words)."""
    found: dict[str, dict[str, words.Column]] = {}
    for name, table in Base.metadata.tables.items():
        columns: dict[str, words.Column] = {}
        for column in table.columns:
            refs = [fk.column.table.name for fk in column.foreign_keys]
            columns[column.name] = words.Column(
                _column_kind(column), refs[0] if len(refs) == 1 else None,
                bool(column.info.get(SENSITIVE)))
        found[name] = columns
    return found


def _audited_tables() -> set[str]:
    return {m.local_table.name for m in Base.registry.mappers  # type: ignore[attr-defined]
            if issubclass(m.class_, Audited)}


def _wanted(table: str, values: dict[str, Any] | None,
            into: dict[str, set[int]]) -> None:
    """Add the ids in ``values`` (a row of ``table``) to ``into``, by the table they name."""
    columns = schema().get(table, {})
    for name, value in (values or {}).items():
        ref = columns.get(name, words.Column()).ref
        if ref is not None and isinstance(value, int) and not isinstance(value, bool):
            into.setdefault(ref, set()).add(value)


def _fetch(session: Session, table_name: str, ids: set[int]) -> dict[int, dict[str, Any]]:
    table = Base.metadata.tables[table_name]
    names = _ONLY.get(table_name)
    columns = [c for c in table.columns
               if not c.info.get(SENSITIVE) and (names is None or c.name in names)]
    rows = session.execute(select(*columns).where(table.c.id.in_(sorted(ids)))).mappings()
    return {row["id"]: {k: _plain(v) for k, v in row.items()} for row in rows}


def lookup_for(session: Session, events: list[AuditEvent],
               loaded: list[tuple[dict[str, Any] | None, dict[str, Any] | None]],
               holder: Holder) -> dict[str, dict[int, dict[str, Any]]]:
    """The records the page's ids point to (and the changed records as they are now),
    one query per table per round. Only tables whose rows belong to a holder are read
    filtered by this holder; people are read by name only."""
    wanted: dict[str, set[int]] = {}
    for event, (before, after) in zip(events, loaded, strict=True):
        _wanted(event.entity, before, wanted)
        _wanted(event.entity, after, wanted)
        if event.action == "changed" and event.entity_id and event.entity_id.isdigit():
            wanted.setdefault(event.entity, set()).add(int(event.entity_id))
    found: dict[str, dict[int, dict[str, Any]]] = {}
    allowed = _audited_tables() | set(_ONLY)
    for _round in range(LOOKUP_ROUNDS):
        todo = {t: ids - set(found.get(t, {})) for t, ids in wanted.items() if t in allowed}
        todo = {t: ids for t, ids in todo.items() if ids}
        if not todo:
            break
        wanted = {}
        for table_name, ids in todo.items():
            rows = _fetch(session, table_name, ids)
            rows = {k: v for k, v in rows.items() if _belongs(v, holder)}
            found.setdefault(table_name, {}).update(rows)
            for values in rows.values():
                _wanted(table_name, values, wanted)
    return found


def _belongs(values: dict[str, Any], holder: Holder) -> bool:
    """A row read for the words is this holder's (or has no holder of its own, like a
    person's name or a record reached through one that is)."""
    owner = values.get("holder_id")
    return owner is None or owner == holder.id


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
    shown = rows[:PAGE_SIZE]
    loaded = [(_load(e.before), _load(e.after)) for e in shown]
    lookup = lookup_for(session, shown, loaded, holder)
    changes = tuple(
        Change(e.at, e.actor_name, e.action, e.entity, e.summary, before, after,
               words.describe(words.Event(e.at, e.actor_name, e.action, e.entity,
                                          e.entity_id, e.summary, before, after),
                              schema(), lookup))
        for e, (before, after) in zip(shown, loaded, strict=True)
    )
    return HistoryPage(changes, page, len(rows) > PAGE_SIZE)


__all__ = ["Change", "HistoryPage", "holder_history"]
