"""Timesheets: a week of shifts for one PA on one page, the checks on them, approving a
period for pay, and spreadsheets (a template to fill in, upload with a preview, exports).
Thin: forms in, one service call, a page or a file out."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..errors import UserError
from ..services import employment as people
from ..services import timesheets as service
from ..services.employment import Holder
from ..text import format_date, hours, plural
from .access import current_user, holder_page
from .database import db
from .forms import ConfirmForm, show_error
from .timesheet_forms import (
    FORMATS,
    ApproveForm,
    ExportForm,
    ShiftRow,
    UploadForm,
    WeekForm,
    day_choices,
    read_week,
)

bp = Blueprint("timesheets", __name__, url_prefix="/holders/<int:holder_id>")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _monday(text: str | None) -> date:
    """The week asked for (?week=2026-05-04; any day of it), or this week."""
    try:
        day = date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        day = people.today()
    return service.week_start(day)


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/timesheets")
@holder_page
def index(holder: Holder) -> ResponseReturnValue:
    session, today = db(), people.today()
    monday = service.week_start(today)
    export = ExportForm(formdata=None, data={"start": monday - timedelta(days=28),
                                             "end": monday + timedelta(days=6)})
    export.employment.choices = _whose(holder)
    return render_template("timesheets/index.html", holder=holder, monday=monday,
                           people=people.employments(session, holder), export=export,
                           title="Timesheets")


def _whose(holder: Holder) -> list[tuple[str, str]]:
    return [("", "Everyone"), *((str(p.id), p.name)
                                for p in people.employments(db(), holder))]


def _week_page(holder: Holder, employment_id: int, monday: date, form: WeekForm,
               rows: list[ShiftRow] | None = None, approve: ApproveForm | None = None,
               status: int = 200) -> ResponseReturnValue:
    session = db()
    person = people.employment(session, holder, employment_id) or abort(404)
    sunday = monday + timedelta(days=6)
    lines = service.shift_lines(session, person, monday, sunday)
    if rows is None:
        rows = [ShiftRow(n, s.shift.work_date.isoformat(), s.shift.start_time.strftime("%H:%M"),
                         s.shift.end_time.strftime("%H:%M"), str(s.shift.break_minutes or ""),
                         s.shift.kind, s.shift.note or "")
                for n, s in enumerate((x for x in lines if not x.approved), 1)]
        rows += [ShiftRow(len(rows) + n) for n in range(1, 3)]
    if approve is None:
        approve = ApproveForm(formdata=None, data={"period_start": monday, "period_end": sunday})
    errors = [(f"shift-{i}-{name}", message) for i, row in enumerate(rows)
              for name, message in row.errors.items()]
    total = sum(x.pay.pay_pence for x in lines if x.pay)
    worked = sum(x.pay.working_minutes for x in lines if x.pay)
    return render_template(
        "timesheets/week.html", holder=holder, person=person, monday=monday, sunday=sunday,
        form=form, rows=rows, row_errors=errors, lines=[x for x in lines if x.approved],
        all_lines=lines, checks=service.period_checks(session, person, monday, sunday),
        approvals=service.approvals(session, person), approve=approve, days=day_choices(monday),
        kinds=service.SHIFT_KINDS, total=total, worked=hours(worked),
        previous=monday - timedelta(days=7), next=monday + timedelta(days=7),
        locked=service.approvals_overlapping(session, person, monday, sunday),
        title=f"{person.name}'s timesheet for the week from {format_date(monday)}"), status


@bp.route("/employment/<int:employment_id>/timesheet")
@holder_page
def week(holder: Holder, employment_id: int) -> ResponseReturnValue:
    return _week_page(holder, employment_id, _monday(request.args.get("week")), WeekForm())


@bp.route("/employment/<int:employment_id>/timesheet", methods=["POST"])
@holder_page
def save_week(holder: Holder, employment_id: int) -> ResponseReturnValue:
    monday = _monday(request.form.get("week"))
    form = WeekForm()
    rows, inputs = read_week(request.form, monday)
    if not form.validate_on_submit():
        return _week_page(holder, employment_id, monday, form, rows, status=400)
    if "add_row" in request.form:
        rows.append(ShiftRow(len(rows) + 1))
        return _week_page(holder, employment_id, monday, form, rows)
    if any(row.errors for row in rows):
        form.form_errors.append("Nothing has been saved: put right the shifts named below")
        return _week_page(holder, employment_id, monday, form, rows, status=400)
    try:
        saved = service.save_week(db(), holder, employment_id, monday, inputs)
    except UserError as err:
        show_error(form, err)
        return _week_page(holder, employment_id, monday, form, rows, status=400)
    flash(f"Saved {plural(len(saved), 'shift')} for the week from {format_date(monday)}")
    return redirect(url_for("timesheets.week", holder_id=holder.id,
                            employment_id=employment_id, week=monday.isoformat()))


@bp.route("/employment/<int:employment_id>/timesheet/approve", methods=["POST"])
@holder_page
def approve(holder: Holder, employment_id: int) -> ResponseReturnValue:
    monday = _monday(request.form.get("week"))
    form = ApproveForm()
    if form.validate_on_submit():
        try:
            service.approve_period(db(), holder, employment_id, form.period_start.data,
                                   form.period_end.data, current_user())
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"Approved the timesheet from {format_date(form.period_start.data)} to "
                  f"{format_date(form.period_end.data)}")
            return redirect(url_for("timesheets.week", holder_id=holder.id,
                                    employment_id=employment_id, week=monday.isoformat()))
    return _week_page(holder, employment_id, monday, WeekForm(formdata=None), approve=form,
                      status=400)


@bp.route("/employment/<int:employment_id>/timesheet/approvals/<int:approval_id>/withdraw",
          methods=["POST"])
@holder_page
def withdraw(holder: Holder, employment_id: int, approval_id: int) -> ResponseReturnValue:
    form = ConfirmForm()
    monday = _monday(request.form.get("week"))
    if form.validate_on_submit():
        try:
            service.withdraw_approval(db(), holder, employment_id, approval_id)
        except UserError as err:
            show_error(form, err)
        else:
            flash("Withdrew the approval: the shifts in that period can be changed again")
            return redirect(url_for("timesheets.week", holder_id=holder.id,
                                    employment_id=employment_id, week=monday.isoformat()))
    week_form = WeekForm(formdata=None)
    week_form.form_errors.extend(form.form_errors or ["The form had expired. Please try again."])
    return _week_page(holder, employment_id, monday, week_form, status=400)


# --- spreadsheets ---------------------------------------------------------------------------

@bp.route("/timesheets/template.xlsx")
@holder_page
def template(holder: Holder) -> ResponseReturnValue:
    return _download(service.template(db(), holder), "timesheet-template.xlsx", XLSX)


@bp.route("/timesheets/upload", methods=["GET", "POST"])
@holder_page
def upload(holder: Holder) -> ResponseReturnValue:
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read(service.sheet.MAX_BYTES + 1)
        name = form.file.data.filename or "timesheet"
        try:
            found = service.read_upload(db(), holder, data, name)
            kept = service.keep_upload(db(), holder, name, found)
        except UserError as err:
            show_error(form, err)
        else:
            return redirect(url_for("timesheets.preview", holder_id=holder.id, ref=kept.token))
    return render_template("timesheets/upload.html", holder=holder, form=form,
                           max_rows=service.sheet.MAX_ROWS,
                           title="Upload a timesheet spreadsheet"), 400 if form.errors else 200


@bp.route("/timesheets/upload/check")
@holder_page
def preview(holder: Holder) -> ResponseReturnValue:
    ref = request.args.get("ref", "")
    row = service.pending_upload(db(), holder, ref)
    if row is None:
        flash("That upload has expired or was already used. Upload the file again")
        return redirect(url_for("timesheets.upload", holder_id=holder.id))
    return _preview(holder, row, ref)


def _preview(holder: Holder, row: service.PendingTimesheet, ref: str, error: str | None = None,
             status: int = 200) -> ResponseReturnValue:
    found = service.pending_contents(row)
    return render_template("timesheets/preview.html", holder=holder, found=found, ref=ref,
                           filename=row.filename, error=error,
                           kinds=service.SHIFT_KINDS,
                           title="Check the shifts before you add them"), status


@bp.route("/timesheets/upload/confirm", methods=["POST"])
@holder_page
def confirm_upload(holder: Holder) -> ResponseReturnValue:
    form, ref = ConfirmForm(), request.form.get("ref", "")
    if form.validate_on_submit():
        try:
            added = service.confirm_upload(db(), holder, ref)
        except UserError as err:
            row = service.pending_upload(db(), holder, ref)
            if row is None:
                flash(str(err))
                return redirect(url_for("timesheets.upload", holder_id=holder.id))
            return _preview(holder, row, ref, str(err), 400)
        flash(f"Added {plural(added, 'shift')} from the spreadsheet")
        return redirect(url_for("timesheets.index", holder_id=holder.id))
    return redirect(url_for("timesheets.preview", holder_id=holder.id, ref=ref))


@bp.route("/timesheets/upload/cancel", methods=["POST"])
@holder_page
def cancel_upload(holder: Holder) -> ResponseReturnValue:
    form = ConfirmForm()
    if form.validate_on_submit():
        service.drop_upload(db(), holder, request.form.get("ref", ""))
        flash("Cancelled: nothing from that file was added")
    return redirect(url_for("timesheets.index", holder_id=holder.id))


@bp.route("/timesheets/export")
@holder_page
def export(holder: Holder) -> ResponseReturnValue:
    session = db()
    form = ExportForm(request.args)
    form.employment.choices = _whose(holder)
    if request.args and form.validate():
        who = int(form.employment.data) if form.employment.data else None
        try:
            rows = service.export_rows(session, holder, form.start.data, form.end.data, who)
        except UserError as err:
            show_error(form, err)
        else:
            stem = f"timesheets-{form.start.data.isoformat()}-to-{form.end.data.isoformat()}"
            if form.format.data == "csv":
                return _download(service.sheet.export_csv(rows), stem + ".csv",
                                 "text/csv; charset=utf-8")
            title = (f"Shifts from {format_date(form.start.data)} to "
                     f"{format_date(form.end.data)}")
            return _download(service.sheet.export_xlsx(rows, title), stem + ".xlsx", XLSX)
    return render_template("timesheets/export.html", holder=holder, form=form, formats=FORMATS,
                           title="Export timesheets"), 400 if form.errors else 200

