"""Running a PA employer's payroll: shifts worked, timesheet approval, pay runs and payslips,
holiday booked, sickness, and the payments an employer owes (net pay, HMRC, pension).

Nothing here is changed once it is approved: an approved pay run is put right by a
correcting run, and its payslips keep the figures they were paid with (and the inputs that
gave them, so "how we worked this out" can be shown again at any time).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .base import Audited, Base, IntPk, Pence, ShortText, Timestamp, one_of, sensitive
from .employment import Employment
from .people import Holder, User

# The kinds of shift, each paid at its own rate from the contract. A sleep-in is a flat
# allowance a night, not working time (it does not count for the minimum wage); a waking
# night is working time paid at the night rate.
SHIFT_KINDS = {
    "day": "Day",
    "night": "Waking night",
    "weekend": "Weekend",
    "bank_holiday": "Bank holiday",
    "sleep_in": "Sleep-in (flat allowance a night)",
}

PAY_RUN_STATUSES = {
    "draft": "Draft: not approved yet",
    "approved": "Approved",
}

# What an approved pay run leaves the employer owing.
PAYMENT_KINDS = {
    "net_pay": "Net pay to a PA",
    "hmrc": "PAYE and National Insurance to HMRC",
    "pension": "Pension contributions to the scheme",
}

HOLIDAY_KINDS = {
    "booked": "Holiday booked",
    "carried_over": "Holiday carried over from last year",
    "adjustment": "Change to the holiday balance",
}


class Shift(Audited, Base):
    """One shift (or one sleep-in night) worked by a PA.

    ``end_time`` at or before ``start_time`` means the shift ends the next day. Shifts in an
    approved timesheet period cannot be changed.
    """

    __tablename__ = "shift"
    __table_args__ = (Index("ix_shift_employment_date", "employment_id", "work_date"),)
    __holder_key__ = "employment.holder_id"

    id: Mapped[IntPk]
    employment_id: Mapped[int] = mapped_column(ForeignKey("employment.id"))
    work_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    break_minutes: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[Timestamp]

    employment: Mapped[Employment] = relationship()

    @validates("kind")
    def _check_kind(self, _key: str, value: str) -> str:
        return one_of(SHIFT_KINDS, value, "A kind of shift")


class TimesheetApproval(Audited, Base):
    """A PA's shifts from ``period_start`` to ``period_end`` (inclusive) approved for pay."""

    __tablename__ = "timesheet_approval"
    __table_args__ = (UniqueConstraint("employment_id", "period_start"),)
    __holder_key__ = "employment.holder_id"

    id: Mapped[IntPk]
    employment_id: Mapped[int] = mapped_column(ForeignKey("employment.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approved_at: Mapped[Timestamp]

    employment: Mapped[Employment] = relationship()
    approved_by: Mapped[User | None] = relationship()


class PendingTimesheet(Audited, Base):
    """A timesheet spreadsheet that has been read and previewed but not yet confirmed.

    Kept in the database, not in memory, so any app process can finish it: the shifts read
    from it and every problem by row (JSON). Removed when confirmed or cancelled; anything
    older than a day is cleared away.
    """

    __tablename__ = "pending_timesheet"

    id: Mapped[IntPk]
    # An unguessable reference for the web page: ids alone are never enough.
    token: Mapped[str] = mapped_column(String(64), unique=True, info=sensitive())
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    uploaded_at: Mapped[Timestamp]
    filename: Mapped[str] = mapped_column(String(255))
    shifts: Mapped[str] = mapped_column(Text, info=sensitive())
    problems: Mapped[str] = mapped_column(Text, info=sensitive())


class PayRun(Audited, Base):
    """One pay period's pay for a holder's PAs paid at one frequency.

    ``run_number`` is 0 for the period's pay run and 1, 2 ... for runs that correct it. A
    draft can be worked out again; an approved run is never changed.
    """

    __tablename__ = "pay_run"
    __table_args__ = (
        UniqueConstraint("holder_id", "frequency", "period_start", "run_number"),
    )

    id: Mapped[IntPk]
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"), index=True)
    frequency: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    pay_date: Mapped[date] = mapped_column(Date)
    tax_period: Mapped[int] = mapped_column(Integer)
    run_number: Mapped[int] = mapped_column(Integer, default=0)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("pay_run.id"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    note: Mapped[str | None] = mapped_column(Text)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[Timestamp]

    holder: Mapped[Holder] = relationship()
    payslips: Mapped[list[Payslip]] = relationship(back_populates="pay_run",
                                                   order_by="Payslip.id")

    @validates("status")
    def _check_status(self, _key: str, value: str) -> str:
        return one_of(PAY_RUN_STATUSES, value, "A pay run's status")


class Payslip(Audited, Base):
    """One PA's pay in one pay run: the inputs used and every figure, in pence.

    ``inputs_json`` holds what was given to ``payroll_rules`` (and the pay lines: hours by
    kind of shift, holiday, sick pay) so the working can be shown again. The ``*_to_date``
    figures are this employment's tax-year totals including this payslip.
    """

    __tablename__ = "payslip"
    __table_args__ = (UniqueConstraint("pay_run_id", "employment_id"),)
    __holder_key__ = "pay_run.holder_id"

    id: Mapped[IntPk]
    pay_run_id: Mapped[int] = mapped_column(ForeignKey("pay_run.id"))
    employment_id: Mapped[int] = mapped_column(ForeignKey("employment.id"), index=True)
    tax_year: Mapped[int] = mapped_column(Integer)  # 2026 for 2026/27
    tax_code: Mapped[str] = mapped_column(String(20))
    ni_category: Mapped[str] = mapped_column(String(1))
    worked_minutes: Mapped[int] = mapped_column(Integer, default=0)
    gross_pence: Mapped[Pence]
    holiday_pay_pence: Mapped[Pence]
    sick_pay_pence: Mapped[Pence]
    taxable_pence: Mapped[Pence]
    tax_pence: Mapped[Pence]
    employee_ni_pence: Mapped[Pence]
    employer_ni_pence: Mapped[Pence]
    employee_pension_pence: Mapped[Pence]
    employer_pension_pence: Mapped[Pence]
    student_loan_pence: Mapped[Pence]
    postgraduate_loan_pence: Mapped[Pence]
    net_pence: Mapped[Pence]
    taxable_to_date_pence: Mapped[Pence]
    tax_to_date_pence: Mapped[Pence]
    gross_to_date_pence: Mapped[Pence]
    employee_ni_to_date_pence: Mapped[Pence]
    employer_ni_to_date_pence: Mapped[Pence]
    student_loan_to_date_pence: Mapped[Pence]
    postgraduate_loan_to_date_pence: Mapped[Pence]
    auto_enrolment: Mapped[str | None] = mapped_column(String(20))
    inputs_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[Timestamp]

    pay_run: Mapped[PayRun] = relationship(back_populates="payslips")
    employment: Mapped[Employment] = relationship()


class PaymentDue(Audited, Base):
    """A payment an approved pay run leaves the employer owing, until it is settled.

    Settled when it is matched to a bank transaction (``transaction_id``) or marked as paid
    by someone who manages the money (``settled_on`` with no transaction).
    """

    __tablename__ = "payment_due"
    __table_args__ = (Index("ix_payment_due_holder_due", "holder_id", "due_date"),)

    id: Mapped[IntPk]
    holder_id: Mapped[int] = mapped_column(ForeignKey("holder.id"))
    pay_run_id: Mapped[int] = mapped_column(ForeignKey("pay_run.id"), index=True)
    payslip_id: Mapped[int | None] = mapped_column(ForeignKey("payslip.id"))
    kind: Mapped[str] = mapped_column(String(20))
    payee: Mapped[ShortText]
    amount_pence: Mapped[Pence]
    due_date: Mapped[date] = mapped_column(Date)
    # For HMRC: the tax month (1 = 6 April to 5 May) or quarter it belongs to.
    tax_year: Mapped[int | None] = mapped_column(Integer)
    tax_month: Mapped[int | None] = mapped_column(Integer)
    settled_on: Mapped[date | None] = mapped_column(Date)
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("money_transaction.id"))
    created_at: Mapped[Timestamp]

    pay_run: Mapped[PayRun] = relationship()

    @validates("kind")
    def _check_kind(self, _key: str, value: str) -> str:
        return one_of(PAYMENT_KINDS, value, "A kind of payment due")


class HolidayEntry(Audited, Base):
    """Holiday booked (minutes taken from the balance), carried over or adjusted.

    ``minutes`` is positive for time added to the balance (carried over, adjustment) and for
    time booked (taken); an adjustment that takes time off the balance is negative.
    ``payslip_id`` is set when booked holiday has been paid (services.holiday.mark_paid).
    """

    __tablename__ = "holiday_entry"
    __holder_key__ = "employment.holder_id"

    id: Mapped[IntPk]
    employment_id: Mapped[int] = mapped_column(ForeignKey("employment.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(500))
    payslip_id: Mapped[int | None] = mapped_column(ForeignKey("payslip.id"))
    created_at: Mapped[Timestamp]

    employment: Mapped[Employment] = relationship()

    @validates("kind")
    def _check_kind(self, _key: str, value: str) -> str:
        return one_of(HOLIDAY_KINDS, value, "A kind of holiday entry")


class SicknessSpell(Audited, Base):
    """A PA off sick from ``first_day`` to ``last_day`` (inclusive), for Statutory Sick Pay.

    ``qualifying_days`` are the weekdays they normally work, as digits (0 Monday ... 6
    Sunday), for example "0123" for Monday to Thursday.
    """

    __tablename__ = "sickness_spell"
    __holder_key__ = "employment.holder_id"

    id: Mapped[IntPk]
    employment_id: Mapped[int] = mapped_column(ForeignKey("employment.id"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    qualifying_days: Mapped[str] = mapped_column(String(7))
    note: Mapped[str | None] = mapped_column(String(500))
    fit_note: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[Timestamp]

    employment: Mapped[Employment] = relationship()


__all__ = [
    "HOLIDAY_KINDS",
    "PAYMENT_KINDS",
    "PAY_RUN_STATUSES",
    "SHIFT_KINDS",
    "HolidayEntry",
    "PayRun",
    "PaymentDue",
    "PendingTimesheet",
    "Payslip",
    "Shift",
    "SicknessSpell",
    "TimesheetApproval",
]
