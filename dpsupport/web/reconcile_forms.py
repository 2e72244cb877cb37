"""Forms for reconciliation and sorting rules (messages in GOV.UK style: web/forms.py)."""

from __future__ import annotations

from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, InputRequired, Optional

from ..services.records import CATEGORIES, INCOME_CATEGORIES
from ..services.sorting_rules import RULE_DIRECTIONS
from .forms import Form, RadioField, SelectField, too_long

NONE = "none"  # the choice "nothing expected this payment"


class ConfirmMatchForm(Form):
    """The Confirm button of one suggested match: which expectation it was."""

    expectation = HiddenField("What was expected", validators=[
        DataRequired("The page has changed since it was opened. Please try again.")])


class ChangeMatchForm(Form):
    choice = RadioField("What was this payment?", what="what this payment was",
                        choices=[], validators=[InputRequired("Select what this payment was")])


def rule_category_choices() -> list[tuple[str, str]]:
    return ([("", "Choose a category")]
            + [(k, f"Money out: {v}") for k, v in CATEGORIES.items()]
            + [(k, f"Money in: {v}") for k, v in INCOME_CATEGORIES.items()])


class SortingRuleForm(Form):
    pattern = StringField("Payee's name, as the bank writes it", validators=[
        DataRequired("Enter the payee's name, like NEST"),
        too_long(100, "the payee's name")])
    direction = RadioField("Money out or in?", what="whether the money goes out or comes in",
                           choices=list(RULE_DIRECTIONS.items()),
                           validators=[InputRequired("Select whether the money goes out or "
                                                     "comes in")])
    category = SelectField("Category", what="a category from the list",
                           choices=rule_category_choices(),
                           validators=[InputRequired("Select a category")])
    budget_line = SelectField("Support plan line (optional)", what="a line from the plan",
                              choices=[], validators=[Optional()])
    scope = RadioField("Who is the rule for?", what="who the rule is for", choices=[],
                       validators=[InputRequired("Select who the rule is for")])
