"""employing PAs: employer details, employments, dated contract versions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 04:22:57

The holder as an employer (HMRC references, insurance, Employment Allowance), each person
they employ as a PA, and each employment's contract in dated versions (never overwritten).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('employer_details',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('paye_reference', sa.String(length=20), nullable=True),
    sa.Column('accounts_office_reference', sa.String(length=13), nullable=True),
    sa.Column('insurance_renewal_date', sa.Date(), nullable=True),
    sa.Column('employment_allowance_claimed', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['holder_id'], ['holder.id'], name=op.f('fk_employer_details_holder_id_holder')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employer_details')),
    sa.UniqueConstraint('holder_id', name=op.f('uq_employer_details_holder_id'))
    )
    op.create_table('employment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('ni_number', sa.String(length=9), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('leaving_date', sa.Date(), nullable=True),
    sa.Column('tax_code', sa.String(length=20), nullable=False),
    sa.Column('starter_statement', sa.String(length=4), nullable=False),
    sa.Column('ni_category', sa.String(length=1), nullable=False),
    sa.Column('student_loan_plan', sa.String(length=1), nullable=True),
    sa.Column('postgraduate_loan', sa.Boolean(), nullable=False),
    sa.Column('close_relative_in_household', sa.Boolean(), nullable=False),
    sa.Column('council_approval_reference', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['holder_id'], ['holder.id'], name=op.f('fk_employment_holder_id_holder')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employment'))
    )
    with op.batch_alter_table('employment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employment_holder_id'), ['holder_id'], unique=False)

    op.create_table('contract_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employment_id', sa.Integer(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('pay_frequency', sa.String(length=20), nullable=False),
    sa.Column('pay_day', sa.String(length=200), nullable=False),
    sa.Column('day_rate_pence', sa.BigInteger(), nullable=False),
    sa.Column('night_rate_pence', sa.BigInteger(), nullable=True),
    sa.Column('weekend_rate_pence', sa.BigInteger(), nullable=True),
    sa.Column('bank_holiday_rate_pence', sa.BigInteger(), nullable=True),
    sa.Column('sleep_in_pence', sa.BigInteger(), nullable=True),
    sa.Column('hours_kind', sa.String(length=10), nullable=False),
    sa.Column('weekly_minutes', sa.Integer(), nullable=True),
    sa.Column('holiday_year_start', sa.Date(), nullable=False),
    sa.Column('pension_scheme', sa.String(length=200), nullable=True),
    sa.Column('pension_employee_bp', sa.Integer(), nullable=True),
    sa.Column('pension_employer_bp', sa.Integer(), nullable=True),
    sa.Column('written_statement_date', sa.Date(), nullable=True),
    sa.Column('right_to_work_date', sa.Date(), nullable=True),
    sa.Column('dbs_check_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employment_id'], ['employment.id'], name=op.f('fk_contract_version_employment_id_employment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_version')),
    sa.UniqueConstraint('employment_id', 'effective_date', name=op.f('uq_contract_version_employment_id'))
    )


def downgrade() -> None:
    op.drop_table('contract_version')
    with op.batch_alter_table('employment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employment_holder_id'))

    op.drop_table('employment')
    op.drop_table('employer_details')
