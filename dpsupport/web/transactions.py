"""Money in and out: list with filters, add, change, remove, receipts."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from ..models import Holder, Transaction
from ..models.funding import ALL_CATEGORIES, CATEGORIES, INCOME_CATEGORIES
from ..services import records, sorting
from ..text import plural
from .access import holder_page
from .database import db
from .forms import ConfirmForm, TransactionForm

bp = Blueprint("transactions", __name__, url_prefix="/holders/<int:holder_id>/transactions")
PAGE_SIZE = 50


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@bp.route("")
@holder_page
def index(holder: Holder):  # type: ignore[no-untyped-def]
    args = request.args
    errors = []
    start, end = _parse_date(args.get("from")), _parse_date(args.get("to"))
    if args.get("from") and start is None:
        errors.append(("from", "Enter the 'from' date as a real date"))
    if args.get("to") and end is None:
        errors.append(("to", "Enter the 'to' date as a real date"))
    category = args.get("category") or None
    if category and category != "unsorted" and category not in ALL_CATEGORIES:
        category = None
    direction = args.get("direction") if args.get("direction") in ("in", "out") else None
    filt = records.TransactionFilter(start, end, category, direction,
                                     (args.get("q") or "").strip()[:100] or None)
    try:
        page = max(1, int(args.get("page", "1")))
    except ValueError:
        page = 1
    session = db()
    rows = list(session.scalars(records.transactions_query(holder, filt)
                                .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    has_next = len(rows) > PAGE_SIZE
    return render_template(
        "transactions/index.html", holder=holder, rows=rows[:PAGE_SIZE], filt=filt,
        categories=ALL_CATEGORIES, page=page, has_next=has_next, filter_errors=errors,
        unsorted=sorting.unsorted_count(session, holder),
        page_args={k: v for k, v in args.items() if k != "page"},
        title="Money in and out")


def _form(holder: Holder, tx: Transaction | None = None) -> TransactionForm:
    session = db()
    if tx is not None and request.method == "GET":
        form = TransactionForm(
            direction="in" if tx.amount_pence > 0 else "out", date=tx.date,
            amount=abs(tx.amount_pence), payee=tx.payee, category=tx.category or "",
            budget_line=str(tx.budget_line_id or ""), note=tx.note)
    else:
        form = TransactionForm()
    form.budget_line.choices = [("", "Not linked to a plan line")] + [
        (str(line.id), line.label) for line in records.budget_lines(session, holder)]
    return form


def _save(holder: Holder, form: TransactionForm, tx: Transaction | None):  # type: ignore[no-untyped-def]
    session = db()
    amount = int(form.amount.data or 0)
    signed = amount if form.direction.data == "in" else -amount
    try:
        saved = records.save_transaction(
            session, holder, tx, when=form.date.data, amount_pence=signed,
            category=form.category.data or None,
            budget_line_id=int(form.budget_line.data) if form.budget_line.data else None,
            payee=(form.payee.data or "").strip(), note=(form.note.data or "").strip())
    except records.RecordError as err:
        session.rollback()
        form.form_errors.append(str(err))
        return None
    session.commit()
    return saved


@bp.route("/new", methods=["GET", "POST"])
@holder_page
def new(holder: Holder):  # type: ignore[no-untyped-def]
    form = _form(holder)
    if form.validate_on_submit():
        saved = _save(holder, form, None)
        if saved is not None:
            flash("The payment has been added")
            return redirect(url_for("transactions.show", holder_id=holder.id,
                                    transaction_id=saved.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("transactions/form.html", holder=holder, form=form, tx=None,
                           title="Add money in or out"), status


MAX_GROUPS_SENT = 200  # more fields than any page shows are not read


SortErrors = list[tuple[str, str]]  # (group key, message)
SortSent = dict[str, tuple[str, str]]  # group key -> (category, plan line) as sent


def _sort_choices(holder: Holder, by_key: dict[str, sorting.Group]
                  ) -> tuple[list[sorting.Choice], SortErrors, SortSent]:
    """The sorting form as sent: the good choices, what is wrong as (group key, message),
    and every group's (category, plan line) as sent, to show them again."""
    choices: list[sorting.Choice] = []
    errors: SortErrors = []
    sent: SortSent = {}
    for i in range(MAX_GROUPS_SENT):
        key = request.form.get(f"group-{i}-key")
        if key is None:
            break
        category = request.form.get(f"group-{i}-category", "")
        line = request.form.get(f"group-{i}-budget_line", "")
        sent[key] = (category, line)
        if not category and not line:
            continue  # left to sort later
        group = by_key.get(key)
        if group is None:
            errors.append((key, "The list of payments has changed since the page was "
                                "opened. Please check your choices."))
        elif not category:
            errors.append((key, f"Choose a category for {group.label}, or leave its plan "
                                "line empty"))
        else:
            choice = sorting.Choice(key, category, int(line) if line.isdigit() else None)
            problem = ("Select a line from your support plan"
                       if line and choice.budget_line_id is None
                       else sorting.check_choice(db(), holder, choice))
            if problem:
                errors.append((key, f"{group.label}: {problem}"))
            else:
                choices.append(choice)
    return choices, errors, sent


