"""sign-in throttling: failures counted per account and per address, not every attempt

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 04:00:00

sign_in_attempt kept a row for every attempt, successful ones included, and refused the
sixth wrong password for 15 minutes: anyone could keep an account locked. sign_in_throttle
keeps one row per account and per address with the number of failures, when the next
attempt may be checked and how many passwords are being checked right now (see dpsupport/services/auth.py). The old rows only ever mattered
for 15 minutes, so they are not carried over.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checking", sa.Integer(), nullable=False),
        sa.Column("checking_since", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttle")),
    )
    with op.batch_alter_table("sign_in_throttle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_throttle_last_failure_at"),
                              ["last_failure_at"], unique=False)
    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_attempt_ip_key"))
        batch_op.drop_index(batch_op.f("ix_sign_in_attempt_email_key"))
    op.drop_table("sign_in_attempt")


def downgrade() -> None:
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_key", sa.String(length=64), nullable=False),
        sa.Column("ip_key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempt")),
    )
    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_attempt_email_key"), ["email_key"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_sign_in_attempt_ip_key"), ["ip_key"], unique=False)
    with op.batch_alter_table("sign_in_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_throttle_last_failure_at"))
    op.drop_table("sign_in_throttle")
