"""The support plan: budget lines."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from ..models import BudgetLine, Holder
from ..models.funding import CATEGORIES
from ..services import records
from .access import holder_page
from .database import db
from .forms import BudgetLineForm, ConfirmForm

bp = Blueprint("plan", __name__, url_prefix="/holders/<int:holder_id>/plan")


@bp.route("")
@holder_page
def show(holder: Holder):  # type: ignore[no-untyped-def]
    session = db()
    lines = records.budget_lines(session, holder)
    agreement = records.current_agreement(session, holder)
    return render_template("plan/show.html", holder=holder, lines=lines, categories=CATEGORIES,
                           agreement=agreement, total=sum(x.planned_pence for x in lines),
                           title="Support plan")


@bp.route("/lines/new", methods=["GET", "POST"])
@holder_page
def add_line(holder: Holder):  # type: ignore[no-untyped-def]
    form = BudgetLineForm()
    if form.validate_on_submit():
        session = db()
        line = BudgetLine(holder_id=holder.id)
        _fill(line, form)
        session.add(line)
        session.commit()
        flash(f"Added '{line.label}' to the plan")
        return redirect(url_for("plan.show", holder_id=holder.id))
    return render_template("plan/line_form.html", holder=holder, form=form,
                           title="Add a line to the plan")


@bp.route("/lines/<int:line_id>/edit", methods=["GET", "POST"])
@holder_page
def edit_line(holder: Holder, line_id: int):  # type: ignore[no-untyped-def]
    session = db()
    line = records.budget_line(session, holder, line_id) or abort(404)
    form = BudgetLineForm(obj=line, planned=line.planned_pence)
    if form.validate_on_submit():
        _fill(line, form)
        session.commit()
        flash(f"Saved '{line.label}'")
        return redirect(url_for("plan.show", holder_id=holder.id))
    return render_template("plan/line_form.html", holder=holder, form=form, line=line,
                           delete_form=ConfirmForm(), title=f"Change '{line.label}'")


@bp.route("/lines/<int:line_id>/delete", methods=["POST"])
@holder_page
def delete_line(holder: Holder, line_id: int):  # type: ignore[no-untyped-def]
    session = db()
    line = records.budget_line(session, holder, line_id) or abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        records.delete_budget_line(session, line)
    except records.RecordError as err:
        edit_form = BudgetLineForm(obj=line, planned=line.planned_pence)
        edit_form.form_errors.append(str(err))
        return render_template("plan/line_form.html", holder=holder, form=edit_form, line=line,
                               delete_form=form, title=f"Change '{line.label}'"), 400
    session.commit()
    flash(f"Removed '{line.label}' from the plan")
    return redirect(url_for("plan.show", holder_id=holder.id))


def _fill(line: BudgetLine, form: BudgetLineForm) -> None:
    line.category = form.category.data or "other"
    line.label = (form.label.data or "").strip()
    line.planned_pence = int(form.planned.data or 0)
    line.outcome = (form.outcome.data or "").strip() or None
