"""Forms. Messages follow GOV.UK content style: name the field and say how to put it right
("Enter a name for the payee that is 200 characters or fewer"), never a default message of
the form library ("Not a valid choice."). Use the fields here (`SelectField`,
`WholeNumberField`, `MoneyField`, `DateField`) and give every validator its message:
tests/test_form_messages.py checks every form class.

A service's `UserError` is shown one way, with `show_error`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, FileField, PasswordField, StringField, TextAreaField
from wtforms import IntegerField as _IntegerField
from wtforms import RadioField as _RadioField
from wtforms import SelectField as _SelectField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..errors import UserError
from ..limits import MAX_AMOUNT_PENCE
from ..services.agreements import CONTRIBUTION_BASES, FREQUENCIES, SCHEMES, TIMINGS
from ..services.records import CATEGORIES, INCOME_CATEGORIES, MAX_PAGE, REFUNDABLE
from ..text import pounds_input

MAX_PENCE = MAX_AMOUNT_PENCE
_DECIMAL = re.compile(r"^\d{1,3}(\.\d{1,2})?$")


def show_error(form: FlaskForm, err: UserError) -> None:
    """Show a service's `UserError` on a form, the one way views do it: in the form's error
    summary, and next to the field named by ``err.field`` when the form has that field
    (otherwise for the form as a whole). The view then renders the form again, with status
    400. ``str(err)`` is shown, so a ``next_step`` is included.

        try:
            records.save_transaction(...)
        except UserError as err:
            show_error(form, err)
    """
    field = form._fields.get(err.field) if err.field else None
    if field is not None:
        field.errors = [*field.errors, str(err)]
    else:
        form.form_errors.append(str(err))


def status_for(form: FlaskForm) -> int:
    """The status for a page showing ``form``: 400 when it has any error (its own or one from
    `show_error`: wtforms counts both in ``form.errors``), else 200."""
    return 400 if form.errors else 200


def page_number(args: Mapping[str, str], name: str = "page") -> int:
    """The page asked for in a query string (?page=3): a whole number from 1 to MAX_PAGE.
    Anything else (missing, not a number, 0, huge) is read as the nearest page there is, so
    a typed address never fails."""
    text = (args.get(name) or "").strip()
    if not text.isascii() or not text.isdigit():
        return 1
    if len(text) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(int(text), 1), MAX_PAGE)


class SelectField(_SelectField):
    """A choice from a list. ``what`` finishes 'Select ...' when the choice sent is not one
    of them (wtforms would say "Not a valid choice.")."""

    def __init__(self, label: str, *, what: str, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", f"Select {what}")
        kwargs.setdefault("invalid_value_message", f"Select {what}")
        super().__init__(label, **kwargs)
        self.what = what


class RadioField(_RadioField):
    """Radios: one choice from a list, with 'Select ...' when none of them was sent."""

    def __init__(self, label: str, *, what: str, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", f"Select {what}")
        kwargs.setdefault("invalid_value_message", f"Select {what}")
        super().__init__(label, **kwargs)
        self.what = what


class WholeNumberField(_IntegerField):
    """A whole number. ``what`` names it in the message for anything else."""

    def __init__(self, label: str, *, what: str, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_value_message",
                          f"Enter {what} as a whole number, like 8")
        super().__init__(label, **kwargs)
        self.what = what


def too_long(max_length: int, what: str) -> Length:
    """'Enter a name for the payee that is 200 characters or fewer'."""
    return Length(max=max_length, message=f"Enter {what} that is {max_length:,} characters "
                                          "or fewer")


def _no_nul(value: Any) -> Any:
    """Text without NUL characters: PostgreSQL cannot store or compare them (a 500 if one got
    that far), and nobody types one."""
    return value.replace("\x00", "") if isinstance(value, str) else value


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

    def __init__(self, label: str, *, what: str = "the date", **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.what = what
        self.parts = {"day": "", "month": "", "year": ""}

    @property
    def first_input_id(self) -> str:
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


class Form(FlaskForm):
    """The base of every form here: what was sent is read without NUL characters."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            data = super().wrap_formdata(form, formdata)
            if data is None:
                return None
            return MultiDict([(key, _no_nul(value)) for key, value in data.items(multi=True)])


