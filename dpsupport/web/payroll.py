"""Pay runs, payslips, the year-end summary, what the employer must pay and when, and the
figures for HMRC. Thin: the pages read through services/payslips.py; the buttons that change
anything call the pay run engine (services/payruns.py: draft_pay_run, approve_pay_run,
correct_pay_run, mark_paid)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired

from ..errors import UserError
from ..services import payruns as engine
from ..services import payslips as service
from ..services.employment import Holder
from ..text import format_date, plural
from .access import current_user, holder_page
from .database import db
from .forms import ConfirmForm, Form, show_error, status_for

bp = Blueprint("payroll", __name__, url_prefix="/holders/<int:holder_id>/pay")
Page = str | Response | tuple[str, int]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

class DraftForm(Form):
    """'Run the pay' for one pay period (its frequency and first day, from the page)."""

    frequency = HiddenField()
    period_start = HiddenField()


class ApproveForm(Form):
    confirm = BooleanField(
        "I have checked every PA's pay, and it is right",
        validators=[DataRequired("Tick the box to say you have checked the pay run before "
                                 "you approve it")])


@bp.route("")
@holder_page
def index(holder: Holder) -> Page:
    session = db()
    return _index(holder, service.pay_runs(session, holder), None, 200)


def _index(holder: Holder, runs: list[Any], problem: str | None, status: int) -> Page:
    session = db()
    return render_template(
        "payroll/index.html", holder=holder, runs=runs,
        periods=service.periods_to_run(session, holder), problem=problem,
        draft_form=DraftForm(), statuses=service.PAY_RUN_STATUSES,
        frequencies=service.FREQUENCY_NAMES, run_title=service.run_title,
        summary=lambda run: service.run_summary(session, holder, run),
        plural=plural, title="Pay runs"), status


@bp.route("/run", methods=["POST"])
@holder_page
def draft(holder: Holder) -> Page:
    form = DraftForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        start = date.fromisoformat(form.period_start.data or "")
    except ValueError:
        abort(400)
    session = db()
    try:
        run = engine.draft_pay_run(session, holder, form.frequency.data or "", start)
    except UserError as err:
        return _index(holder, service.pay_runs(session, holder), str(err), 400)
    flash(f"The pay for {format_date(run.period_start)} to {format_date(run.period_end)} has "
          "been worked out. Check it, then approve it")
    return redirect(url_for("payroll.show", holder_id=holder.id, pay_run_id=run.id))


def _run(holder: Holder, pay_run_id: int) -> Any:
    return service.pay_run(db(), holder, pay_run_id) or abort(404)


def _show(holder: Holder, run: Any, form: ApproveForm, status: int = 200) -> Page:
    session = db()
    return render_template(
        "payroll/show.html", holder=holder, run=run,
        summary=service.run_summary(session, holder, run), form=form,
        correct_form=ConfirmForm(), period=service.period_words(run),
        tax_period=service.tax_period_words(run),
        tax_year=service.tax_year_of(run), statuses=service.PAY_RUN_STATUSES,
        frequencies=service.FREQUENCY_NAMES, kinds=service.PAYMENT_KINDS,
        title=service.run_title(run)), status


@bp.route("/<int:pay_run_id>")
@holder_page
def show(holder: Holder, pay_run_id: int) -> Page:
    return _show(holder, _run(holder, pay_run_id), ApproveForm())


@bp.route("/<int:draft_id>/approve", methods=["POST"])
@holder_page
def approve(holder: Holder, draft_id: int) -> Page:
    """Approve a draft pay run (the route names it ``draft_id``: approving is for drafts,
    correcting for approved runs)."""
    run = _run(holder, draft_id)
    form = ApproveForm()
    if form.validate_on_submit():
        try:
            engine.approve_pay_run(db(), holder, draft_id, current_user())
        except UserError as err:
            show_error(form, err)
        else:
            flash("The pay run is approved. What you must pay, and when, is below")
            return redirect(url_for("payroll.show", holder_id=holder.id,
                                    pay_run_id=draft_id))
    return _show(holder, run, form, status_for(form))


@bp.route("/<int:pay_run_id>/correct", methods=["POST"])
@holder_page
def correct(holder: Holder, pay_run_id: int) -> Page:
    run = _run(holder, pay_run_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    form = ApproveForm(formdata=None)
    try:
        fixed = engine.correct_pay_run(db(), holder, pay_run_id)
    except UserError as err:
        show_error(form, err)
        return _show(holder, run, form, 400)
    flash("The correcting pay run has been worked out. Check it, then approve it")
    return redirect(url_for("payroll.show", holder_id=holder.id, pay_run_id=fixed.id))


@bp.route("/<int:pay_run_id>/pay-run.xlsx")
@holder_page
def export(holder: Holder, pay_run_id: int) -> Response:
    run = _run(holder, pay_run_id)
    data = service.export_xlsx(db(), holder, run)
    response = Response(data, mimetype=XLSX)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{service.export_filename(run)}"')
    return response


@bp.route("/payslips/<int:payslip_id>")
@holder_page
def payslip(holder: Holder, payslip_id: int) -> Page:
    session = db()
    slip = service.payslip(session, holder, payslip_id) or abort(404)
    page = service.payslip_page(session, holder, slip)
    return render_template("payroll/payslip.html", holder=holder, p=page,
                           title=f"Payslip for {page.name}, {page.period}")


@bp.route("/year-end")
@holder_page
def year_end_index(holder: Holder) -> Page:
    return render_template("payroll/year_end_index.html", holder=holder,
                           found=service.year_end_list(db(), holder),
                           year_words=service.year_words, title="End of the tax year")


@bp.route("/year-end/<int:tax_year>/<int:employment_id>")
@holder_page
def year_end(holder: Holder, tax_year: int, employment_id: int) -> Page:
    y = service.year_end(db(), holder, employment_id, tax_year) or abort(404)
    return render_template("payroll/year_end.html", holder=holder, y=y, plural=plural,
                           title=f"{y.employment.name}: pay and tax for {y.year}")


@bp.route("/payments")
@holder_page
def payments(holder: Holder) -> Page:
    return _payments(holder, None, 200)


def _payments(holder: Holder, problem: str | None, status: int) -> Page:
    return render_template("payroll/payments.html", holder=holder,
                           found=service.payments(db(), holder), form=ConfirmForm(),
                           problem=problem, title="What you must pay and when"), status


@bp.route("/payments/<int:due_id>/paid", methods=["POST"])
@holder_page
def mark_paid(holder: Holder, due_id: int) -> Page:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        row = engine.mark_paid(db(), holder, due_id, service.today())
    except UserError as err:
        return _payments(holder, str(err), 400)
    flash(f"Recorded as paid today: {row.payee}")
    return redirect(url_for("payroll.payments", holder_id=holder.id))


@bp.route("/hmrc")
@holder_page
def submissions(holder: Holder) -> Page:
    text = request.args.get("year", "")
    year = int(text) if text.isascii() and text.isdigit() and len(text) == 4 else None
    found = service.submissions(db(), holder, year)
    return render_template("payroll/submissions.html", holder=holder, s=found,
                           not_sent=service.NOT_SENT, year_words=service.year_words,
                           title="Figures for HMRC")

