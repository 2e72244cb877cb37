"""statement imports: fingerprints on imported lines, uploads waiting for confirmation

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("money_transaction", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=80), nullable=True))
        # The unique (account_id, dedupe_key) index already serves look-ups by account, and
        # every index slows a statement import down.
        batch_op.drop_index("ix_money_transaction_account_id")
        batch_op.create_index(
            "ix_money_transaction_account_fingerprint", ["account_id", "fingerprint"],
            unique=False, sqlite_where=sa.text("fingerprint IS NOT NULL"),
            postgresql_where=sa.text("fingerprint IS NOT NULL"),
        )
    op.create_table(
        "pending_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("mapping", sa.Text(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_pending_upload_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holder.id"], name=op.f("fk_pending_upload_holder_id_holder")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["app_user.id"],
            name=op.f("fk_pending_upload_uploaded_by_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_upload")),
        sa.UniqueConstraint("token", name=op.f("uq_pending_upload_token")),
    )
    with op.batch_alter_table("pending_upload", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pending_upload_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pending_upload_holder_id"), ["holder_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("pending_upload")
    with op.batch_alter_table("money_transaction", schema=None) as batch_op:
        batch_op.drop_index("ix_money_transaction_account_fingerprint")
        batch_op.drop_column("fingerprint")
        batch_op.create_index("ix_money_transaction_account_id", ["account_id"], unique=False)
