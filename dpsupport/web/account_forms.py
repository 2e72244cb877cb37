"""Forms for people's own accounts: passwords, invitations."""

from __future__ import annotations

from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Optional

from ..services.accounts import HOLDER_ROLES, QUESTION_EMAILS, REPRESENTATIVE_TYPES, STAFF_ROLES
from ..services.auth import MIN_PASSWORD_LENGTH
from .forms import Form, RadioField, too_long


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value

_EMAIL = [DataRequired("Enter an email address"),
          Email("Enter an email address in the correct format, like name@example.com"),
          too_long(320, "an email address")]


class ForgotForm(Form):
    email = StringField("Email address", validators=_EMAIL, filters=[_strip])


class NewPasswordForm(Form):
    password = PasswordField("New password", description=(
        f"At least {MIN_PASSWORD_LENGTH} characters. A few words you will remember, with "
        "spaces, works well."), validators=[DataRequired("Enter a new password"),
                                            too_long(1000, "a password")])
    confirm = PasswordField("Type the new password again", validators=[
        DataRequired("Type the new password again"),
        EqualTo("password", "The two passwords are not the same: type them again")])


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField("Current password", validators=[
        DataRequired("Enter your current password"), too_long(1000, "a password")])


class InviteToHolderForm(Form):
    name = StringField("Their name", validators=[DataRequired("Enter their name"),
                                                 too_long(200, "their name")])
    email = StringField("Their email address", validators=_EMAIL, filters=[_strip])
    role = RadioField("What will they be?", what="what they will be",
                      choices=list(HOLDER_ROLES.items()),
                      validators=[InputRequired("Select what they will be")])
    representative_type = RadioField(
        "What kind of authority do they have?", what="the kind of authority they have",
        choices=list(REPRESENTATIVE_TYPES.items()), validators=[Optional()],
        description="Only for a representative")


class InviteStaffForm(Form):
    name = StringField("Their name", validators=[DataRequired("Enter their name"),
                                                 too_long(200, "their name")])
    email = StringField("Their email address", validators=_EMAIL, filters=[_strip])
    role = RadioField("Their role", what="their role", choices=list(STAFF_ROLES.items()),
                      validators=[InputRequired("Select their role")])


class QuestionEmailsForm(Form):
    choice = RadioField("How would you like to hear about new questions?",
                        what="how you would like to hear about new questions",
                        choices=list(QUESTION_EMAILS.items()),
                        validators=[InputRequired(
                            "Select how you would like to hear about new questions")])


QUESTION_EMAIL_HINTS = {
    "each": "We email you soon after each new question. On a busy day that could be "
            "several emails.",
    "daily": "One email on a day when there are new questions, listing how many. Most "
             "people choose this.",
    "weekly": "One email a week at most, about the questions asked since the last one.",
    "none": "We will not email you about questions. You will see them when you sign in.",
}
