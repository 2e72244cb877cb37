"""The support plan: budget lines."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..errors import UserError
from ..services import plan
from ..services.plan import BudgetLine, LineDetails
from ..services.records import Holder
from .access import holder_page
from .database import db
from .forms import BudgetLineForm, ConfirmForm, show_error, status_for

bp = Blueprint("plan", __name__, url_prefix="/holders/<int:holder_id>/plan")


@bp.route("")
@holder_page
def show(holder: Holder) -> ResponseReturnValue:
    session = db()
    lines = plan.budget_lines(session, holder)
    return render_template("plan/show.html", holder=holder, lines=lines,
                           categories=plan.CATEGORIES,
                           agreement=plan.current_agreement(session, holder),
                           total=sum(x.planned_pence for x in lines), title="Support plan")


def _details(form: BudgetLineForm) -> LineDetails:
    hours = form.hours.data
    return LineDetails(category=form.category.data or "other", label=form.label.data or "",
                       planned_pence=int(form.planned.data or 0), outcome=form.outcome.data,
                       planned_minutes=None if hours is None else int(hours * 60))


def _hours(line: BudgetLine) -> Decimal | None:
    return None if line.planned_minutes is None else Decimal(line.planned_minutes) / 60


def _line_form(holder: Holder, form: BudgetLineForm, line: BudgetLine | None = None,
               status: int = 200) -> ResponseReturnValue:
    if line is None:
        return render_template("plan/line_form.html", holder=holder, form=form,
                               title="Add a line to the plan"), status
    return render_template("plan/line_form.html", holder=holder, form=form, line=line,
                           delete_form=ConfirmForm(), title=f"Change '{line.label}'"), status


@bp.route("/lines/new", methods=["GET", "POST"])
@holder_page
def add_line(holder: Holder) -> ResponseReturnValue:
    form = BudgetLineForm()
    if form.validate_on_submit():
        try:
            line = plan.add_line(db(), holder, _details(form))
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"Added '{line.label}' to the plan")
            return redirect(url_for("plan.show", holder_id=holder.id))
    return _line_form(holder, form, status=status_for(form))


@bp.route("/lines/<int:line_id>/edit", methods=["GET", "POST"])
@holder_page
def edit_line(holder: Holder, line_id: int) -> ResponseReturnValue:
    line = plan.budget_line(db(), holder, line_id) or abort(404)
    form = BudgetLineForm(obj=line, planned=line.planned_pence, hours=_hours(line))
    if form.validate_on_submit():
        try:
            plan.change_line(db(), line, _details(form))
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"Saved '{line.label}'")
            return redirect(url_for("plan.show", holder_id=holder.id))
    return _line_form(holder, form, line, status=status_for(form))


@bp.route("/lines/<int:line_id>/delete", methods=["POST"])
@holder_page
def delete_line(holder: Holder, line_id: int) -> ResponseReturnValue:
    line = plan.budget_line(db(), holder, line_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    label = line.label
    try:
        plan.remove_line(db(), line)
    except UserError as err:
        form = BudgetLineForm(obj=line, planned=line.planned_pence, hours=_hours(line),
                              formdata=None)
        show_error(form, err)
        return _line_form(holder, form, line, status=400)
    flash(f"Removed '{label}' from the plan")
    return redirect(url_for("plan.show", holder_id=holder.id))
