"""Sign in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from ..services import audit
from ..services.auth import sign_in as check_sign_in
from ..services.auth import sign_out as end_session
from .database import db
from .forms import ConfirmForm, SignInForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only ever send people to a page on this site after signing in."""
    if not target:
        return url_for("main.home")
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return url_for("main.home")  # browsers read "\\" as "/" and drop tabs
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.home")
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():  # type: ignore[no-untyped-def]
    form = SignInForm()
    settings = current_app.config["DPSUPPORT"]
    if form.validate_on_submit():
        session_db = db()
        result = check_sign_in(session_db, form.email.data or "", form.password.data or "",
                               request.remote_addr or "unknown", settings.secret_key)
        if result.throttled:
            session_db.commit()
            abort(429)
        if result.user is None:
            session_db.commit()
            form.form_errors.append(
                "The email address or password is not right. Check them and try again. "
                "After 5 tries you will need to wait 15 minutes.")
        else:
            with audit.acting_as(audit.Actor(result.user.id, result.user.name)):
                audit.record(session_db, "signed_in", "app_user", entity_id=str(result.user.id))
            session_db.commit()
            session.clear()
            session["token"] = result.token
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
    demo_users = None
    if settings.is_demo:
        from ..services.demo import DEMO_SIGN_INS

        demo_users = DEMO_SIGN_INS
    return render_template("auth/sign_in.html", form=form, demo_users=demo_users,
                           title="Sign in")


@bp.route("/sign-out", methods=["POST"])
def sign_out():  # type: ignore[no-untyped-def]
    form = ConfirmForm()
    if form.validate_on_submit():
        session_db = db()
        end_session(session_db, session.get("token"))
        audit.record(session_db, "signed_out", "app_user")
        session_db.commit()
    session.clear()
    return redirect(url_for("auth.sign_in", signed_out=1))
