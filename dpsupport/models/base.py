"""Declarative base and shared column types.

Money is integer pence (`Pence`); dates are dates; timestamps are timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, String, event
from sqlalchemy.orm import DeclarativeBase, Mapper, mapped_column
from sqlalchemy.orm.attributes import instance_state

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


SENSITIVE = "sensitive"


def sensitive() -> dict[str, Any]:
    """``info=`` for a column whose value is never copied anywhere else, such as the audit
    trail: secrets (password and token hashes) and personal data (a bank's own lines, files,
    and, when they come, National Insurance numbers and bank details). The trail records
    only that it changed. Columns whose names suggest a secret must carry it (a test checks).
    """
    return {SENSITIVE: True}


def one_of(choices: Mapping[str, str], value: str, what: str) -> str:
    """``value`` if it is one of ``choices`` (code: label), for a model's ``@validates``.

    These values come from our own code and forms, never typed freely, so anything else is
    a mistake in the code: it fails loudly rather than storing a value nothing can read.
    """
    if value not in choices:
        raise ValueError(f"{what} must be one of {', '.join(choices)}, not {value!r}")
    return value


class Audited:
    """A model whose every change is written to the audit trail (dpsupport/services/audit.py),
    filed under the holder and the organisation the record belongs to.

    Each model says where to find them, as a path of attribute names read from the record:
    ``__holder_key__`` (by default its own ``holder_id`` column) and ``__organisation_key__``
    (by default none: the audit trail looks the organisation up from the holder). For
    example an agreement's amounts reach their holder through the agreement
    (``"agreement.holder_id"``), a holder is its own (``"id"``), and an organisation has no
    holder but is its own organisation.
    """

    __holder_key__: ClassVar[str | None] = "holder_id"
    __organisation_key__: ClassVar[str | None] = None

    def audit_scope(self) -> tuple[int | None, int | None]:
        """(holder id, organisation id) for this record's audit rows; None where unknown."""
        return _follow(self, self.__holder_key__), _follow(self, self.__organisation_key__)


@event.listens_for(Audited, "mapper_configured", propagate=True)
def _keep_values_before(mapper: Mapper[Any], cls: type[Any]) -> None:
    """The trail records each changed column's value before the change. SQLAlchemy does not
    read a value that was forgotten (after a rollback, or expired) before replacing it, so
    the trail would say "(empty)": on audited models, it reads it first."""
    for attr in mapper.column_attrs:
        attribute = getattr(cls, attr.key)
        if not event.contains(attribute, "set", _value_set):
            event.listen(attribute, "set", _value_set, active_history=True)


def _value_set(_target: Any, _value: Any, _old: Any, _initiator: Any) -> None:
    """Nothing to do: listening with active_history=True is what makes the old value read."""


def _follow(obj: Any, path: str | None) -> int | None:
    if path is None:
        return None
    value = obj
    for name in path.split("."):
        value = _attribute(value, name)
        if value is None:
            return None
    return value if isinstance(value, int) else None


def _attribute(obj: Any, name: str) -> Any:
    """obj.name; for a parent not loaded on a row that is new in this flush (where SQLAlchemy
    does not load it), the parent found by its id, from the session."""
    value = getattr(obj, name, None)
    if value is not None:
        return value
    state = instance_state(obj)
    relation = state.mapper.relationships.get(name)
    if relation is None or relation.uselist or state.session is None:
        return None
    pairs = relation.local_remote_pairs or []
    if len(pairs) != 1 or not pairs[0][1].primary_key:
        return None
    parent_id = state.attrs[state.mapper.get_property_by_column(pairs[0][0]).key].value
    if parent_id is None:
        return None
    return state.session.get(relation.mapper.class_, parent_id)


IntPk = Annotated[int, mapped_column(Integer, primary_key=True)]
Pence = Annotated[int, mapped_column(BigInteger)]
Timestamp = Annotated[datetime, mapped_column(DateTime(timezone=True), default=utcnow)]
ShortText = Annotated[str, mapped_column(String(200))]
