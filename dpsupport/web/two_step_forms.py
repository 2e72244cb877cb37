"""Forms for two-step sign-in (services/two_step.py)."""

from __future__ import annotations

from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, InputRequired

from .forms import Form, RadioField, too_long


class CodeForm(Form):
    """The code at sign-in: 6 digits from the app, or a recovery code."""

    code = StringField("Code", validators=[DataRequired("Enter the code"),
                                           too_long(40, "a code")])


class SetUpForm(Form):
    # The key being set up travels with the form (it is on the page anyway): nothing is
    # saved until the code shows the app has it.
    secret = HiddenField()
    code = StringField("Code from the app", validators=[
        DataRequired("Enter the 6-digit code from your authenticator app"),
        too_long(40, "a code")])


class OrganisationSettingForm(Form):
    required = RadioField(
        "Who must use two-step sign-in?", what="who must use two-step sign-in",
        choices=[("no", "Only finance officers and organisation admins"),
                 ("yes", "Everyone on the staff, support workers too")],
        validators=[InputRequired("Select who must use two-step sign-in")])
