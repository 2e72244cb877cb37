"""contract: the days a week a PA on regular hours works (for the 28-day holiday cap)

Revision ID: 0011
Revises: 0017
Create Date: 2026-11-27 07:21:00

The statutory 5.6 weeks' holiday is capped at 28 days, which only lowers it for someone
working more than 5 days a week; the contract now records the days, when known.
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contract_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('days_per_week', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('contract_version', schema=None) as batch_op:
        batch_op.drop_column('days_per_week')
