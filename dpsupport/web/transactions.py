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
from flask.typing import ResponseReturnValue

from ..errors import UserError
from ..services import reconcile, records, sorting
from ..services.records import (
    ALL_CATEGORIES,
    CATEGORIES,
    INCOME_CATEGORIES,
    Holder,
    Transaction,
    clean_text,
)
from ..text import plural
from .access import holder_page
from .database import db
from .forms import (
    AttachmentForm,
    ConfirmForm,
    TransactionForm,
    category_choice,
    page_number,
    show_error,
    status_for,
)

bp = Blueprint("transactions", __name__, url_prefix="/holders/<int:holder_id>/transactions")
FILTERS = ("q", "from", "to", "category", "direction")  # kept from page to page


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _filter(args: dict[str, str]) -> tuple[records.TransactionFilter, list[tuple[str, str]]]:
    """The list's filters from the query string, and what is wrong with them as (filter,
    message). Anything not understood is left out, never an error page."""
    errors = []
    start, end = _parse_date(args.get("from")), _parse_date(args.get("to"))
    if args.get("from") and start is None:
        errors.append(("from", "Enter the 'from' date as a real date, like 2026-04-01"))
    if args.get("to") and end is None:
        errors.append(("to", "Enter the 'to' date as a real date, like 2026-04-30"))
    category = args.get("category") or None
    if category and category != "unsorted" and category not in ALL_CATEGORIES:
        category = None
    direction = args.get("direction") if args.get("direction") in ("in", "out") else None
    text = clean_text(args.get("q"))[:records.MAX_SEARCH_LENGTH] or None
    return records.TransactionFilter(start, end, category, direction, text), errors


@bp.route("")
@holder_page
def index(holder: Holder) -> ResponseReturnValue:
    args = {k: clean_text(v) for k, v in request.args.items() if k in FILTERS or k == "page"}
    filt, errors = _filter(args)
    page = page_number(args)
    session = db()
    rows, has_next = records.list_transactions(session, holder, filt, page)
    return render_template(
        "transactions/index.html", holder=holder, rows=rows, filt=filt,
        categories=ALL_CATEGORIES, page=page, has_next=has_next, filter_errors=errors,
        unsorted=sorting.unsorted_count(session, holder),
        page_args={k: v for k, v in args.items() if k in FILTERS and v}, sent=args,
        title="Money in and out")


def _form(holder: Holder, tx: Transaction | None = None) -> TransactionForm:
    if tx is not None and request.method == "GET":
        form = TransactionForm(
            direction="in" if tx.amount_pence > 0 else "out", date=tx.date,
            amount=abs(tx.amount_pence), payee=tx.payee,
            category=category_choice(tx.category, tx.amount_pence),
            budget_line=str(tx.budget_line_id or ""), note=tx.note)
    else:
        form = TransactionForm()
    form.budget_line.choices = [("", "Not linked to a plan line")] + [
        (str(line.id), line.label) for line in records.budget_lines(db(), holder)]
    return form


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:transaction_id>/edit", methods=["GET", "POST"], endpoint="edit")
@holder_page
def new(holder: Holder, transaction_id: int | None = None) -> ResponseReturnValue:
    """Add a payment typed in by hand, or change one: one form, one page."""
    tx = None
    if transaction_id is not None:
        tx = records.transaction(db(), holder, transaction_id) or abort(404)
    form = _form(holder, tx)
    if form.validate_on_submit():
        assert form.date.data is not None  # the form checked it is there
        try:
            saved = records.save_transaction(
                db(), holder, tx, when=form.date.data, amount_pence=form.signed_amount(),
                category=form.category_code(),
                budget_line_id=int(form.budget_line.data) if form.budget_line.data else None,
                payee=form.payee.data, note=form.note.data)
        except UserError as err:
            show_error(form, err)
        else:
            flash("The payment has been added" if tx is None else "Your changes have been saved")
            return redirect(url_for("transactions.show", holder_id=holder.id,
                                    transaction_id=saved.id))
    return render_template(
        "transactions/form.html", holder=holder, form=form, tx=tx,
        title="Add money in or out" if tx is None else "Change this payment",
    ), status_for(form)


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
def sort(holder: Holder) -> ResponseReturnValue:
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
            try:
                done = records.sort_payments(session, holder, choices)
            except UserError as err:
                errors.append((choices[0].key, str(err)))
            else:
                flash(f"Sorted {plural(done, 'payment')}.")
                if done < sum(g.count for g in groups):
                    return redirect(url_for("transactions.sort", holder_id=holder.id))
                return redirect(url_for("transactions.index", holder_id=holder.id))
    shown = groups[:sorting.GROUPS_SHOWN]
    return render_template(
        "transactions/sort.html", holder=holder, form=form, groups=shown,
        more=len(groups) - len(shown), total=sum(g.count for g in groups),
        errors=errors, sent=sent, lines=records.budget_lines(session, holder),
        spending=CATEGORIES, income=INCOME_CATEGORIES, refundable=records.REFUNDABLE,
        title="Sort payments by who they were to or from"), 400 if errors else 200


def _show(holder: Holder, tx: Transaction, upload_form: AttachmentForm | None = None,
          status: int = 200) -> ResponseReturnValue:
    return render_template(
        "transactions/show.html", holder=holder, tx=tx,
        category=records.category_label(tx.category, tx.amount_pence),
        upload_form=upload_form or AttachmentForm(formdata=None),
        attachment_types=records.attachment_types_text(),
        max_attachment_bytes=records.MAX_ATTACHMENT_BYTES,
        decision=reconcile.decision(db(), holder, tx.id),
        title="Payment details"), status


@bp.route("/<int:transaction_id>")
@holder_page
def show(holder: Holder, transaction_id: int) -> ResponseReturnValue:
    return _show(holder, records.transaction(db(), holder, transaction_id) or abort(404))


@bp.route("/<int:transaction_id>/delete", methods=["GET", "POST"])
@holder_page
def delete(holder: Holder, transaction_id: int) -> ResponseReturnValue:
    """Ask first (GET), then remove the payment and its receipts (POST)."""
    tx = records.transaction(db(), holder, transaction_id) or abort(404)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            records.delete_transaction(db(), tx)
        except UserError as err:
            show_error(form, err)
        else:
            flash("The payment has been removed")
            return redirect(url_for("transactions.index", holder_id=holder.id))
    return render_template(
        "transactions/delete.html", holder=holder, tx=tx, form=form,
        category=records.category_label(tx.category, tx.amount_pence),
        title="Are you sure you want to remove this payment?"), status_for(form)


@bp.route("/<int:transaction_id>/attachments", methods=["POST"])
@holder_page
def upload_attachment(holder: Holder, transaction_id: int) -> ResponseReturnValue:
    tx = records.transaction(db(), holder, transaction_id) or abort(404)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            records.add_attachment(db(), holder, tx, upload.filename or "",
                                   upload.read(records.MAX_ATTACHMENT_BYTES + 1))
        except UserError as err:
            show_error(form, err)
        else:
            flash("The receipt has been added")
            return redirect(url_for("transactions.show", holder_id=holder.id,
                                    transaction_id=tx.id))
    elif form.csrf_token.errors:
        abort(400)
    return _show(holder, tx, form, status=400)


@bp.route("/attachments/<int:attachment_id>")
@holder_page
def download_attachment(holder: Holder, attachment_id: int) -> ResponseReturnValue:
    item = records.attachment(db(), holder, attachment_id) or abort(404)
    response = Response(item.blob.data, mimetype=item.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{item.filename}"'
    return response
