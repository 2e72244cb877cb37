"""Forms for flags: an answer (words and a receipt), a reason, and the funding policy."""

from __future__ import annotations

from wtforms import BooleanField, FileField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from ..services.flags import KIND_LABELS, MAX_TEXT, PROHIBITABLE, PolicyInput
from .forms import Form, MoneyField, WholeNumberField, too_long


class AnswerForm(Form):
    text = TextAreaField("Your answer", validators=[
        InputRequired("Enter what it was for, in your own words"),
        too_long(MAX_TEXT, "your answer")])
    file = FileField("Add a receipt (optional)", id="answer-file")


class ReasonForm(Form):
    reason = TextAreaField("Why", validators=[
        InputRequired("Enter the reason"), too_long(MAX_TEXT, "the reason")])


MAX_WORDS = 200  # phrases per kind of spending


class PolicyForm(Form):
    """The organisation's funding policy: which kinds of spending are asked about, extra
    words for each, and the limits the rules use. One checkbox and one box of words per
    kind (fields added below, named ``ask_<kind>`` and ``words_<kind>``)."""

    unknown_payee_over = MoneyField(
        "Ask about a payment to someone not known when it is over", what="the amount",
        validators=[InputRequired("Enter the amount")])
    duplicate_days = WholeNumberField(
        "Ask about the same amount paid to the same payee within this many days",
        what="the number of days", validators=[
            InputRequired("Enter the number of days"),
            NumberRange(1, 90, "Enter a number of days from 1 to 90")])
    duplicate_min = MoneyField("Only for payments of at least", what="the amount",
                               validators=[InputRequired("Enter the amount")])
    statement_gap_days = WholeNumberField(
        "Ask for a statement when this many days have none", what="the number of days",
        validators=[InputRequired("Enter the number of days"),
                    NumberRange(7, 366, "Enter a number of days from 7 to 366")])
    review_notice_days = WholeNumberField(
        "Say a review is due this many days before it", what="the number of days",
        validators=[InputRequired("Enter the number of days"),
                    NumberRange(0, 366, "Enter a number of days from 0 to 366")])

    def kinds(self) -> list[tuple[str, str, BooleanField, TextAreaField]]:
        return [(kind, KIND_LABELS[kind], self[f"ask_{kind}"], self[f"words_{kind}"])
                for kind in PROHIBITABLE]

    def settings(self) -> PolicyInput:
        words: dict[str, tuple[str, ...]] = {}
        for kind, _label, _ask, box in self.kinds():
            phrases = [p.strip() for p in (box.data or "").splitlines() if p.strip()]
            words[kind] = tuple(dict.fromkeys(phrases))[:MAX_WORDS]
        return PolicyInput(
            prohibited=frozenset(k for k, _label, ask, _box in self.kinds() if ask.data),
            added_words=words, unknown_payee_over_pence=self.unknown_payee_over.data or 0,
            duplicate_days=int(self.duplicate_days.data),
            duplicate_min_pence=self.duplicate_min.data or 0,
            statement_gap_days=int(self.statement_gap_days.data),
            review_notice_days=int(self.review_notice_days.data))

    @classmethod
    def filled(cls, settings: PolicyInput) -> PolicyForm:
        data: dict[str, object] = {
            "unknown_payee_over": settings.unknown_payee_over_pence,
            "duplicate_days": settings.duplicate_days,
            "duplicate_min": settings.duplicate_min_pence,
            "statement_gap_days": settings.statement_gap_days,
            "review_notice_days": settings.review_notice_days}
        for kind in PROHIBITABLE:
            data[f"ask_{kind}"] = kind in settings.prohibited
            data[f"words_{kind}"] = "\n".join(settings.added_words.get(kind, ()))
        return cls(data=data)


for _kind in PROHIBITABLE:
    setattr(PolicyForm, f"ask_{_kind}", BooleanField(KIND_LABELS[_kind].capitalize()))
    setattr(PolicyForm, f"words_{_kind}", TextAreaField(
        f"More words for {KIND_LABELS[_kind]} (optional)",
        validators=[Optional(), too_long(10_000, f"the words for {KIND_LABELS[_kind]}")]))
