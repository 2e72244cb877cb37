"""review question emails

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-28 10:00:00

Which questions asked in a review each email told whom about (once per person and question,
like flag_told: services/notices.py).
"""

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review_question_told',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['flag_notice.id'], name=op.f('fk_review_question_told_notice_id_flag_notice')),
    sa.ForeignKeyConstraint(['question_id'], ['review_question.id'], name=op.f('fk_review_question_told_question_id_review_question')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_review_question_told_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_question_told')),
    sa.UniqueConstraint('user_id', 'question_id', name=op.f('uq_review_question_told_user_id'))
    )
    with op.batch_alter_table('review_question_told', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_question_told_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_question_told_question_id'), ['question_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('review_question_told', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_question_told_question_id'))
        batch_op.drop_index(batch_op.f('ix_review_question_told_notice_id'))

    op.drop_table('review_question_told')
