"""the council that funds a holder

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-27 08:00:00

A holder may name the council (an organisation here) that pays their direct payment: that
council's finance officers may read the holder's records (docs/access.md).
"""

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('holder', schema=None) as batch_op:
        batch_op.add_column(sa.Column('funder_organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_holder_funder_organisation_id'),
                              ['funder_organisation_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_holder_funder_organisation_id_organisation'), 'organisation',
            ['funder_organisation_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('holder', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_holder_funder_organisation_id_organisation'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_holder_funder_organisation_id'))
        batch_op.drop_column('funder_organisation_id')
