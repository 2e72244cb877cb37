"""the hours of support a plan line pays for

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-27 10:40:00

A council's support plan often says how many hours of support it pays for. A plan line may
now hold them (minutes each payment period), so the timesheets can be checked against them
(the hours_beyond_plan flag, docs/flags.md). Empty for every line until someone enters it.
"""

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('budget_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('planned_minutes', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('budget_line', schema=None) as batch_op:
        batch_op.drop_column('planned_minutes')
