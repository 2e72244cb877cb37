"""Employing personal assistants (PAs): the holder's employer details, each employment, and
its contract in dated versions.

One person who works for two holders has two employments: nothing is shared between them.
A contract is never changed in place: a change is a new `ContractVersion` from a date, so
what was agreed at any time can always be shown.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .base import Audited, Base, IntPk, Pence, ShortText, Timestamp, one_of, sensitive
from .people import Holder

# How the starting tax code was chosen when the PA had no P45 (HMRC's starter checklist).
STARTER_STATEMENTS = {
    "p45": "They gave me a P45 from their last job",
    "A": "Statement A: this is their first job since 6 April, and they have had no taxable "
         "benefits or pension since then",
    "B": "Statement B: this is now their only job, but since 6 April they had another job "
         "or taxable benefits (such as Jobseeker's Allowance)",
    "C": "Statement C: they have another job or a pension as well",
    "hmrc": "HMRC sent me their tax code",
}

# National Insurance category letters a PA employer is likely to need (payroll_rules knows
# them all); the labels are HMRC's descriptions in plain words.
NI_CATEGORIES = {
    "A": "A: most employees",
    "M": "M: under 21",
    "C": "C: over State Pension age",
    "B": "B: married woman or widow with a reduced-rate election",
    "H": "H: apprentice under 25",
    "J": "J: can defer National Insurance (they have another job)",
    "X": "X: does not need to pay National Insurance (for example under 16)",
    "Z": "Z: under 21 and can defer National Insurance",
}

STUDENT_LOAN_PLANS = {
    "1": "Plan 1",
    "2": "Plan 2",
    "4": "Plan 4 (Scotland)",
    "5": "Plan 5",
}

# payroll_rules' own frequency names
PAY_FREQUENCIES = {
    "weekly": "Every week",
    "fortnightly": "Every 2 weeks",
    "four_weekly": "Every 4 weeks",
    "monthly": "Every month",
}

HOURS_KINDS = {
    "regular": "Regular hours each week",
    "irregular": "Irregular or zero hours (hours change from week to week)",
}


class EmployerDetails(Audited, Base):
    """The holder as an employer: HMRC references, insurance, Employment Allowance."""

    __tablename__ = "employer_details"

    id: Mapped[IntPk]
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), unique=True)
    paye_reference: Mapped[str | None] = mapped_column(String(20))
    accounts_office_reference: Mapped[str | None] = mapped_column(String(13))
    insurance_renewal_date: Mapped[date | None] = mapped_column(Date)
    employment_allowance_claimed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The holder has asked their organisation's payroll service to approve timesheets and
    # pay runs for them (the access policy's "delegated payroll" pages).
    payroll_by_organisation: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[Timestamp]

    holder: Mapped[Holder] = relationship()


class Employment(Audited, Base):
    """One person employed by one holder as a PA."""

    __tablename__ = "employment"

    id: Mapped[IntPk]
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), index=True)
    name: Mapped[ShortText]
    date_of_birth: Mapped[date] = mapped_column(Date, info=sensitive())
    ni_number: Mapped[str | None] = mapped_column(String(9), info=sensitive())
    address: Mapped[str | None] = mapped_column(Text, info=sensitive())
    start_date: Mapped[date] = mapped_column(Date)
    leaving_date: Mapped[date | None] = mapped_column(Date)
    tax_code: Mapped[str] = mapped_column(String(20))
    starter_statement: Mapped[str] = mapped_column(String(4))
    ni_category: Mapped[str] = mapped_column(String(1))
    student_loan_plan: Mapped[str | None] = mapped_column(String(1))
    postgraduate_loan: Mapped[bool] = mapped_column(Boolean, default=False)
    close_relative_in_household: Mapped[bool] = mapped_column(Boolean, default=False)
    council_approval_reference: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[Timestamp]

    holder: Mapped[Holder] = relationship()
    contracts: Mapped[list[ContractVersion]] = relationship(
        back_populates="employment",
        order_by="ContractVersion.effective_date",
    )

    @validates("starter_statement")
    def _check_statement(self, _key: str, value: str) -> str:
        return one_of(STARTER_STATEMENTS, value, "How the tax code was chosen")

    @validates("ni_category")
    def _check_category(self, _key: str, value: str) -> str:
        return one_of(NI_CATEGORIES, value, "A National Insurance category")

    @validates("student_loan_plan")
    def _check_plan(self, _key: str, value: str | None) -> str | None:
        return None if value is None else one_of(STUDENT_LOAN_PLANS, value, "A student loan plan")


class ContractVersion(Audited, Base):
    """The terms of an employment from ``effective_date`` until the next version starts.

    Hourly rates are pence an hour; the sleep-in allowance is a flat amount a night (it is
    not working time). Hours are held as minutes a week; pension rates as basis points
    (500 is 5%).
    """

    __tablename__ = "contract_version"
    __table_args__ = (UniqueConstraint("employment_id", "effective_date"),)
    __holder_key__ = "employment.holder_id"

    id: Mapped[IntPk]
    employment_id: Mapped[int] = mapped_column(ForeignKey("employment.id"))
    effective_date: Mapped[date] = mapped_column(Date)
    pay_frequency: Mapped[str] = mapped_column(String(20))
    pay_day: Mapped[ShortText]
    day_rate_pence: Mapped[Pence]
    night_rate_pence: Mapped[int | None] = mapped_column(BigInteger)
    weekend_rate_pence: Mapped[int | None] = mapped_column(BigInteger)
    bank_holiday_rate_pence: Mapped[int | None] = mapped_column(BigInteger)
    sleep_in_pence: Mapped[int | None] = mapped_column(BigInteger)
    hours_kind: Mapped[str] = mapped_column(String(10))
    weekly_minutes: Mapped[int | None] = mapped_column(Integer)
    # Regular hours: the days a week they work, when known (the 28-day holiday cap only
    # lowers 5.6 weeks for more than 5 days a week).
    days_per_week: Mapped[int | None] = mapped_column(Integer)
    holiday_year_start: Mapped[date] = mapped_column(Date)
    # Irregular-hours and part-year workers only: holiday pay added to each payslip
    # (12.07%) instead of paid when the holiday is taken.
    rolled_up_holiday: Mapped[bool] = mapped_column(Boolean, default=False)
    pension_scheme: Mapped[str | None] = mapped_column(String(200))
    pension_employee_bp: Mapped[int | None] = mapped_column(Integer)
    pension_employer_bp: Mapped[int | None] = mapped_column(Integer)
    written_statement_date: Mapped[date | None] = mapped_column(Date)
    right_to_work_date: Mapped[date | None] = mapped_column(Date)
    dbs_check_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[Timestamp]

    employment: Mapped[Employment] = relationship(back_populates="contracts")

    @validates("pay_frequency")
    def _check_frequency(self, _key: str, value: str) -> str:
        return one_of(PAY_FREQUENCIES, value, "A pay frequency")

    @validates("hours_kind")
    def _check_hours_kind(self, _key: str, value: str) -> str:
        return one_of(HOURS_KINDS, value, "A kind of hours")
