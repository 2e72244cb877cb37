"""Forms. Messages follow GOV.UK content style: say what to do, not what went wrong."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..limits import MAX_AMOUNT_PENCE
from ..models.funding import (
    CATEGORIES,
    CONTRIBUTION_BASES,
    FREQUENCIES,
    INCOME_CATEGORIES,
    SCHEMES,
    TIMINGS,
)
from ..text import pounds_input

MAX_PENCE = MAX_AMOUNT_PENCE


_MONEY = re.compile(r"(-?)(\d+)(?:\.(\d{1,2}))?")


def parse_money(text: str) -> int:
    """'£1,234.50' -> 123450 pence. Only digits, one point and up to two decimals: no
    exponents, no NaN. Raises ValueError."""
    cleaned = text.strip().replace("£", "").replace(",", "").replace(" ", "")
    match = _MONEY.fullmatch(cleaned)
    if not match:
        raise ValueError("not an amount of money")
    sign, pounds, pence = match.groups()
    value = int(pounds) * 100 + int((pence or "0").ljust(2, "0"))
    return -value if sign else value


class MoneyField(Field):
    """An amount in pounds and pence, held as integer pence."""

    def __init__(self, label: str, *, allow_negative: bool = False, what: str = "the amount",
                 **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.allow_negative = allow_negative
        self.what = what

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        return pounds_input(int(self.data))

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            pence = parse_money(str(valuelist[0]))
        except ValueError:
            self.data = None
            raise ValueError(f"Enter {self.what} in pounds and pence, like 125.50") from None
        if pence < 0 and not self.allow_negative:
            self.data = None
            raise ValueError(f"Enter {self.what} as a positive amount")
        if abs(pence) > MAX_PENCE:
            self.data = None
            raise ValueError(f"Enter {self.what} less than £10,000,000")
        self.data = pence


class DateField(Field):
    """GOV.UK date input: three boxes, day month year."""

    first_input_id: str

    def __init__(self, label: str, *, what: str = "the date", **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.what = what
        self.parts = {"day": "", "month": "", "year": ""}

    @property
    def first_input_id(self) -> str:  # type: ignore[override]
        return f"{self.id}-day"

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors = []
        self.raw_data = None
        self.data = data if data is not None else (self.default() if callable(self.default)
                                                   else self.default)
        if isinstance(self.data, date):
            self.parts = {"day": str(self.data.day), "month": str(self.data.month),
                          "year": str(self.data.year)}
        if formdata is None:
            return
        keys = [f"{self.name}-{p}" for p in ("day", "month", "year")]
        if not any(k in formdata for k in keys):
            return
        raw = [str(formdata.get(k, "")).strip() for k in keys]
        self.raw_data = raw
        self.parts = dict(zip(("day", "month", "year"), raw, strict=True))
        if not any(raw):
            self.data = None
            return
        missing = [name for name, v in zip(("day", "month", "year"), raw, strict=True) if not v]
        if missing:
            self.data = None
            self.process_errors.append(f"{self.what.capitalize()} must include a "
                                       + " and ".join(missing))
            return
        try:
            d, m, y = (int(v) for v in raw)
            if y < 1900 or y > 2100:
                raise ValueError
            self.data = date(y, m, d)
        except ValueError:
            self.data = None
            self.process_errors.append(f"{self.what.capitalize()} must be a real date")


def _choices(mapping: dict[str, str], blank: str | None = None) -> list[tuple[str, str]]:
    items = list(mapping.items())
    return ([("", blank)] + items) if blank else items


class SignInForm(FlaskForm):
    email = StringField("Email address", validators=[
        DataRequired("Enter your email address"),
        Email("Enter an email address in the correct format, like name@example.com"),
        Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class BudgetLineForm(FlaskForm):
    category = SelectField("What is it for?", choices=_choices(CATEGORIES),
                           validators=[InputRequired("Select what this money is for")])
    label = StringField("Short description", validators=[
        DataRequired("Enter a short description, like 'Morning support'"), Length(max=200)])
    planned = MoneyField("Planned amount each payment period", what="the planned amount",
                         validators=[InputRequired("Enter the planned amount")])
    outcome = TextAreaField("What it helps you achieve (optional)", validators=[
        Optional(), Length(max=2000, message="Outcome must be 2,000 characters or fewer")])


def transaction_category_choices() -> list[tuple[str, str]]:
    return (
        [("", "Not sorted yet")]
        + [(k, f"Money out: {v}") for k, v in CATEGORIES.items()]
        + [(k, f"Money in: {v}") for k, v in INCOME_CATEGORIES.items()]
    )


class TransactionForm(FlaskForm):
    direction = SelectField("Money in or out?", choices=[("out", "Money out"), ("in", "Money in")])
    date = DateField("Date", what="the date",
                     validators=[InputRequired("Enter the date of the payment")])
    amount = MoneyField("Amount", what="the amount",
                        validators=[InputRequired("Enter the amount")])
    payee = StringField("Who was it paid to or from?",
                        validators=[Optional(), Length(max=200)])
    category = SelectField("Category", choices=transaction_category_choices(),
                           validators=[Optional()])
    budget_line = SelectField("Support plan line", choices=[], validators=[Optional()])
    note = TextAreaField("Note (optional)", validators=[
        Optional(), Length(max=2000, message="Note must be 2,000 characters or fewer")])

    def validate_amount(self, field: MoneyField) -> None:
        if field.data == 0:
            raise ValidationError("Enter an amount more than £0")

    def validate_date(self, field: DateField) -> None:
        if field.data and field.data > date.today() + timedelta(days=366):
            raise ValidationError("The date must be within the next year")


class AgreementForm(FlaskForm):
    funder = StringField("Who pays it?", validators=[
        DataRequired("Enter who pays the direct payment, like 'Leeds City Council'"),
        Length(max=200)])
    scheme = SelectField("Type of funding", choices=_choices(SCHEMES))
    option4_split = TextAreaField("How the budget is split between options (option 4 only)",
                                  validators=[Optional(), Length(max=2000)])
    # Asked only when the agreement is first set up; later changes are dated (AmountChangeForm).
    amount = MoneyField("Regular payment amount", what="the regular amount")
    frequency = SelectField("How often is it paid?", choices=_choices(FREQUENCIES))
    timing = SelectField("Paid in advance or in arrears?", choices=_choices(TIMINGS))
    start_date = DateField("Start date", what="the start date",
                           validators=[InputRequired("Enter the start date")])
    end_date = DateField("End date (optional)", what="the end date")
    client_contribution = MoneyField("Your contribution each payment period",
                                     what="the contribution", default=0)
    contribution_basis = SelectField("How is your contribution paid?",
                                     choices=_choices(CONTRIBUTION_BASES))
    contingency_reserve = MoneyField("Money to keep for emergencies (contingency)",
                                     what="the contingency amount", default=0)
    surplus_threshold_weeks = IntegerField(
        "How many weeks of payments may you hold before the council asks about it?",
        default=8, validators=[InputRequired("Enter a number of weeks, like 8"),
                               NumberRange(0, 52, "Enter a number of weeks from 0 to 52")])
    opening_balance = MoneyField("Balance in the account on the start date",
                                 what="the opening balance", allow_negative=True, default=0)
    first_review_date = DateField("First review date (optional)", what="the review date")

    def validate_end_date(self, field: DateField) -> None:
        if field.data and self.start_date.data and field.data <= self.start_date.data:
            raise ValidationError("The end date must be after the start date")


class AmountChangeForm(FlaskForm):
    effective_date = DateField("From", what="the date the new amount starts",
                               validators=[InputRequired("Enter the date the new amount starts")])
    amount = MoneyField("New regular amount", what="the new amount",
                        validators=[InputRequired("Enter the new amount")])


class OneOffForm(FlaskForm):
    date = DateField("Date", what="the date", validators=[InputRequired("Enter the date")])
    amount = MoneyField("Amount", what="the amount", validators=[InputRequired("Enter the amount")])
    description = StringField("What is it for?", validators=[
        DataRequired("Enter what the payment is for"), Length(max=200)])


class ConfirmForm(FlaskForm):
    """A form with no fields: a button protected by CSRF."""
