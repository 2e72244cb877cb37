"""A holder's money: the "Your money" page, the what-if, the budget, and who changed what."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import Blueprint, g, render_template, request
from wtforms.validators import InputRequired

from ..charts import balance_chart, month_end_table
from ..errors import UserError
from ..services.access import who_can_see
from ..services.history import holder_history
from ..services.money import (
    CATEGORIES,
    REPRESENTATIVE_TYPES,
    Holder,
    budget_reports,
    holder_money,
    money_page_balances,
    people_for_what_if,
    what_if,
)
from ..text import hours
from .access import holder_page
from .database import db
from .employment_forms import DecimalText
from .flags import open_questions
from .forms import DateField, Form, RadioField, SelectField, page_number, show_error, status_for

bp = Blueprint("holder", __name__, url_prefix="/holders/<int:holder_id>")


def today() -> date:
    return date.today()


class WhatIfForm(Form):
    """What if one of your PAs worked more (or fewer) hours a week from a date? Sent by GET:
    it changes nothing."""

    class Meta(Form.Meta):
        csrf = False

    employment = SelectField("Who", what="someone you employ", choices=[],
                             validators=[InputRequired("Select someone you employ")])
    direction = RadioField("More or fewer hours", what="more or fewer hours",
                           choices=[("more", "More hours"), ("fewer", "Fewer hours")],
                           default="more",
                           validators=[InputRequired("Select more or fewer hours")])
    hours = DecimalText("Hours a week", what="the hours a week", most=99,
                        validators=[InputRequired("Enter the hours a week, like 4")])
    start = DateField("From", what="the date it starts",
                      validators=[InputRequired("Enter the date it starts")])


def _what_if_form(holder: Holder, formdata: Any = None) -> WhatIfForm:
    form = WhatIfForm(formdata=formdata)
    form.employment.choices = [(str(i), name) for i, name in
                               people_for_what_if(db(), holder, today())]
    return form


def _minutes(form: WhatIfForm) -> int:
    hours = form.hours.data or Decimal(0)
    minutes = int((hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return -minutes if form.direction.data == "fewer" else minutes


@bp.route("")
@holder_page
def money(holder: Holder) -> str:
    info = holder_money(db(), holder, today())
    chart = table = None
    balances = money_page_balances(info)
    if balances is not None:
        actual, forecast = balances
        chart = balance_chart(actual, forecast)
        table = month_end_table(actual, forecast)
    form = _what_if_form(holder) if info.employer is not None else None
    return render_template("holder/money.html", holder=holder, info=info, pic=info.picture,
                           chart=chart, table=table, title=_title(holder),
                           rep_types=REPRESENTATIVE_TYPES, unsorted=info.unsorted_count,
                           what_if_form=form if form and form.employment.choices else None,
                           questions=open_questions(holder))


@bp.route("/what-if", endpoint="what_if")
@holder_page
def what_if_page(holder: Holder) -> tuple[str, int]:
    """The what-if: how long the money lasts if a PA worked more or fewer hours a week."""
    asked = bool(request.args)
    form = _what_if_form(holder, request.args if asked else None)
    result = None
    if asked and form.validate():
        try:
            result = what_if(db(), holder, today(), int(form.employment.data),
                             _minutes(form), form.start.data)
        except UserError as err:
            show_error(form, err)
    return render_template("holder/what_if.html", holder=holder, form=form, result=result,
                           hours=hours, title="What if hours changed?"), status_for(form)


def _title(holder: Holder) -> str:
    return "Your money" if g.role == "holder" else f"{holder.display_name}'s money"


@bp.route("/budget", endpoint="budget")
@holder_page
def budget_page(holder: Holder) -> str:
    info = holder_money(db(), holder, today())
    return render_template("holder/budget.html", holder=holder, info=info,
                           reports=budget_reports(info), categories=CATEGORIES,
                           title="Budget: planned and spent")


@bp.route("/history")
@holder_page
def history(holder: Holder) -> str:
    found = holder_history(db(), holder, page_number(request.args))
    return render_template("holder/history.html", holder=holder, changes=found.changes,
                           page=found.page, has_next=found.has_next, title="Who changed what")


@bp.route("/who-can-see")
@holder_page
def who_can_see_page(holder: Holder) -> str:
    title = ("Who can see your records" if g.role == "holder"
             else f"Who can see {holder.display_name}'s records")
    return render_template("holder/who_can_see.html", holder=holder,
                           viewers=who_can_see(db(), holder), title=title)
