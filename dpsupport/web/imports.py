"""Bank statements: upload, choose columns, check, import, and undo an import.

Nothing is added to the account until the person has seen what the file holds and pressed
"Import". Until then the file waits as a pending upload (`services.imports.save_pending`),
found again by an unguessable token in the address.
"""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from wtforms import BooleanField, FileField
from wtforms.validators import Optional

from ..errors import UserError
from ..services import imports, records
from ..services.imports import ALL_CATEGORIES, Account, Holder, PendingUpload, StatementImport
from ..statements import ColumnMapping, MappingPreview, StatementError, iter_statement
from ..text import long_date, plural
from .access import holder_page
from .database import db
from .forms import ConfirmForm, Form, RadioField, SelectField, show_error, status_for

bp = Blueprint("imports", __name__, url_prefix="/holders/<int:holder_id>/statements")
SHOWN_LINES = 50
FORMATS = ["OFX or QFX (sometimes called 'Money' or 'Quicken' files)", "QIF",
           "CSV (a spreadsheet file)", "Excel (.xlsx)", "Santander text statements (.txt)"]


# --- forms ----------------------------------------------------------------------------------

class UploadForm(Form):
    account = SelectField("Which account is this statement for?", choices=[],
                          validators=[Optional()], what="the account this statement is for")
    statement = FileField("Upload a statement file")


class ConfirmImportForm(Form):
    accept_problems = BooleanField("Import the other lines without these")
    different_account = BooleanField("Yes, import it into this account")


NO_COLUMN = ("", "None")


class MappingForm(Form):
    date = SelectField("Which column has the date?", choices=[],
                       what="the column that has the date")
    amount = SelectField("Which column has the amount?", choices=[],
                         what="the column that has the amount, or None")
    debit = SelectField("Which column has money paid out?", choices=[],
                        what="the column that has money paid out, or None")
    credit = SelectField("Which column has money paid in?", choices=[],
                         what="the column that has money paid in, or None")
    description = SelectField("Which column describes the payment?", choices=[],
                              what="the column that describes the payment")
    balance = SelectField("Which column has the balance? (optional)", choices=[],
                          what="the column that has the balance, or None")
    date_order = RadioField("How are the dates written?", default="dmy",
                            what="how the dates are written", choices=[
        ("dmy", "Day first, like 27/03/2026 (the usual way in the UK)"),
        ("mdy", "Month first, like 03/27/2026"),
        ("ymd", "Year first, like 2026-03-27")])
    sign = RadioField("How does the file show money you spend?", default="as_is",
                      what="how the file shows money you spend", choices=[
        ("as_is", "With a minus sign, like -12.50 (most bank statements)"),
        ("invert", "As a positive number, like 12.50 (some credit card files)")])


# --- helpers --------------------------------------------------------------------------------

def _accounts(holder: Holder) -> list[Account]:
    found = sorted(records.accounts(db(), holder), key=lambda a: a.id)
    return found or [records.main_account(db(), holder)]


def _account_label(account: Account) -> str:
    label = account.name
    if account.bank_name:
        label += f", {account.bank_name}"
    if account.last4:
        label += f" (ending {account.last4})"
    return label


def _pending(holder: Holder, token: str) -> tuple[PendingUpload, Account]:
    session = db()
    row = imports.pending_for(session, holder.id, token)
    if row is None:
        abort(404)
    account = imports.flows.account_by_id(session, row.account_id)
    if account is None or account.holder_id != holder.id:
        abort(404)
    return row, account


