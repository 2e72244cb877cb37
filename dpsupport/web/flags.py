"""Flags: questions about a holder's money, asked of the holder first (docs/flags.md).

The holder (or their representative) reads the words written for them ("you") and never a
flag hidden from them; staff read the holder's name, and see what is hidden and why."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..errors import UserError
from ..services import flags, records
from ..services.flags import FlagView, Organisation
from ..services.records import Holder
from .access import current_user, holder_page, signed_in
from .database import db
from .flags_forms import AnswerForm, PolicyForm, ReasonForm
from .forms import ConfirmForm, show_error, status_for

bp = Blueprint("flags", __name__, url_prefix="/holders/<int:holder_id>/questions")
policy_bp = Blueprint("funding_policy", __name__)

HOLDER_ROLES = ("holder", "representative")


def reads_as_holder() -> bool:
    return getattr(g, "role", None) in HOLDER_ROLES


def open_questions(holder: Holder) -> list[FlagView]:
    """The open flags about this holder, for the money page's panel."""
    return flags.flags_for(db(), holder, for_holder=reads_as_holder())


@bp.route("")
@holder_page
def index(holder: Holder) -> ResponseReturnValue:
    views = flags.flags_for(db(), holder, for_holder=reads_as_holder(), open_only=False)
    return render_template("flags/index.html", holder=holder,
                           open=[v for v in views if v.is_open],
                           done=[v for v in views if not v.is_open],
                           as_holder=reads_as_holder(),
                           title=("Questions about your money" if reads_as_holder()
                                  else f"Questions about {holder.display_name}'s money"))


def _flag(holder: Holder, flag_id: int) -> FlagView:
    return flags.flag_for(db(), holder, flag_id, for_holder=reads_as_holder()) or abort(404)


def _show(holder: Holder, view: FlagView, *, answer_form: AnswerForm | None = None,
          resolve_form: ReasonForm | None = None, hide_form: ReasonForm | None = None,
          status: int = 200) -> ResponseReturnValue:
    return render_template(
        "flags/show.html", holder=holder, view=view, as_holder=reads_as_holder(),
        answer_form=answer_form or AnswerForm(formdata=None),
        resolve_form=resolve_form or ReasonForm(formdata=None, prefix="resolve"),
        hide_form=hide_form or ReasonForm(formdata=None, prefix="hide"),
        confirm_form=ConfirmForm(formdata=None),
        attachment_types=records.attachment_types_text(),
        max_attachment_bytes=records.MAX_ATTACHMENT_BYTES, title=view.title), status


@bp.route("/<int:flag_id>")
@holder_page
def show(holder: Holder, flag_id: int) -> ResponseReturnValue:
    return _show(holder, _flag(holder, flag_id))


def _done(holder: Holder, view: FlagView, message: str) -> ResponseReturnValue:
    flash(message)
    return redirect(url_for("flags.show", holder_id=holder.id, flag_id=view.flag.id))


@bp.route("/<int:flag_id>/answer", methods=["POST"])
@holder_page
def answer(holder: Holder, flag_id: int) -> ResponseReturnValue:
    view = _flag(holder, flag_id)
    form = AnswerForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = filename = None
        if upload is not None and getattr(upload, "filename", None):
            filename = upload.filename
            data = upload.read(records.MAX_ATTACHMENT_BYTES + 1)
        try:
            flags.answer(db(), holder, view, form.text.data, filename, data)
        except UserError as err:
            show_error(form, err)
        else:
            return _done(holder, view, "Thank you: your answer has been sent"
                         if reads_as_holder() else "The answer has been saved")
    elif form.csrf_token.errors:
        abort(400)
    return _show(holder, view, answer_form=form, status=400)


@bp.route("/<int:flag_id>/resolve", methods=["POST"])
@holder_page
def resolve(holder: Holder, flag_id: int) -> ResponseReturnValue:
    view = _flag(holder, flag_id)
    form = ReasonForm(prefix="resolve")
    if form.validate_on_submit():
        try:
            flags.resolve(db(), holder, view, form.reason.data)
        except UserError as err:
            show_error(form, err)
        else:
            return _done(holder, view, "The question has been resolved")
    elif form.csrf_token.errors:
        abort(400)
    return _show(holder, view, resolve_form=form, status=400)


@bp.route("/<int:flag_id>/escalate", methods=["POST"])
@holder_page
def escalate(holder: Holder, flag_id: int) -> ResponseReturnValue:
    view = _flag(holder, flag_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        flags.escalate(db(), holder, view)
    except UserError as err:
        flash(str(err))
        return redirect(url_for("flags.show", holder_id=holder.id, flag_id=view.flag.id))
    return _done(holder, view, "The question has been passed on for a closer look")


@bp.route("/<int:flag_id>/hide", methods=["POST"])
@holder_page
def hide(holder: Holder, flag_id: int) -> ResponseReturnValue:
    view = _flag(holder, flag_id)
    form = ReasonForm(prefix="hide")
    if form.validate_on_submit():
        try:
            flags.hide(db(), holder, view, form.reason.data)
        except UserError as err:
            show_error(form, err)
        else:
            return _done(holder, view, f"{holder.display_name} no longer sees this question")
    elif form.csrf_token.errors:
        abort(400)
    return _show(holder, view, hide_form=form, status=400)


@bp.route("/<int:flag_id>/show-again", methods=["POST"])
@holder_page
def unhide(holder: Holder, flag_id: int) -> ResponseReturnValue:
    view = _flag(holder, flag_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        flags.show_again(db(), holder, view)
    except UserError as err:
        flash(str(err))
        return redirect(url_for("flags.show", holder_id=holder.id, flag_id=view.flag.id))
    return _done(holder, view, f"{holder.display_name} can see this question again")


# --- the organisation's funding policy --------------------------------------------------------

def _organisation() -> Organisation:
    user = current_user()
    assert user is not None
    found = flags.administered(db(), user)
    if not found:
        abort(403)
    wanted = request.args.get("organisation", type=int)
    for organisation in found:
        if wanted is None or organisation.id == wanted:
            return organisation
    abort(404)


@policy_bp.route("/funding-policy", methods=["GET", "POST"])
@signed_in
def edit() -> ResponseReturnValue:
    """An organisation admin's settings for the flag rules, for all the organisation's
    holders (every change is in the audit trail)."""
    organisation = _organisation()
    form = (PolicyForm() if request.method == "POST"
            else PolicyForm.filled(flags.policy_input(db(), organisation.id)))
    if form.validate_on_submit():
        try:
            flags.save_policy(db(), organisation, form.settings())
        except UserError as err:
            show_error(form, err)
        else:
            flash("The funding policy has been saved, and everyone's questions have been "
                  "worked out again")
            return redirect(url_for("funding_policy.edit", organisation=organisation.id))
    elif request.method == "POST" and form.csrf_token.errors:
        abort(400)
    return render_template("flags/policy.html", form=form, organisation=organisation,
                           title=f"Funding policy: {organisation.name}"), status_for(form)