@bp.route("/sort", methods=["GET", "POST"])
@holder_page
def sort(holder: Holder):  # type: ignore[no-untyped-def]
    """Sort the payments not sorted yet, by who they were to or from."""
    session = db()
    form = ConfirmForm()
    groups = sorting.unsorted_groups(session, holder)
    errors: SortErrors = []
    sent: SortSent = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        choices, errors, sent = _sort_choices(holder, {g.key: g for g in groups})
        if not errors and not choices:
            errors.append((groups[0].key if groups else "",
                           "Choose a category for at least one name, or go back"))
        if not errors:
            done = sorting.sort_payments(session, holder, choices)
            session.commit()
            flash(f"Sorted {plural(done, 'payment')}.")
            if done < sum(g.count for g in groups):
                return redirect(url_for("transactions.sort", holder_id=holder.id))
            return redirect(url_for("transactions.index", holder_id=holder.id))
        session.rollback()
    shown = groups[:sorting.GROUPS_SHOWN]
    return render_template(
        "transactions/sort.html", holder=holder, form=form, groups=shown,
        more=len(groups) - len(shown), total=sum(g.count for g in groups),
        errors=errors, sent=sent, lines=records.budget_lines(session, holder),
        spending=CATEGORIES, income=INCOME_CATEGORIES,
        title="Sort payments by who they were to or from"), 400 if errors else 200


@bp.route("/<int:transaction_id>")
@holder_page
def show(holder: Holder, transaction_id: int):  # type: ignore[no-untyped-def]
    tx = records.transaction(db(), holder, transaction_id) or abort(404)
    return render_template("transactions/show.html", holder=holder, tx=tx,
                           categories=ALL_CATEGORIES, upload_form=ConfirmForm(),
                           title="Payment details")


@bp.route("/<int:transaction_id>/edit", methods=["GET", "POST"])
@holder_page
def edit(holder: Holder, transaction_id: int):  # type: ignore[no-untyped-def]
    tx = records.transaction(db(), holder, transaction_id) or abort(404)
    form = _form(holder, tx)
    if form.validate_on_submit():
        saved = _save(holder, form, tx)
        if saved is not None:
            flash("Your changes have been saved")
            return redirect(url_for("transactions.show", holder_id=holder.id,
                                    transaction_id=tx.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("transactions/form.html", holder=holder, form=form, tx=tx,
                           delete_form=ConfirmForm(), title="Change this payment"), status


@bp.route("/<int:transaction_id>/delete", methods=["POST"])
@holder_page
def delete(holder: Holder, transaction_id: int):  # type: ignore[no-untyped-def]
    session = db()
    tx = records.transaction(session, holder, transaction_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        records.delete_transaction(session, tx)
    except records.RecordError as err:
        session.rollback()
        flash(str(err))
        return redirect(url_for("transactions.show", holder_id=holder.id, transaction_id=tx.id))
    session.commit()
    flash("The payment has been removed")
    return redirect(url_for("transactions.index", holder_id=holder.id))


@bp.route("/<int:transaction_id>/attachments", methods=["POST"])
@holder_page
def upload_attachment(holder: Holder, transaction_id: int):  # type: ignore[no-untyped-def]
    session = db()
    tx = records.transaction(session, holder, transaction_id) or abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    error = None
    if upload is None or not upload.filename:
        error = "Select a receipt or invoice to upload"
    else:
        try:
            records.add_attachment(session, holder, tx, upload.filename,
                                   upload.read(records.MAX_ATTACHMENT_BYTES + 1))
        except records.RecordError as err:
            error = str(err)
    if error:
        session.rollback()
        return render_template("transactions/show.html", holder=holder, tx=tx,
                               categories=ALL_CATEGORIES, upload_form=form, upload_error=error,
                               title="Payment details"), 400
    session.commit()
    flash("The receipt has been added")
    return redirect(url_for("transactions.show", holder_id=holder.id, transaction_id=tx.id))


@bp.route("/attachments/<int:attachment_id>")
@holder_page
def download_attachment(holder: Holder, attachment_id: int):  # type: ignore[no-untyped-def]
    item = records.attachment(db(), holder, attachment_id) or abort(404)
    response = Response(item.blob.data, mimetype=item.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{item.filename}"'
    return response
