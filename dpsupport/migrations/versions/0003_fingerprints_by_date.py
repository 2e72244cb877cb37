"""imported lines: fingerprints in the new shape, which starts with the date

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:00:00

Fingerprints were "fp:" + SHA-256 of (scope, date, amount, normalised description,
occurrence). They are now "fp:<date>:<amount>:<tag>:<occurrence>" (see
dpsupport.statements.dedupe), so the unique index grows in one place during an import.
Lines imported before this change keep being recognised only if their keys are rewritten:
otherwise importing the same statement again would add every line a second time.

The old fingerprint cannot be read back, but everything in it except the occurrence number
is stored on the line, so the occurrence is found by trying 1, 2, 3, ... until the hash
matches. A line whose hash matches none (its description was cut to 500 characters when it
was stored) is left as it is. Downgrading turns the new shape back into the old one.

The rules are copied here, not imported, so that this migration keeps doing what it did
when it was written even if the app's own rules change later.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_NON_WORD = re.compile(r"[^0-9A-Z]+")
_OLD = re.compile(r"^fp:[0-9a-f]{64}$")
_NEW = re.compile(r"^fp:(\d{4}-\d{2}-\d{2}):(-?\d+):([0-9a-f]{16}):(\d+)$")
_MAX_OCCURRENCE = 1000  # more identical payments than this in one day is not a statement
_BATCH = 1000


def _norm(text: str | None) -> str:
    return _NON_WORD.sub(" ", (text or "").upper()).strip()


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def _old(scope: str, day: str, amount: int, norm: str, occurrence: int) -> str:
    payload = f"{scope}\x1f{day}\x1f{amount}\x1f{norm}\x1f{occurrence}"
    return "fp:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _new(scope: str, day: str, amount: int, norm: str, occurrence: int) -> str:
    tag = hashlib.sha256(f"{scope}\x1f{norm}".encode()).hexdigest()[:16]
    return f"fp:{day}:{amount}:{tag}:{occurrence}"


def _to_new(value: str, scope: str, day: str, amount: int, norm: str) -> str | None:
    if not _OLD.match(value):
        return None
    for occurrence in range(1, _MAX_OCCURRENCE + 1):
        if _old(scope, day, amount, norm, occurrence) == value:
            return _new(scope, day, amount, norm, occurrence)
    return None


def _to_old(value: str, scope: str, day: str, amount: int, norm: str) -> str | None:
    m = _NEW.match(value)
    if not m or _new(scope, day, amount, norm, int(m.group(4))) != value:
        return None
    return _old(scope, day, amount, norm, int(m.group(4)))


def _rewrite(convert: Callable[[str, str, str, int, str], str | None]) -> None:
    """Convert every fingerprint-shaped key, a page of lines at a time (bounded memory)."""
    conn = op.get_bind()
    page = sa.text(
        "SELECT id, account_id, date, amount_pence, description, dedupe_key, fingerprint "
        "FROM money_transaction WHERE id > :after "
        "AND (dedupe_key LIKE 'fp:%' OR fingerprint LIKE 'fp:%') ORDER BY id LIMIT :size")
    update = sa.text("UPDATE money_transaction SET dedupe_key = :key, fingerprint = :fp "
                     "WHERE id = :id")
    after = 0
    while rows := conn.execute(page, {"after": after, "size": _BATCH}).all():
        changes: list[dict[str, Any]] = []
        for row_id, account_id, day, amount, description, key, fp in rows:
            scope, when, norm = f"account-{account_id}", _day(day), _norm(description)
            new_key = convert(key, scope, when, amount, norm) if key else None
            new_fp = convert(fp, scope, when, amount, norm) if fp else None
            if new_key or new_fp:
                changes.append({"id": row_id, "key": new_key or key, "fp": new_fp or fp})
        if changes:
            conn.execute(update, changes)
        after = rows[-1][0]


def upgrade() -> None:
    _rewrite(_to_new)


def downgrade() -> None:
    _rewrite(_to_old)
