"""Forms for employing PAs. Field classes come from `forms.py`; the checks that need the
payroll rules (tax codes, NI numbers, HMRC references) are the service's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wtforms import BooleanField, Field, StringField, TextAreaField
from wtforms.utils import unset_value
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from ..errors import UserError
from ..services.employment import (
    APPROVAL_NEEDED,
    HOURS_KINDS,
    NI_CATEGORIES,
    PAY_FREQUENCIES,
    STARTER_STATEMENTS,
    STUDENT_LOAN_PLANS,
    check_accounts_office_reference,
    check_ni_number,
    check_paye_reference,
    check_tax_code,
)
from .forms import DateField as _SharedDateField
from .forms import (
    DecimalText,
    Form,
    MoneyField,
    RadioField,
    SelectField,
    WholeNumberField,
    too_long,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


def _checked_by(check: Callable[[str | None], object]) -> Callable[[Form, Field], None]:
    """A validator that runs the service's own check, so every mistake on the form shows at
    once (the service checks again when it saves)."""

    def validate(_form: Form, field: Field) -> None:
        if field.data and str(field.data).strip():
            try:
                check(field.data)
            except UserError as err:
                raise ValidationError(err.message) from None

    return validate


class DateField(_SharedDateField):
    """forms.DateField, reading "no value given" (WTForms' unset_value, passed when neither
    an object nor defaults hold the field) as no date rather than keeping the marker."""

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        super().process(formdata, None if data is unset_value else data, extra_filters)


class EmployerForm(Form):
    paye_reference = StringField(
        "Employer PAYE reference (optional until you register)",
        validators=[
            Optional(),
            too_long(20, "your PAYE reference"),
            _checked_by(check_paye_reference),
        ],
    )
    accounts_office_reference = StringField(
        "Accounts Office reference (optional)",
        validators=[
            Optional(),
            too_long(20, "your Accounts Office reference"),
            _checked_by(check_accounts_office_reference),
        ],
    )
    insurance_renewal_date = DateField(
        "Employer's liability insurance renewal date", what="the renewal date"
    )
    employment_allowance_claimed = RadioField(
        "Have you claimed Employment Allowance for this tax year?",
        what="yes if you have claimed Employment Allowance",
        choices=YES_NO,
        default="no",
        validators=[InputRequired("Select yes if you have claimed it")],
    )
    payroll_by_organisation = BooleanField(
        "Yes, my organisation's payroll worker may approve my PAs' timesheets")


class EmploymentForm(Form):
    name = StringField(
        "Full name",
        validators=[
            DataRequired("Enter the name of the person you employ"),
            too_long(200, "their full name"),
        ],
    )
    date_of_birth = DateField(
        "Date of birth",
        what="the date of birth",
        validators=[InputRequired("Enter their date of birth")],
    )
    ni_number = StringField(
        "National Insurance number (optional)",
        validators=[
            Optional(),
            too_long(20, "their National Insurance number"),
            _checked_by(check_ni_number),
        ],
    )
    address = TextAreaField(
        "Address for their payslips (optional)",
        validators=[Optional(), too_long(500, "their address")],
    )
    start_date = DateField(
        "Start date",
        what="the start date",
        validators=[InputRequired("Enter the date they started")],
    )
    leaving_date = DateField("Leaving date (optional)", what="the leaving date")
    starter_statement = RadioField(
        "How do you know their tax code?",
        what="how you know their tax code",
        choices=list(STARTER_STATEMENTS.items()),
        validators=[InputRequired("Select how you know their tax code")],
    )
    tax_code = StringField(
        "Tax code", validators=[too_long(20, "their tax code"), _checked_by(check_tax_code)]
    )
    ni_category = SelectField(
        "National Insurance category",
        what="their National Insurance category",
        choices=[("", "Work it out from their age"), *NI_CATEGORIES.items()],
        validators=[Optional()],
    )
    student_loan_plan = SelectField(
        "Student loan",
        what="their student loan plan, or No student loan",
        choices=[("", "No student loan"), *STUDENT_LOAN_PLANS.items()],
        validators=[Optional()],
    )
    postgraduate_loan = RadioField(
        "Do they repay a Postgraduate Loan?",
        what="yes if they repay a Postgraduate Loan",
        choices=YES_NO,
        default="no",
        validators=[InputRequired("Select yes or no")],
    )
    close_relative_in_household = RadioField(
        "Are they a close relative who lives in your household?",
        what="yes if they are a close relative who lives with you",
        choices=YES_NO,
        default="no",
        validators=[InputRequired("Select yes or no")],
    )
    council_approval_reference = StringField(
        "The council's approval reference",
        validators=[too_long(100, "the council's approval reference")],
    )

    def validate_leaving_date(self, field: DateField) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError("The leaving date must be on or after the start date")

    def validate_tax_code(self, field: StringField) -> None:
        if self.starter_statement.data in ("p45", "hmrc") and not (field.data or "").strip():
            raise ValidationError("Enter the tax code from their P45 or HMRC's letter")

    def validate_council_approval_reference(self, field: StringField) -> None:
        if self.close_relative_in_household.data == "yes" and not (field.data or "").strip():
            raise ValidationError(APPROVAL_NEEDED)


class ContractForm(Form):
    effective_date = DateField(
        "These terms start on",
        what="the date these terms start",
        validators=[InputRequired("Enter the date these terms start")],
    )
    pay_frequency = SelectField(
        "How often are they paid?",
        what="how often they are paid",
        choices=list(PAY_FREQUENCIES.items()),
    )
    pay_day = StringField(
        "Pay day",
        validators=[
            DataRequired("Enter the pay day, like 'last Friday of the month'"),
            too_long(200, "the pay day"),
        ],
    )
    day_rate = MoneyField(
        "Daytime rate an hour",
        what="the daytime rate",
        validators=[InputRequired("Enter the hourly rate for daytime work")],
    )
    night_rate = MoneyField("Waking night rate an hour (optional)", what="the night rate")
    weekend_rate = MoneyField("Weekend rate an hour (optional)", what="the weekend rate")
    bank_holiday_rate = MoneyField(
        "Bank holiday rate an hour (optional)", what="the bank holiday rate"
    )
    sleep_in = MoneyField("Sleep-in allowance a night (optional)", what="the sleep-in allowance")
    hours_kind = RadioField(
        "Their hours",
        what="regular or irregular hours",
        choices=list(HOURS_KINDS.items()),
        default="regular",
        validators=[InputRequired("Select regular or irregular hours")],
    )
    weekly_hours = DecimalText("Contracted hours a week", what="the hours a week", most=99)
    days_per_week = WholeNumberField(
        "Days they work a week (optional)",
        what="the days they work a week",
        validators=[Optional(), NumberRange(1, 7, "Enter the days they work a week, from 1 to 7")],
    )
    holiday_year_start = DateField(
        "Holiday year starts on",
        what="the holiday year start",
        validators=[InputRequired("Enter the date the holiday year starts")],
    )
    rolled_up_holiday = RadioField(
        "Holiday pay (irregular hours only)",
        what="how their holiday is paid",
        choices=[("no", "Paid when they take holiday"),
                 ("yes", "Rolled up: 12.07% extra on each payslip, nothing when they take it")],
        default="no",
    )
    pension_scheme = StringField(
        "Workplace pension scheme (optional)",
        validators=[Optional(), too_long(200, "the name of the pension scheme")],
    )
    pension_employer_rate = DecimalText(
        "Your contribution, percent of qualifying earnings", what="your pension rate", most=100
    )
    pension_employee_rate = DecimalText(
        "Their contribution, percent of qualifying earnings", what="their pension rate", most=100
    )
    written_statement_date = DateField(
        "Written statement of terms given on (optional)", what="the date of the written statement"
    )
    right_to_work_date = DateField(
        "Right to work checked on (optional)", what="the right to work check date"
    )
    dbs_check_date = DateField("DBS check date (optional)", what="the DBS check date")
