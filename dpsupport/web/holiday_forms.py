"""Forms for holiday and sickness: booking holiday, carrying over or changing the balance,
and recording a spell off sick."""

from __future__ import annotations

from typing import Any

from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError

from ..services.holiday import CARRY_OVER_REASONS
from ..services.sickness import WEEKDAYS
from .employment_forms import YES_NO, DateField, DecimalText
from .forms import Form, RadioField, too_long

CHANGE_KINDS = [
    ("carried_over", "Holiday carried over from last leave year"),
    ("add", "Add hours to the balance"),
    ("take_off", "Take hours off the balance"),
]


class WeekdaysField(SelectMultipleField):
    """Checkboxes for days of the week, held as digits 0 (Monday) to 6 (Sunday)."""

    def __init__(self, label: str, *, what: str, **kwargs: Any) -> None:
        kwargs.setdefault("choices", [(str(n), name) for n, name in enumerate(WEEKDAYS)])
        super().__init__(label, **kwargs)
        self.what = what
        self.invalid_choice_message = f"Select {what}"

    def pre_validate(self, form: Any) -> None:
        allowed = {value for value, _label in self.choices or []}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(self.invalid_choice_message)

    def digits(self) -> str:
        return "".join(sorted(set(self.data or [])))


class BookingForm(Form):
    first_day = DateField("First day of holiday", what="the first day",
                          validators=[InputRequired("Enter the first day of the holiday")])
    last_day = DateField("Last day of holiday", what="the last day",
                         validators=[InputRequired("Enter the last day of the holiday")])
    hours = DecimalText("Hours of holiday", what="the hours of holiday", most=999,
                        validators=[InputRequired("Enter the hours of holiday, like 7.5")])
    note = TextAreaField("Note (optional)", validators=[Optional(), too_long(500, "a note")])

    def validate_last_day(self, field: DateField) -> None:
        if field.data and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError("The last day of the holiday must be on or after the "
                                  "first day")


class BalanceChangeForm(Form):
    kind = RadioField("What is changing?", what="what is changing", choices=CHANGE_KINDS,
                      validators=[InputRequired("Select what is changing")])
    on = DateField("Date", what="the date",
                   validators=[InputRequired("Enter the date")])
    hours = DecimalText("Hours", what="the hours", most=999,
                        validators=[InputRequired("Enter the hours, like 7.5")])
    reason = RadioField("If carried over, why?", what="why the holiday is carried over",
                        choices=list(CARRY_OVER_REASONS.items()), validators=[Optional()])
    note = TextAreaField("Note", validators=[Optional(), too_long(500, "a note")])


class SicknessForm(Form):
    first_day = DateField("First day off sick", what="the first day off sick",
                          validators=[InputRequired("Enter the first day off sick")])
    last_day = DateField("Last day off sick", what="the last day off sick",
                         validators=[InputRequired("Enter the last day off sick, or the day "
                                                   "they expect to be back before")])
    qualifying_days = WeekdaysField("Which days of the week do they normally work?",
                                    what="the days of the week they normally work")
    fit_note = RadioField("Have they given you a fit note?", what="yes if they gave a fit note",
                          choices=YES_NO, default="no",
                          validators=[InputRequired("Select yes if they gave a fit note")])
    note = TextAreaField("Note (optional)", validators=[Optional(), too_long(500, "a note")])

    def validate_qualifying_days(self, field: WeekdaysField) -> None:
        if not field.data:
            raise ValidationError("Select the days of the week they normally work")

    def validate_last_day(self, field: DateField) -> None:
        if field.data and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError("The last day off sick must be on or after the first day")
