"""pending timesheet uploads

Revision ID: 0008
Revises: 0014
Create Date: 2026-11-27 07:45:00

A timesheet spreadsheet read and previewed but not yet confirmed: the shifts read from it
and every problem by row, kept until the person confirms or cancels (at most a day).
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pending_timesheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('shifts', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['holder_id'], ['holder.id'], name=op.f('fk_pending_timesheet_holder_id_holder')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['app_user.id'], name=op.f('fk_pending_timesheet_uploaded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_timesheet')),
    sa.UniqueConstraint('token', name=op.f('uq_pending_timesheet_token'))
    )
    with op.batch_alter_table('pending_timesheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_timesheet_holder_id'), ['holder_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pending_timesheet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_timesheet_holder_id'))

    op.drop_table('pending_timesheet')
