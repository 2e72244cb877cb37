"""statement imports: the check kept with an upload, a format-independent match key on
imported lines, and the identifiers of the bank account an account's statements are for

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 04:00:00

* ``pending_upload.checked`` / ``checked_state``: what the check of an upload found (JSON)
  and the state of the account it was found against, so the check page does not read the
  whole file again while nothing has changed.
* ``money_transaction.match_key``: "m:<date>:<amount>:<tag>:<occurrence>", the tag standing
  for the account and the normalised payee (or the description when there is no payee).
  The same payment from an OFX and from a QIF or CSV of the same account has the same
  match key, though the descriptions and keys differ. Lines already imported get theirs
  here, numbered in the order they were added, as an import would have numbered them.
* ``statement_import.closing_date`` / ``closing_balance_pence``: the statement's closing
  balance, compared on the import's page with the balance here on that date.
* ``account.statement_ref`` / ``statement_last4``: a SHA-256 of the sort code and account
  number (or OFX BANKID and ACCTID) its first statement named, and the number's last four
  digits: enough to notice a statement for another account, useless to a thief.

The rules are copied here, not imported, so this migration keeps doing what it did when it
was written even if the app's own rules change later.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_NON_WORD = re.compile(r"[^0-9A-Z]+")


def _norm(text: str | None) -> str:
    return _NON_WORD.sub(" ", (text or "").upper()).strip()


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def _match_keys() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, account_id, date, amount_pence, payee, description FROM money_transaction "
        "WHERE dedupe_key IS NOT NULL ORDER BY account_id, id")).fetchall()
    seen: dict[tuple[int, str, int, str], int] = {}
    updates = []
    for row_id, account_id, day, amount, payee, description in rows:
        who = _norm(payee or description)
        day_text = _day(day)
        count = seen[(account_id, day_text, amount, who)] = seen.get(
            (account_id, day_text, amount, who), 0) + 1
        tag = hashlib.sha256(f"account-{account_id}\x1f{who}".encode()).hexdigest()[:16]
        updates.append({"id": row_id, "key": f"m:{day_text}:{amount}:{tag}:{count}"})
    if updates:
        conn.execute(sa.text("UPDATE money_transaction SET match_key = :key WHERE id = :id"),
                     updates)


def upgrade() -> None:
    with op.batch_alter_table("pending_upload", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("checked_state", sa.String(length=100), nullable=True))
    with op.batch_alter_table("statement_import", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closing_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("closing_balance_pence", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("statement_ref", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("statement_last4", sa.String(length=4), nullable=True))
    with op.batch_alter_table("money_transaction", schema=None) as batch_op:
        batch_op.add_column(sa.Column("match_key", sa.String(length=80), nullable=True))
    _match_keys()
    with op.batch_alter_table("money_transaction", schema=None) as batch_op:
        batch_op.create_index(
            "ix_money_transaction_account_match", ["account_id", "match_key"], unique=False,
            sqlite_where=sa.text("match_key IS NOT NULL"),
            postgresql_where=sa.text("match_key IS NOT NULL"))


def downgrade() -> None:
    with op.batch_alter_table("money_transaction", schema=None) as batch_op:
        batch_op.drop_index("ix_money_transaction_account_match")
        batch_op.drop_column("match_key")
    with op.batch_alter_table("statement_import", schema=None) as batch_op:
        batch_op.drop_column("closing_balance_pence")
        batch_op.drop_column("closing_date")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_column("statement_last4")
        batch_op.drop_column("statement_ref")
    with op.batch_alter_table("pending_upload", schema=None) as batch_op:
        batch_op.drop_column("checked_state")
        batch_op.drop_column("checked")
