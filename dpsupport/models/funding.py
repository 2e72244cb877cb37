"""Funding agreements and support plans."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Audited, Base, IntPk, Pence, ShortText, Timestamp
from .people import Holder

SCHEMES = {
    "dp_england": "Direct payment (England)",
    "dp_wales": "Direct payment (Wales)",
    "dp_ni": "Direct payment (Northern Ireland)",
    "sds_option_1": "Self-directed support option 1 (Scotland): direct payment",
    "sds_option_2": "Self-directed support option 2 (Scotland): you choose, someone else arranges",
    "sds_option_3": "Self-directed support option 3 (Scotland): the council arranges",
    "sds_option_4": "Self-directed support option 4 (Scotland): a mix of options",
    "isf": "Individual Service Fund",
    "managed_account": "Managed account",
    "prepaid_card": "Prepaid card",
}

FREQUENCIES = {
    "weekly": "Every week",
    "two_weekly": "Every 2 weeks",
    "four_weekly": "Every 4 weeks",
    "monthly": "Every month",
}

TIMINGS = {"advance": "In advance", "arrears": "In arrears"}

CONTRIBUTION_BASES = {
    "net": "Net: the council pays less and you pay your contribution into the account",
    "gross": "Gross: the council pays the full amount and bills you for your contribution",
}

CATEGORIES = {
    "pa_wages": "Personal assistant wages",
    "employer_costs": "Employer costs (tax, National Insurance, pension)",
    "agency_care": "Agency care",
    "respite": "Respite and short breaks",
    "day_activities": "Day activities",
    "equipment": "Equipment",
    "payroll_service": "Payroll service",
    "insurance": "Employer's insurance",
    "contingency": "Contingency",
    "other": "Other",
}

# Money coming in is not a plan line, but it needs a category on the transactions list.
INCOME_CATEGORIES = {
    "council_payment": "Payment from the council",
    "contribution": "Your contribution",
    "refund": "Refund",
    "other_income": "Other money in",
}

ALL_CATEGORIES = {**CATEGORIES, **INCOME_CATEGORIES}


class FundingAgreement(Audited, Base):
    __tablename__ = "funding_agreement"

    id: Mapped[IntPk]
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), index=True)
    funder: Mapped[ShortText]
    scheme: Mapped[str] = mapped_column(String(30))
    # For Scotland's option 4: how the budget is split between the options.
    option4_split: Mapped[str | None] = mapped_column(Text)
    frequency: Mapped[str] = mapped_column(String(20))
    timing: Mapped[str] = mapped_column(String(10), default="advance")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    client_contribution_pence: Mapped[Pence] = mapped_column(default=0)
    contribution_basis: Mapped[str] = mapped_column(String(10), default="net")
    contingency_reserve_pence: Mapped[Pence] = mapped_column(default=0)
    surplus_threshold_weeks: Mapped[int] = mapped_column(Integer, default=8)
    opening_balance_pence: Mapped[Pence] = mapped_column(default=0)
    first_review_date: Mapped[date] = mapped_column(Date)
    review_interval_months: Mapped[int] = mapped_column(Integer, default=12)
    created_at: Mapped[Timestamp]

    holder: Mapped[Holder] = relationship()
    amounts: Mapped[list[AgreementAmount]] = relationship(
        back_populates="agreement", order_by="AgreementAmount.effective_date"
    )
    one_off_payments: Mapped[list[OneOffPayment]] = relationship(
        back_populates="agreement", order_by="OneOffPayment.date"
    )


class AgreementAmount(Audited, Base):
    """The regular amount, from a date. A change of amount is a new row, so history stays."""

    __tablename__ = "agreement_amount"
    __holder_key__ = "agreement.holder_id"

    id: Mapped[IntPk]
    agreement_id: Mapped[int] = mapped_column(ForeignKey("funding_agreement.id"), index=True)
    effective_date: Mapped[date] = mapped_column(Date)
    amount_pence: Mapped[Pence]

    agreement: Mapped[FundingAgreement] = relationship(back_populates="amounts")


class OneOffPayment(Audited, Base):
    __tablename__ = "one_off_payment"
    __holder_key__ = "agreement.holder_id"

    id: Mapped[IntPk]
    agreement_id: Mapped[int] = mapped_column(ForeignKey("funding_agreement.id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    amount_pence: Mapped[Pence]
    description: Mapped[ShortText]

    agreement: Mapped[FundingAgreement] = relationship(back_populates="one_off_payments")


class BudgetLine(Audited, Base):
    """A line of the support plan: what the money is for, planned per payment period."""

    __tablename__ = "budget_line"

    id: Mapped[IntPk]
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    label: Mapped[ShortText]
    planned_pence: Mapped[Pence]
    # hours of support it pays for each payment period, in minutes, when the plan says
    planned_minutes: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Timestamp]

    holder: Mapped[Holder] = relationship()
