"""A holder's money: the "Your money" page, the budget, and who changed what."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, render_template, request
from sqlalchemy import select

from .. import budget
from ..charts import balance_chart, month_end_table
from ..models import AuditEvent, Holder
from ..models.funding import CATEGORIES
from ..models.people import REPRESENTATIVE_TYPES
from ..services.money import holder_money
from .access import holder_page
from .database import db
from .forms import page_number

bp = Blueprint("holder", __name__, url_prefix="/holders/<int:holder_id>")


def today() -> date:
    return date.today()


@bp.route("")
@holder_page
def money(holder: Holder):  # type: ignore[no-untyped-def]
    info = holder_money(db(), holder, today())
    chart = table = None
    if info.picture is not None and info.terms is not None:
        pic = info.picture
        actual = budget.balance_series(info.agreement.opening_balance_pence,  # type: ignore[union-attr]
                                       info.terms.start_date, info.transactions, pic.today)
        forecast = [p for p in pic.projected_balances if p[0] > pic.today]
        forecast = _thin(forecast)
        chart = balance_chart(actual, forecast)
        table = month_end_table(actual, forecast)
    return render_template("holder/money.html", holder=holder, info=info, pic=info.picture,
                           chart=chart, table=table, title=_title(holder),
                           rep_types=REPRESENTATIVE_TYPES, unsorted=info.unsorted_count)


def _title(holder: Holder) -> str:
    from flask import g

    return "Your money" if g.role == "holder" else f"{holder.display_name}'s money"


def _thin(points: list[tuple[date, int]]) -> list[tuple[date, int]]:
    """Keep the days where the balance changes, so the chart stays small."""
    kept: list[tuple[date, int]] = []
    for p in points:
        if not kept or kept[-1][1] != p[1]:
            kept.append(p)
    if points and (not kept or kept[-1] != points[-1]):
        kept.append(points[-1])
    return kept


@bp.route("/budget", endpoint="budget")
@holder_page
def budget_page(holder: Holder):  # type: ignore[no-untyped-def]
    info = holder_money(db(), holder, today())
    reports = []
    if info.terms is not None and info.picture is not None:
        year_start, year_end = info.picture.year_start, info.picture.year_end
        end = min(year_end, info.picture.period.end)
        reports = budget.plan_vs_actual(info.terms, info.plan, info.transactions, year_start, end)
        reports.reverse()
    return render_template("holder/budget.html", holder=holder, info=info, reports=reports,
                           categories=CATEGORIES, title="Budget: planned and spent")



@bp.route("/history")
@holder_page
def history(holder: Holder):  # type: ignore[no-untyped-def]
    page = page_number(request.args)
    rows = list(db().scalars(
        select(AuditEvent).where(AuditEvent.holder_id == holder.id)
        .order_by(AuditEvent.id.desc()).offset((page - 1) * 50).limit(51)))
    events = [(e, _load(e.before), _load(e.after)) for e in rows[:50]]
    return render_template("holder/history.html", holder=holder, events=events, page=page,
                           has_next=len(rows) > 50, title="Who changed what")


def _load(text: str | None) -> dict | None:  # type: ignore[type-arg]
    return json.loads(text) if text else None
