"""question emails

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-27 10:00:00

Each person's choice of emails about new questions (an email for each, at most one a day,
at most one a week, or none; existing people keep today's daily email), whether an email
was a summary or about one question, and which questions each email told whom about (once
per person and question: services/notices.py).
"""

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_emails', sa.String(length=10), nullable=False, server_default='daily'))

    with op.batch_alter_table('flag_notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=False, server_default='summary'))

    op.create_table('flag_told',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('flag_id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['flag_id'], ['flag.id'], name=op.f('fk_flag_told_flag_id_flag')),
    sa.ForeignKeyConstraint(['notice_id'], ['flag_notice.id'], name=op.f('fk_flag_told_notice_id_flag_notice')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_flag_told_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flag_told')),
    sa.UniqueConstraint('user_id', 'flag_id', name=op.f('uq_flag_told_user_id'))
    )
    with op.batch_alter_table('flag_told', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flag_told_flag_id'), ['flag_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flag_told_notice_id'), ['notice_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('flag_told', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flag_told_notice_id'))
        batch_op.drop_index(batch_op.f('ix_flag_told_flag_id'))

    op.drop_table('flag_told')

    with op.batch_alter_table('flag_notice', schema=None) as batch_op:
        batch_op.drop_column('kind')

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('question_emails')
