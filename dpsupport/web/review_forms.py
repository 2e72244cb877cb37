"""Forms for the finance officer's review: start, ask, decide, and the holder's answer."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from ..services.reviews import DECISIONS, MAX_WORDS
from .forms import DateField, Form, MoneyField, RadioField, SelectField, too_long


class StartForm(Form):
    period_start = DateField("Start of the period", what="the start of the period",
                             validators=[DataRequired("Enter the start of the period")])
    period_end = DateField("End of the period", what="the end of the period",
                           validators=[DataRequired("Enter the end of the period")])


class AskForm(Form):
    about = SelectField("What are you asking about?", what="the payment or flag you are "
                        "asking about", choices=[])
    question = TextAreaField("Your question", validators=[
        DataRequired("Enter your question"), too_long(MAX_WORDS, "a question")])


class DecisionForm(Form):
    decision = RadioField("What did you decide?", what="what you decided",
                          choices=list(DECISIONS.items()))
    notes = TextAreaField("Notes", validators=[Optional(), too_long(MAX_WORDS, "notes")])
    recover_council = MoneyField("From the council's money", what="the amount from the "
                                 "council's money", validators=[Optional()])
    recover_contribution = MoneyField("From the holder's own contribution",
                                      what="the amount from the holder's contribution",
                                      validators=[Optional()])
    escalate_to = StringField("Passed to", validators=[Optional(), too_long(200, "who you "
                                                                             "passed it to")])


class AnswerForm(Form):
    answer = TextAreaField("Your answer", validators=[
        DataRequired("Enter your answer"), too_long(MAX_WORDS, "an answer")])
    file = FileField("A receipt or invoice (if you have one)", id="answer-file")
