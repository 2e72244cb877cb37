"""A holder's money: the "Your money" page, the budget, and who changed what."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, g, render_template, request

from ..charts import balance_chart, month_end_table
from ..services.history import holder_history
from ..services.money import (
    CATEGORIES,
    REPRESENTATIVE_TYPES,
    Holder,
    budget_reports,
    holder_money,
    money_page_balances,
)
from .access import holder_page
from .database import db
from .flags import open_questions
from .forms import page_number

bp = Blueprint("holder", __name__, url_prefix="/holders/<int:holder_id>")


def today() -> date:
    return date.today()


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
    return render_template("holder/money.html", holder=holder, info=info, pic=info.picture,
                           chart=chart, table=table, title=_title(holder),
                           rep_types=REPRESENTATIVE_TYPES, unsorted=info.unsorted_count,
                           questions=open_questions(holder))


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
