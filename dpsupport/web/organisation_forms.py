"""Forms for an organisation admin: adding a holder, their support worker and funder, a
representative's kind of authority."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from ..services.agreements import FREQUENCIES, SCHEMES, TIMINGS
from ..services.organisation import NATIONS, REPRESENTATIVE_TYPES
from ..services.records import CATEGORIES
from .forms import DateField, Form, MoneyField, RadioField, SelectField, too_long

# How many plan lines the "add a holder" form offers (more are added on the plan page).
PLAN_LINES = 3
NO_WORKER = "Nobody yet"
NO_COUNCIL = "None: the funder does not use dpsupport"


class ArrangementsForm(Form):
    """The named support worker and the council that pays (choices filled by the view)."""

    support_worker = SelectField("Named support worker", what="a support worker from the list",
                                 choices=[], validators=[Optional()])
    funder_organisation = SelectField("The council that pays, if it uses dpsupport",
                                      what="a council from the list", choices=[],
                                      validators=[Optional()])


class AddHolderForm(ArrangementsForm):
    name = StringField("Full name", validators=[DataRequired("Enter the person's full name"),
                                                too_long(200, "their full name")])
    preferred_name = StringField("What they like to be called (optional)", validators=[
        Optional(), too_long(100, "what they like to be called")])
    date_of_birth = DateField("Date of birth (optional)", what="their date of birth")
    nation = SelectField("Where they live", what="the nation they live in",
                         choices=list(NATIONS.items()), default="england")
    funder = StringField("Who pays it?", validators=[too_long(200, "who pays the direct payment")])
    scheme = SelectField("Type of funding", what="the type of funding from the list",
                         choices=list(SCHEMES.items()))
    frequency = SelectField("How often is it paid?", what="how often it is paid",
                            choices=list(FREQUENCIES.items()), default="four_weekly")
    timing = SelectField("Paid in advance or in arrears?",
                         what="whether it is paid in advance or in arrears",
                         choices=list(TIMINGS.items()))
    start_date = DateField("Start date of the agreement", what="the start date",
                           validators=[InputRequired("Enter the start date")])
    amount = MoneyField("Amount of each payment", what="the amount of each payment",
                        validators=[InputRequired("Enter the amount of each payment")])

    def validate_funder(self, field: StringField) -> None:
        if not (field.data or "").strip() and not self.funder_organisation.data:
            raise ValidationError("Enter who pays the direct payment, like 'Leeds City "
                                  "Council', or select the council")

    def validate_date_of_birth(self, field: DateField) -> None:
        if field.data and field.data > date.today():
            raise ValidationError("Their date of birth must be in the past")

    def plan_lines(self) -> list[tuple[str, str, int]]:
        """The plan lines filled in: (category, description, pence)."""
        found = []
        for n in range(1, PLAN_LINES + 1):
            category = getattr(self, f"plan{n}_category").data or ""
            label = (getattr(self, f"plan{n}_label").data or "").strip()
            planned = getattr(self, f"plan{n}_planned").data
            if category and label and planned is not None:
                found.append((category, label, int(planned)))
        return found

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        for n in range(1, PLAN_LINES + 1):
            category = getattr(self, f"plan{n}_category")
            label = getattr(self, f"plan{n}_label")
            planned = getattr(self, f"plan{n}_planned")
            filled = [bool(category.data), bool((label.data or "").strip()),
                      planned.data is not None or bool(planned.errors)]
            if any(filled) and not all(filled):
                for field, message in (
                        (category, f"Select what plan line {n} is for"),
                        (label, f"Enter a short description for plan line {n}"),
                        (planned, f"Enter the planned amount for plan line {n}")):
                    if not field.errors and not (field.data if field is not label
                                                 else (field.data or "").strip()):
                        field.errors = [*field.errors, message]
                ok = False
        return ok


for _n in range(1, PLAN_LINES + 1):
    setattr(AddHolderForm, f"plan{_n}_category", SelectField(
        f"Plan line {_n}: what it is for", what=f"what plan line {_n} is for from the list",
        choices=[("", "Choose (or leave blank)"), *CATEGORIES.items()],
        validators=[Optional()]))
    setattr(AddHolderForm, f"plan{_n}_label", StringField(
        f"Plan line {_n}: short description", validators=[
            Optional(), too_long(200, f"a short description for plan line {_n}")]))
    setattr(AddHolderForm, f"plan{_n}_planned", MoneyField(
        f"Plan line {_n}: planned amount each payment period",
        what=f"the planned amount for plan line {_n}"))


class AuthorityForm(Form):
    representative_type = RadioField(
        "What kind of authority do they have?", what="the kind of authority they have",
        choices=list(REPRESENTATIVE_TYPES.items()),
        validators=[InputRequired("Select the kind of authority they have")])
