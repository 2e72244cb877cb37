"""People's own accounts: forgotten and changed passwords, invitations, and (in the demo)
the mail that would have been sent."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie
from flask.typing import ResponseReturnValue

from .. import mail
from ..errors import UserError
from ..services import accounts, notices
from ..services.money import Holder
from ..services.organisation import Organisation
from ..text import plural
from .access import current_user, holder_page, organisation_page, signed_in
from .account_forms import (
    QUESTION_EMAIL_HINTS,
    ChangePasswordForm,
    ForgotForm,
    InviteStaffForm,
    InviteToHolderForm,
    NewPasswordForm,
    QuestionEmailsForm,
)
from .database import db
from .forms import show_error, status_for

bp = Blueprint("accounts", __name__)


def _mail() -> mail.MailSettings:
    settings = current_app.config["DPSUPPORT"]
    return mail.MailSettings.from_env(settings.instance_path, settings.mode)


def _link(endpoint: str) -> accounts.LinkFor:
    name = "reset_secret" if endpoint == "accounts.reset" else "invite_secret"
    return lambda secret: url_for(endpoint, _external=True, **{name: secret})


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot() -> ResponseReturnValue:
    form = ForgotForm()
    if form.validate_on_submit():
        try:
            accounts.request_reset(db(), form.email.data or "", _mail(),
                                   _link("accounts.reset"))
        except UserError as err:
            show_error(form, err)
        else:
            return redirect(url_for("accounts.forgot_sent"))
    return render_template("accounts/forgot.html", form=form,
                           title="Reset your password"), status_for(form)


@bp.route("/forgot-password/sent")
def forgot_sent() -> ResponseReturnValue:
    return render_template("accounts/reset_sent.html", title="Check your email",
                           demo=_mail().folder is not None)


def _choose(token: str, purpose: str, template: str, title: str) -> ResponseReturnValue:
    session = db()
    link = accounts.valid_link(session, token, purpose)
    if link is None:
        return render_template("accounts/link_expired.html", purpose=purpose,
                               title="This link does not work any more"), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            use = accounts.accept_invitation if purpose == "invite" else accounts.reset_password
            use(session, token, form.password.data or "")
        except UserError as err:
            show_error(form, err)
        else:
            flash("Your password is set. Sign in with it now.")
            return redirect(url_for("auth.sign_in"))
    return render_template(template, form=form, title=title,
                           name=link.user.name), status_for(form)


@bp.route("/reset-password/<reset_secret>", methods=["GET", "POST"])
def reset(reset_secret: str) -> ResponseReturnValue:
    return _choose(reset_secret, "reset", "accounts/choose_password.html", "Choose a new password")


@bp.route("/invitation/<invite_secret>", methods=["GET", "POST"])
def invitation(invite_secret: str) -> ResponseReturnValue:
    return _choose(invite_secret, "invite", "accounts/choose_password.html",
                   "Welcome: choose your password")


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(db(), user, form.current.data or "",
                                     form.password.data or "",
                                     accounts.token_hash(cookie.get("token")))
        except UserError as err:
            show_error(form, err)
        else:
            flash("Your password is changed. You have been signed out everywhere else.")
            return redirect(url_for("main.home"))
    return render_template("accounts/change_password.html", form=form,
                           title="Change your password"), status_for(form)


@bp.route(notices.CHOICE_PAGE, methods=["GET", "POST"])
@signed_in
def question_emails() -> ResponseReturnValue:
    """Your own choice of emails about new questions (services/notices.py)."""
    user = current_user()
    assert user is not None
    form = QuestionEmailsForm(data={"choice": user.question_emails})
    if form.validate_on_submit():
        try:
            accounts.choose_question_emails(db(), user, form.choice.data or "")
        except UserError as err:
            show_error(form, err)
        else:
            flash("Saved. " + _question_emails_words(form.choice.data or ""))
            return redirect(url_for("accounts.question_emails"))
    return render_template("accounts/question_emails.html", form=form,
                           hints=QUESTION_EMAIL_HINTS,
                           emailed=notices.is_emailed(db(), user.id),
                           title="Emails about questions"), status_for(form)


def _question_emails_words(choice: str) -> str:
    return {"each": "We will email you about each new question.",
            "daily": "We will email you at most once a day about new questions.",
            "weekly": "We will email you at most once a week about new questions.",
            "none": "We will not email you about questions."}.get(choice, "")


@bp.route("/holders/<int:holder_id>/invite", methods=["GET", "POST"])
@holder_page
def invite_to_holder(holder: Holder) -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    form = InviteToHolderForm()
    if form.validate_on_submit():
        try:
            invited = accounts.invite_to_holder(
                db(), user, holder, email=form.email.data or "", name=form.name.data or "",
                role=form.role.data or "", representative_type=form.representative_type.data,
                settings=_mail(), link_for=_link("accounts.invitation"),
                sign_in=url_for("auth.sign_in", _external=True))
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"{invited.user.name} can now see {holder.name}'s records. "
                  + ("We have emailed them a link to choose a password."
                     if invited.new_account else "We have emailed to tell them."))
            return redirect(url_for("holder.money", holder_id=holder.id))
    return render_template("accounts/invite_to_holder.html", form=form, holder=holder,
                           title=f"Give someone access to {holder.name}'s records"
                           ), status_for(form)


@bp.route("/organisation/staff/invite", methods=["GET", "POST"])
@organisation_page
def invite_staff(organisation: Organisation) -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    form = InviteStaffForm()
    if form.validate_on_submit():
        try:
            invited = accounts.invite_staff(
                db(), user, organisation.id, email=form.email.data or "",
                name=form.name.data or "", role=form.role.data or "", settings=_mail(),
                link_for=_link("accounts.invitation"),
                sign_in=url_for("auth.sign_in", _external=True))
        except UserError as err:
            show_error(form, err)
        else:
            flash(f"{invited.user.name} is on the staff now. "
                  + ("We have emailed them a link to choose a password."
                     if invited.new_account else "We have emailed to tell them."))
            return redirect(url_for("organisation.index"))
    return render_template("accounts/invite_staff.html", form=form,
                           title="Add someone to your staff"), status_for(form)


@bp.route("/demo-mail")
def demo_mail() -> ResponseReturnValue:
    """The mail the demo would have sent (never in production)."""
    settings = _mail()
    if settings.folder is None:
        abort(404)
    return render_template("accounts/demo_mail.html", title="Mail the demo would have sent",
                           messages=mail.demo_messages(settings.folder),
                           only=request.args.get("show", ""))


@bp.route("/demo-mail/send", methods=["POST"])
@signed_in
def send_due_mail() -> ResponseReturnValue:
    """The demo's button: send the emails about questions that are due now, as the
    ``send-flag-emails`` command does (never in production: the same guard as the page)."""
    if _mail().folder is None:
        abort(404)
    settings = current_app.config["DPSUPPORT"]
    try:
        sent = notices.send_due_now(db(), notices.mail_settings(settings.mode,
                                                                settings.instance_path))
    except UserError as err:
        flash(err.message)
    else:
        flash("No emails were due: nobody has new questions they have not been told about."
              if sent == 0 else f"Sent {plural(sent, 'email')}. The newest are first below.")
    return redirect(url_for("accounts.demo_mail"))