def _choices(mapping: dict[str, str], blank: str | None = None) -> list[tuple[str, str]]:
    items = list(mapping.items())
    return ([("", blank)] + items) if blank else items


class SignInForm(Form):
    email = StringField("Email address", validators=[
        DataRequired("Enter your email address"),
        Email("Enter an email address in the correct format, like name@example.com"),
        too_long(320, "an email address")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class DecimalText(Field):
    """A number typed with up to 2 decimal places (hours, a percentage), held as Decimal."""

    def __init__(self, label: str, *, what: str, most: int, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.what = what
        self.most = most

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else f"{self.data.normalize():f}"

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:  # not sent at all: keep what the form was given, as StringField does
            return
        text = str(valuelist[0]).strip().rstrip("%").strip()
        if not text:
            self.data = None
            return
        try:
            if not _DECIMAL.match(text):
                raise InvalidOperation
            value = Decimal(text)
        except InvalidOperation:
            self.data = None
            raise ValueError(f"Enter {self.what} as a number, like 12.5") from None
        if value > self.most:
            self.data = None
            raise ValueError(f"Enter {self.what} of {self.most} or less")
        self.data = value


class BudgetLineForm(Form):
    category = SelectField("What is it for?", choices=_choices(CATEGORIES),
                           what="what this money is for from the list",
                           validators=[InputRequired("Select what this money is for")])
    label = StringField("Short description", validators=[
        DataRequired("Enter a short description, like 'Morning support'"),
        too_long(200, "a short description")])
    planned = MoneyField("Planned amount each payment period", what="the planned amount",
                         validators=[InputRequired("Enter the planned amount")])
    hours = DecimalText("Hours of support it pays for each payment period (optional)",
                        what="the hours", most=999)
    outcome = TextAreaField("What it helps you achieve (optional)", validators=[
        Optional(), too_long(2000, "what it helps you achieve")])


REFUND = "refund:"  # a choice for money back on some spending: "refund:equipment"


def transaction_category_choices() -> list[tuple[str, str]]:
    """Spending for money out; kinds of money in, and money back on spending, for money in.
    Money back on spending is stored with the spending's category (records.check_category)."""
    return (
        [("", "Not sorted yet")]
        + [(k, f"Money out: {v}") for k, v in CATEGORIES.items()]
        + [(k, f"Money in: {v}") for k, v in INCOME_CATEGORIES.items()]
        + [(REFUND + k, f"Money in: money back on {v[0].lower() + v[1:]}")
           for k, v in REFUNDABLE.items()]
    )


def category_choice(category: str | None, amount_pence: int) -> str:
    """The category as the form's choice: money in with a spending category is money back."""
    if category and amount_pence > 0 and category in REFUNDABLE:
        return REFUND + category
    return category or ""


class TransactionForm(Form):
    direction = SelectField("Money in or out?", choices=[("out", "Money out"), ("in", "Money in")],
                            what="whether the money came in or went out")
    date = DateField("Date", what="the date",
                     validators=[InputRequired("Enter the date of the payment")])
    amount = MoneyField("Amount", what="the amount",
                        validators=[InputRequired("Enter the amount")])
    payee = StringField("Who was it paid to or from?",
                        validators=[Optional(), too_long(200, "a name for the payee")])
    category = SelectField("Category", choices=transaction_category_choices(),
                           what="a category from the list", validators=[Optional()])
    budget_line = SelectField("Support plan line", choices=[],
                              what="a line from your support plan", validators=[Optional()])
    note = TextAreaField("Note (optional)", validators=[
        Optional(), too_long(2000, "a note")])

    def signed_amount(self) -> int:
        """The amount in pence: negative for money out."""
        amount = int(self.amount.data or 0)
        return amount if self.direction.data == "in" else -amount

    def category_code(self) -> str | None:
        """The category to store (money back on spending is stored as that spending)."""
        value = self.category.data or ""
        return value.removeprefix(REFUND) or None

    def validate_category(self, field: SelectField) -> None:
        value = field.data or ""
        if value.startswith(REFUND) and self.direction.data != "in":
            raise ValidationError("Money back on spending is money in. Choose what the money "
                                  "was spent on, or change it to money in")
        if self.direction.data == "in" and value in CATEGORIES:
            raise ValidationError(
                f"'Money out: {CATEGORIES[value]}' is for money going out. For money back, "
                "like a refund, choose 'Money in: money back on ...', or choose another kind "
                "of money in")

    def validate_amount(self, field: MoneyField) -> None:
        if field.data == 0:
            raise ValidationError("Enter an amount more than £0")

    def validate_date(self, field: DateField) -> None:
        if field.data and field.data > date.today() + timedelta(days=366):
            raise ValidationError("The date must be within the next year")


class AgreementForm(Form):
    funder = StringField("Who pays it?", validators=[
        DataRequired("Enter who pays the direct payment, like 'Leeds City Council'"),
        too_long(200, "who pays the direct payment")])
    scheme = SelectField("Type of funding", choices=_choices(SCHEMES),
                         what="the type of funding from the list")
    option4_split = TextAreaField("How the budget is split between options (option 4 only)",
                                  validators=[Optional(),
                                              too_long(2000, "how the budget is split")])
    # Asked only when the agreement is first set up; later changes are dated (AmountChangeForm).
    amount = MoneyField("Regular payment amount", what="the regular amount")
    frequency = SelectField("How often is it paid?", choices=_choices(FREQUENCIES),
                            what="how often it is paid")
    timing = SelectField("Paid in advance or in arrears?", choices=_choices(TIMINGS),
                         what="whether it is paid in advance or in arrears")
    start_date = DateField("Start date", what="the start date",
                           validators=[InputRequired("Enter the start date")])
    end_date = DateField("End date (optional)", what="the end date")
    client_contribution = MoneyField("The person's contribution each payment period",
                                     what="the contribution", default=0)
    contribution_basis = SelectField("How is the contribution paid?",
                                     choices=_choices(CONTRIBUTION_BASES),
                                     what="how your contribution is paid")
    contingency_reserve = MoneyField("Money to keep for emergencies (contingency)",
                                     what="the contingency amount", default=0)
    surplus_threshold_weeks = WholeNumberField(
        "How many weeks of payments may the person hold before the council asks about it?",
        what="the number of weeks", default=8, validators=[InputRequired("Enter a number of weeks, like 8"),
                               NumberRange(0, 52, "Enter a number of weeks from 0 to 52")])
    opening_balance = MoneyField("Balance in the account on the start date",
                                 what="the opening balance", allow_negative=True, default=0)
    first_review_date = DateField("First review date (optional)", what="the review date")
    # Shown only once money has moved (services.agreements: the opening balance rule).
    opening_balance_reason = TextAreaField(
        "If you are changing the opening balance, why?",
        validators=[Optional(), too_long(300, "why the opening balance is changing")])

    def validate_end_date(self, field: DateField) -> None:
        if field.data and self.start_date.data and field.data <= self.start_date.data:
            raise ValidationError("The end date must be after the start date")


class AmountChangeForm(Form):
    effective_date = DateField("From", what="the date the new amount starts",
                               validators=[InputRequired("Enter the date the new amount starts")])
    amount = MoneyField("New regular amount", what="the new amount",
                        validators=[InputRequired("Enter the new amount")])


class OneOffForm(Form):
    date = DateField("Date", what="the date", validators=[InputRequired("Enter the date")])
    amount = MoneyField("Amount", what="the amount", validators=[InputRequired("Enter the amount")])
    description = StringField("What is it for?", validators=[
        DataRequired("Enter what the payment is for"),
        too_long(200, "what the payment is for")])


class AttachmentForm(Form):
    """A receipt or invoice for a payment (what it may be: records.add_attachment)."""

    file = FileField("Add a receipt or invoice", id="receipt-file")

    def validate_file(self, field: FileField) -> None:
        upload = field.data
        if upload is None or not getattr(upload, "filename", None):
            raise ValidationError("Select a receipt or invoice to upload")


class ConfirmForm(Form):
    """A form with no fields: a button protected by CSRF."""
