"""Two-step sign-in pages: setting it up, recovery codes, turning it off, and the
organisation's setting. The code asked for at sign-in is in web/auth.py."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask import session as cookie
from flask.typing import ResponseReturnValue

from ..errors import UserError
from ..services import two_step
from .access import current_user, signed_in
from .database import db
from .forms import ConfirmForm, show_error, status_for
from .two_step_forms import OrganisationSettingForm, SetUpForm

bp = Blueprint("two_step", __name__)

# New recovery codes wait in the signed session cookie (never in the database in clear)
# between the POST that made them and the page that shows them, which removes them.
CODES_KEY = "two_step_codes"
# The pages someone who must set up two-step sign-in may still use before they have:
# every other page sends them to set it up (web/__init__.py).
WHILE_SETTING_UP = frozenset({"static", "two_step.set_up", "two_step.recovery_codes",
                              "two_step.manage", "auth.sign_out", "auth.sign_in",
                              "auth.two_step"})


@bp.route("/account/two-step")
@signed_in
def manage() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    return render_template("two_step/manage.html", status=two_step.status(db(), user),
                           form=ConfirmForm(), title="Two-step sign-in")


@bp.route("/account/two-step/set-up", methods=["GET", "POST"])
@signed_in
def set_up() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    form = SetUpForm()
    secret = form.secret.data if form.is_submitted() and form.secret.data else None
    try:
        setting_up = two_step.start_set_up(user, secret)
    except UserError:
        setting_up = two_step.start_set_up(user)
        form.form_errors.append("The set-up key was changed on the way. Scan this new QR "
                                "code and try again.")
    else:
        if form.validate_on_submit():
            try:
                codes = two_step.confirm_set_up(db(), user, setting_up.secret,
                                                form.code.data or "")
            except UserError as err:
                show_error(form, err)
            else:
                cookie[CODES_KEY] = codes
                flash("Two-step sign-in is on. From now on you will need a code from your "
                      "phone each time you sign in.")
                return redirect(url_for("two_step.recovery_codes"))
    form.secret.data = setting_up.secret
    form.code.data = ""
    status = two_step.status(db(), user)
    return render_template("two_step/set_up.html", form=form, setting_up=setting_up,
                           status=status, title="Set up two-step sign-in"), status_for(form)


@bp.route("/account/two-step/recovery-codes", methods=["GET", "POST"])
@signed_in
def recovery_codes() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            cookie[CODES_KEY] = two_step.regenerate_recovery_codes(db(), user)
        except UserError as err:
            show_error(form, err)
        else:
            return redirect(url_for("two_step.recovery_codes"))
    codes = cookie.pop(CODES_KEY, None)
    if not isinstance(codes, list):
        codes = None
    return render_template("two_step/recovery_codes.html", codes=codes, form=form,
                           status=two_step.status(db(), user),
                           title="Your recovery codes"), status_for(form)


@bp.route("/account/two-step/turn-off", methods=["POST"])
@signed_in
def turn_off() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            two_step.turn_off(db(), user)
        except UserError as err:
            show_error(form, err)
        else:
            flash("Two-step sign-in is off. You will sign in with your password only.")
            return redirect(url_for("two_step.manage"))
    return render_template("two_step/manage.html", status=two_step.status(db(), user),
                           form=form, title="Two-step sign-in"), status_for(form)


@bp.route("/organisation/two-step", methods=["GET", "POST"])
@signed_in
def organisation() -> ResponseReturnValue:
    user = current_user()
    assert user is not None
    org = two_step.admin_organisation(db(), user)
    if org is None:
        abort(403)
    form = OrganisationSettingForm()
    if form.validate_on_submit():
        try:
            org = two_step.set_required_for_all_staff(db(), user, form.required.data == "yes")
        except UserError as err:
            show_error(form, err)
        else:
            flash("Two-step sign-in is now needed for everyone on the staff."
                  if org.two_step_required else
                  "Two-step sign-in is now needed only for finance officers and "
                  "organisation admins.")
            return redirect(url_for("main.organisation"))
    elif not form.is_submitted():
        form.required.data = "yes" if org.two_step_required else "no"
    return render_template("two_step/organisation.html", form=form, org=org,
                           title="Two-step sign-in for your staff"), status_for(form)