def _filename(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "statement"


def _max_mb() -> int:
    cap = min(current_app.config.get("MAX_CONTENT_LENGTH") or imports.MAX_BYTES, imports.MAX_BYTES)
    return max(1, int(cap) // (1024 * 1024))


def _mapping_preview(row: PendingUpload) -> MappingPreview | None:
    """The first rows of a CSV or Excel file whose columns we cannot tell on our own."""
    try:  # without the account's saved choices: they may be what does not fit
        st = iter_statement(row.data, row.filename, max_bytes=imports.MAX_BYTES)
    except StatementError:
        return None
    return st.preview if st.needs_mapping else None


def _column_choices(preview: MappingPreview) -> list[tuple[str, str]]:
    names = [c.strip() for c in preview.columns]
    out = []
    for i, name in enumerate(names):
        if not name:
            label = f"Column {i + 1}"
        elif names.count(name) > 1:
            label = f"{name} (column {i + 1})"
        else:
            label = name
        out.append((str(i), label))
    return out


def _index_of(preview: MappingPreview, ref: Any) -> str:
    """A saved or guessed column (index or heading) as the select box's value."""
    if isinstance(ref, int) and 0 <= ref < len(preview.columns):
        return str(ref)
    if isinstance(ref, str):
        wanted = ref.strip().casefold()
        for i, name in enumerate(preview.columns):
            if name.strip().casefold() == wanted:
                return str(i)
    return ""


def _description_guess(preview: MappingPreview, taken: set[str]) -> str:
    """The column most likely to say who was paid: the one, not already chosen, whose
    cells hold the most letters (dates, amounts and codes hold few). Without a guess,
    clicking straight through gave every payment "No description"."""
    best, most = "", 0
    for i in range(len(preview.columns)):
        if str(i) in taken:
            continue
        letters = sum(ch.isalpha() for row in preview.rows if i < len(row) for ch in row[i])
        if letters > most:
            best, most = str(i), letters
    return best


def _preselect(form: MappingForm, preview: MappingPreview, mapping: ColumnMapping | None) -> None:
    if mapping is None:
        for name, ref in preview.guesses.items():
            if name in ("date", "amount", "debit", "credit", "description", "balance"):
                getattr(form, name).data = _index_of(preview, ref)
        if not form.description.data:
            taken = {getattr(form, n).data for n in ("date", "amount", "debit", "credit",
                                                     "balance") if getattr(form, n).data}
            form.description.data = _description_guess(preview, taken)
        return
    form.date.data = _index_of(preview, mapping.date)
    form.amount.data = _index_of(preview, mapping.amount)
    form.debit.data = _index_of(preview, mapping.debit)
    form.credit.data = _index_of(preview, mapping.credit)
    form.description.data = (_index_of(preview, mapping.description[0])
                             if mapping.description else "")
    form.balance.data = _index_of(preview, mapping.balance)
    if mapping.date_format in ("dmy", "mdy", "ymd"):
        form.date_order.data = mapping.date_format
    form.sign.data = mapping.sign


def _mapping_from(form: MappingForm, preview: MappingPreview) -> ColumnMapping | None:
    """The person's choices as a ColumnMapping, or None (with errors on the form)."""
    chosen = {name: getattr(form, name).data or "" for name in
              ("date", "amount", "debit", "credit", "description", "balance")}
    if not chosen["date"]:
        form.date.errors = ["Choose the column that has the date"]
    if chosen["amount"] and (chosen["debit"] or chosen["credit"]):
        form.amount.errors = ["Choose either one amount column, or the paid out and paid in "
                              "columns, not both"]
    elif not (chosen["amount"] or chosen["debit"] or chosen["credit"]):
        form.amount.errors = ["Choose the column that has the amount, or the paid out and "
                              "paid in columns"]
    elif chosen["date"] and chosen["date"] in (chosen["amount"], chosen["debit"],
                                               chosen["credit"]):
        form.amount.errors = ["The amount must be in a different column from the date"]
    if chosen["debit"] and chosen["debit"] == chosen["credit"]:
        form.credit.errors = ["Choose different columns for money paid out and money paid in"]
    if form.errors:
        return None
    names = [c.strip() for c in preview.columns]
    use_names = bool(preview.header_row) and all(
        n and names.count(n) == 1 for n in names)

    def ref(value: str) -> str | int | None:
        if not value:
            return None
        i = int(value)
        return names[i] if use_names else i

    description = ref(chosen["description"])
    return ColumnMapping(
        date=ref(chosen["date"]),  # type: ignore[arg-type]
        amount=ref(chosen["amount"]), debit=ref(chosen["debit"]),
        credit=ref(chosen["credit"]), balance=ref(chosen["balance"]),
        description=(description,) if description is not None else (),
        date_format=form.date_order.data if form.date_order.data in ("dmy", "mdy", "ymd")
        else "dmy",
        sign="invert" if form.sign.data == "invert" else "as_is",
        header_row=None if use_names else (preview.header_row or 0))


def _mapping_form(preview: MappingPreview) -> MappingForm:
    form = MappingForm()
    columns = _column_choices(preview)
    form.date.choices = [("", "Choose a column")] + columns
    form.amount.choices = [("", "None: the file has separate paid out and paid in columns")] \
        + columns
    for name in ("debit", "credit", "description", "balance"):
        getattr(form, name).choices = [NO_COLUMN] + columns
    return form


def _review(holder: Holder, row: PendingUpload, account: Account,
            form: ConfirmImportForm | None = None, status: int = 200) -> ResponseReturnValue:
    """The check-before-importing page (also shown again when an import is refused)."""
    session = db()
    form = form or ConfirmImportForm()
    summary: imports.ImportSummary | None = None
    try:
        checked = imports.flows.check(session, row, account)
    except imports.ImportRefused as refused:
        show_error(form, refused)
        can_choose_columns = bool(row.mapping)
    else:
        if isinstance(checked, imports.NeedsMapping):
            return redirect(url_for("imports.mapping", holder_id=holder.id, token=row.token))
        summary = checked
        # columns chosen on the mapping page, or remembered from last time
        can_choose_columns = bool(row.mapping) or summary.remembered_mapping
    form.accept_problems.label.text = (
        f"Import the other {plural(summary.read_count, 'line')} without these"
        if summary is not None else "Import the other lines without these")
    return render_template(
        "imports/review.html", holder=holder, row=row, account=account, summary=summary,
        form=form, cancel_form=ConfirmForm(), several_accounts=len(_accounts(holder)) > 1,
        account_label=_account_label(account), can_choose_columns=can_choose_columns,
        categories=ALL_CATEGORIES,
        title="Check your statement before importing"), status


# --- views ----------------------------------------------------------------------------------

@bp.route("")
@holder_page
def index(holder: Holder) -> ResponseReturnValue:
    session = db()
    found = imports.imports_for(session, holder.id)
    accounts = _accounts(holder)
    return render_template(
        "imports/index.html", holder=holder, imports_list=found, formats=FORMATS,
        several_accounts=len(accounts) > 1, accounts=accounts, label=imports.format_label,
        account_label=_account_label, statement_title=_statement_title,
        title="Bank statements")


@bp.route("/upload", methods=["GET", "POST"])
@holder_page
def upload(holder: Holder) -> ResponseReturnValue:
    session = db()
    accounts = _accounts(holder)
    form = UploadForm()
    form.account.choices = [(str(a.id), _account_label(a)) for a in accounts]
    if request.method == "GET" and form.account.data is None:
        form.account.data = str(accounts[0].id)
    if form.validate_on_submit():
        account = next((a for a in accounts if str(a.id) == form.account.data), None)
        if len(accounts) == 1:
            account = accounts[0]
        file = request.files.get("statement")
        if account is None:
            form.account.errors = ["Choose which account this statement is for"]
        elif file is None or not file.filename:
            form.statement.errors = ["Choose a statement file"]
        else:
            data = file.read(imports.MAX_BYTES + 1)
            try:
                done = imports.flows.upload(session, account, data, _filename(file.filename))
            except UserError as refused:
                form.statement.errors = [str(refused)]
            else:
                target = "imports.mapping" if done.needs_mapping else "imports.review"
                return redirect(url_for(target, holder_id=holder.id, token=done.token))
    status = status_for(form)
    return render_template("imports/upload.html", holder=holder, form=form, formats=FORMATS,
                           several_accounts=len(accounts) > 1, max_mb=_max_mb(),
                           title="Import a bank statement"), status


@bp.route("/upload/<token>/columns", methods=["GET", "POST"])
@holder_page
def mapping(holder: Holder, token: str) -> ResponseReturnValue:
    session = db()
    row, account = _pending(holder, token)
    preview = _mapping_preview(row)
    if preview is None:  # the file's columns are known: nothing to choose
        return redirect(url_for("imports.review", holder_id=holder.id, token=row.token))
    form = _mapping_form(preview)
    if request.method == "GET":
        saved = imports.pending_mapping(row)
        if saved is None and account.csv_mapping:
            try:
                saved = ColumnMapping.from_dict(json.loads(account.csv_mapping))
            except (StatementError, ValueError):
                saved = None
        _preselect(form, preview, saved)
    elif form.validate_on_submit():
        chosen = _mapping_from(form, preview)
        if chosen is not None:
            try:
                imports.flows.choose_columns(session, row, account, chosen)
            except UserError as refused:
                show_error(form, refused)
            else:
                return redirect(url_for("imports.review", holder_id=holder.id,
                                        token=row.token))
    status = status_for(form)
    width = max([len(preview.columns)] + [len(r) for r in preview.rows])
    rows = [r + [""] * (width - len(r)) for r in preview.rows]
    headings = [label for _, label in _column_choices(preview)]
    headings += [f"Column {i + 1}" for i in range(len(headings), width)]
    return render_template("imports/mapping.html", holder=holder, row=row, form=form,
                           preview=preview, headings=headings, rows=rows,
                           title="Tell us which column is which"), status


@bp.route("/upload/<token>")
@holder_page
def review(holder: Holder, token: str) -> ResponseReturnValue:
    row, account = _pending(holder, token)
    return _review(holder, row, account)


@bp.route("/upload/<token>", methods=["POST"])
@holder_page
def confirm(holder: Holder, token: str) -> ResponseReturnValue:
    """The check page's form (Import) posts back to the page's own address."""
    session = db()
    _pending(holder, token)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        summary = imports.flows.confirm(session, holder.id, token,
                                        accept_problems=bool(form.accept_problems.data),
                                        different_account=bool(form.different_account.data))
    except imports.ImportRefused as refused:
        if refused.needs_mapping:
            return redirect(url_for("imports.mapping", holder_id=holder.id, token=token))
        if imports.pending_for(session, holder.id, token) is None:
            # another press of Import (or a cancel) got there first
            flash(refused.message)
            return redirect(url_for("imports.index", holder_id=holder.id))
        row, account = _pending(holder, token)
        if refused.field == "different_account":
            refused = imports.ImportRefused(
                "Tick the box if this statement is for this account, or cancel and choose "
                "the right statement", field="different_account")
        elif refused.can_accept and not form.accept_problems.data:
            refused = imports.ImportRefused(
                "Tick the box to import the other lines without the ones we could not read, "
                "or cancel and download the statement again", field="accept_problems")
        show_error(form, refused)
        return _review(holder, row, account, form, status=400)
    flash(f"{summary.sentence()} {summary.sorting_sentence()}".strip())
    return redirect(url_for("imports.show", holder_id=holder.id, import_id=summary.import_id))


@bp.route("/upload/<token>/cancel", methods=["POST"])
@holder_page
def cancel(holder: Holder, token: str) -> ResponseReturnValue:
    row, _account = _pending(holder, token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    imports.flows.cancel(db(), row)
    flash("Nothing was imported.")
    return redirect(url_for("imports.index", holder_id=holder.id))


@bp.route("/<int:import_id>")
@holder_page
def show(holder: Holder, import_id: int) -> ResponseReturnValue:
    session = db()
    record = imports.import_for(session, holder.id, import_id)
    if record is None:
        abort(404)
    found = imports.import_lines(session, record, SHOWN_LINES)
    problems = json.loads(record.problems) if record.problems else []
    return render_template(
        "imports/show.html", holder=holder, record=record, lines=found.first,
        still_here=found.still_here, unsorted=found.unsorted, categories=ALL_CATEGORIES,
        problems=problems, blocker=imports.undo_blockers(session, record),
        balance_note=imports.balance_note(session, record) if record.status == "imported"
        else "",
        undo_form=ConfirmForm(), format_label=imports.format_label(record.file_format),
        several_accounts=len(_accounts(holder)) > 1, account_label=_account_label,
        title=_statement_title(record))


def _statement_title(record: StatementImport) -> str:
    """People know a statement by its dates; a file name ("Statement Download
    2026-Nov-23 12-00-00.csv") is shown on the page as well, but makes a poor heading."""
    if record.statement_start and record.statement_end:
        if record.statement_start == record.statement_end:
            return f"Statement for {long_date(record.statement_start)}"
        return (f"Statement for {long_date(record.statement_start)} to "
                f"{long_date(record.statement_end)}")
    return f"Statement {record.filename}"


@bp.route("/<int:import_id>/undo", methods=["POST"])
@holder_page
def undo(holder: Holder, import_id: int) -> ResponseReturnValue:
    if imports.import_for(db(), holder.id, import_id) is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        removed = imports.flows.undo(db(), holder.id, import_id)
    except imports.ImportRefused:  # already undone, or receipts attached: the page says why
        return redirect(url_for("imports.show", holder_id=holder.id, import_id=import_id))
    flash(f"The import has been undone: {plural(removed, 'payment')} removed.")
    return redirect(url_for("imports.show", holder_id=holder.id, import_id=import_id))
