"""The finance officer's light-touch review of a holder, the holder's answers, the audit
pack and the monitoring return (docs/reviews.md). Thin: forms in, one service call, a page
or a file out."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from .. import exports
from ..errors import UserError
from ..services import reviews as service
from ..services.money import Holder
from ..text import format_date, money
from .access import current_user, holder_page, signed_in
from .database import db
from .forms import ConfirmForm, page_number, show_error, status_for
from .review_forms import AnswerForm, AskForm, DecisionForm, StartForm

bp = Blueprint("reviews", __name__, url_prefix="/holders/<int:holder_id>/reviews")
funder_bp = Blueprint("funder", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _index(holder: Holder, form: StartForm, status: int = 200) -> ResponseReturnValue:
    session = db()
    return render_template("review/index.html", holder=holder, form=form,
                           found=service.reviews_for(session, holder),
                           under_way=service.open_review(session, holder),
                           title="Reviews"), status


@bp.route("")
@holder_page
def index(holder: Holder) -> ResponseReturnValue:
    today = service.today()
    form = StartForm(data={"period_start": today - dt.timedelta(days=364),
                           "period_end": today})
    return _index(holder, form)


@bp.route("/start", methods=["POST"])
@holder_page
def start(holder: Holder) -> ResponseReturnValue:
    form = StartForm()
    if form.validate_on_submit():
        try:
            found = service.start(db(), holder, form.period_start.data, form.period_end.data)
        except UserError as err:
            show_error(form, err)
        else:
            flash("The review has started")
            return redirect(url_for("reviews.show", holder_id=holder.id, review_id=found.id))
    return _index(holder, form, status_for(form) if form.errors else 400)


def _review_page(holder: Holder, review_id: int, ask: AskForm | None = None,
                 decision: DecisionForm | None = None) -> ResponseReturnValue:
    session = db()
    found = service.review(session, holder, review_id) or abort(404)
    known = service.gather(session, holder, found.period_start, found.period_end)
    ask = ask or AskForm()
    ask.about.choices = _about_choices(known)
    if decision is None:
        decision = DecisionForm(data={
            "decision": found.decision, "notes": found.decision_notes,
            "recover_council": found.recover_council_pence,
            "recover_contribution": found.recover_contribution_pence,
            "escalate_to": found.escalate_to})
    status = 400 if (ask.errors or decision.errors) else 200
    return render_template("review/show.html", holder=holder, review=found, known=known,
                           ask=ask, decision=decision, confirm=ConfirmForm(),
                           title=f"Review of {holder.name}'s direct payment"), status


def _about_choices(known: service.Gathered) -> list[tuple[str, str]]:
    choices = [("", "Choose a flag or a payment")]
    seen: dict[str, int] = {}
    for flag in known.flags:
        seen[flag.code] = seen.get(flag.code, 0) + 1
        choices.append((f"flag:{flag.code}:{seen[flag.code]}", f"Flag: {flag.title}"))
    choices += [(f"payment:{p.id}", f"{format_date(p.date)}: {p.payee or p.description} "
                 f"{money(p.amount_pence)}") for p in known.payments]
    return choices


@bp.route("/<int:review_id>")
@holder_page
def show(holder: Holder, review_id: int) -> ResponseReturnValue:
    return _review_page(holder, review_id)


@bp.route("/<int:review_id>/ask", methods=["POST"])
@holder_page
def ask(holder: Holder, review_id: int) -> ResponseReturnValue:
    session = db()
    found = service.review(session, holder, review_id) or abort(404)
    form = AskForm()
    form.about.choices = _about_choices(service.gather(session, holder, found.period_start,
                                                       found.period_end))
    if form.validate_on_submit():
        kind, _, value = (form.about.data or "").partition(":")
        code, _, number = value.partition(":")
        try:
            service.ask(session, holder, review_id, form.question.data or "",
                        transaction_id=int(value) if kind == "payment" and value.isdigit()
                        else None,
                        flag_code=code if kind == "flag" else None,
                        flag_number=int(number) if number.isdigit() else 1)
        except UserError as err:
            show_error(form, err)
        else:
            flash("Your question has been sent. They will see it on their money page")
            return redirect(url_for("reviews.show", holder_id=holder.id, review_id=review_id))
    return _review_page(holder, review_id, ask=form)


@bp.route("/<int:review_id>/decision", methods=["POST"])
@holder_page
def decide(holder: Holder, review_id: int) -> ResponseReturnValue:
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            service.decide(db(), holder, review_id, service.Decision(
                form.decision.data or "", form.notes.data or "",
                form.recover_council.data, form.recover_contribution.data,
                form.escalate_to.data or ""))
        except UserError as err:
            show_error(form, err)
        else:
            flash("Your decision has been recorded")
            return redirect(url_for("reviews.show", holder_id=holder.id, review_id=review_id))
    return _review_page(holder, review_id, decision=form)


@bp.route("/<int:review_id>/sign-off", methods=["POST"])
@holder_page
def sign_off(holder: Holder, review_id: int) -> ResponseReturnValue:
    form = ConfirmForm()
    decision = DecisionForm(formdata=None)
    if form.validate_on_submit():
        try:
            service.sign_off(db(), holder, review_id)
        except UserError as err:
            show_error(decision, err)
            return _review_page(holder, review_id, decision=decision)
        flash("The review is signed off")
    return redirect(url_for("reviews.show", holder_id=holder.id, review_id=review_id))


@bp.route("/questions/<int:question_id>/answer", methods=["GET", "POST"])
@holder_page
def answer(holder: Holder, question_id: int) -> ResponseReturnValue:
    session = db()
    asked = service.question(session, holder, question_id) or abort(404)
    form = AnswerForm(data={"answer": asked.answer})
    if form.validate_on_submit():
        upload = form.file.data
        receipt = None
        if upload is not None and getattr(upload, "filename", None):
            receipt = (upload.filename or "", upload.read(service.records.MAX_ATTACHMENT_BYTES
                                                          + 1))
        try:
            service.answer(session, holder, question_id, form.answer.data or "", receipt)
        except UserError as err:
            show_error(form, err)
        else:
            flash("Your answer has been sent")
            return redirect(url_for("holder.money", holder_id=holder.id))
    return render_template("review/answer.html", holder=holder, asked=asked, form=form,
                           title="Answer a question about your money"), status_for(form)


def _period(holder: Holder) -> tuple[dt.date, dt.date]:
    """The period asked for (?start=2026-04-06&end=2027-04-05), or the last year."""
    today = service.today()
    try:
        start = dt.date.fromisoformat(request.args.get("start", ""))
        end = dt.date.fromisoformat(request.args.get("end", ""))
    except ValueError:
        return today - dt.timedelta(days=364), today
    if end < start or (end - start).days > 3660:
        return today - dt.timedelta(days=364), today
    return start, end


def _pack(holder: Holder) -> tuple[list[exports.Sheet], str]:
    session = db()
    start, end = _period(holder)
    found = next((r for r in service.reviews_for(session, holder)
                  if r.period_start == start and r.period_end == end), None)
    name = f"audit-pack-{holder.id}-{start.isoformat()}-to-{end.isoformat()}"
    return service.audit_pack(session, holder, start, end, found), name


def _download(data: bytes | str, filename: str, mimetype: str) -> Response:
    if isinstance(data, str):
        # A byte-order mark first, or Excel reads the UTF-8 file's "£" as "Â£".
        data = "\ufeff" + data
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/audit-pack.xlsx")
@holder_page
def pack_xlsx(holder: Holder) -> ResponseReturnValue:
    sheets, name = _pack(holder)
    return _download(exports.workbook(sheets), f"{name}.xlsx", XLSX)


@bp.route("/audit-pack.csv")
@holder_page
def pack_csv(holder: Holder) -> ResponseReturnValue:
    sheets, name = _pack(holder)
    return _download(exports.csv_text(sheets), f"{name}.csv", "text/csv")


@funder_bp.route("/reviews-due")
@signed_in
def due() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    found = service.reviews_due_page(db(), user, page_number(request.args))
    return render_template("review/due.html", found=found, rows=found.rows,
                           today=service.today(), within=service.DUE_SOON_DAYS,
                           title="Reviews due")


@funder_bp.route("/monitoring-return.xlsx")
@signed_in
def return_xlsx() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    sheet = service.return_sheet(service.monitoring_return(db(), user))
    return _download(exports.workbook([sheet]),
                     f"monitoring-return-{service.today().isoformat()}.xlsx", XLSX)


@funder_bp.route("/monitoring-return.csv")
@signed_in
def return_csv() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    sheet = service.return_sheet(service.monitoring_return(db(), user))
    return _download(exports.csv_text([sheet]),
                     f"monitoring-return-{service.today().isoformat()}.csv", "text/csv")




@funder_bp.app_template_global()
def holder_reviews(holder: Holder) -> service.HolderReviews:
    """For the holder's money page (templates/review/_questions.html): their next review and
    the questions the review under way asks them."""
    return service.for_holder(db(), holder)
