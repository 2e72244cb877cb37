"""Declarative base and shared column types.

Money is integer pence (`Pence`); dates are dates; timestamps are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, mapped_column

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
    # Models whose changes go to the audit trail set this, and say how to find the holder.
    __audited__ = False


IntPk = Annotated[int, mapped_column(Integer, primary_key=True)]
Pence = Annotated[int, mapped_column(BigInteger)]
Timestamp = Annotated[datetime, mapped_column(DateTime(timezone=True), default=utcnow)]
ShortText = Annotated[str, mapped_column(String(200))]
