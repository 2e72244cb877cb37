"""Sign in and out."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from ..services.auth import sign_in as check_sign_in
from ..services.auth import sign_out as end_session
from ..services.two_step import demo_code
from ..services.two_step import verify_at_sign_in as verify_code
from ..text import plural
from .database import db
from .forms import ConfirmForm, SignInForm, status_for
from .two_step_forms import CodeForm

bp = Blueprint("auth", __name__)

# Which accounts this browser has signed in to before (their throttling keys, never an
# email), signed so it cannot be made up: someone guessing an account's password cannot
# keep its owner out, because the owner's own browser is not held up by that account's
# failures.
KNOWN_COOKIE = "dpsupport_known"
KNOWN_LIMIT = 5
KNOWN_FOR = timedelta(days=365)

# After a right password, someone who uses two-step sign-in holds this signed marker in the
# session cookie (the app keeps nothing in memory) while they find their phone; it is good
# for PASSED_FOR, and only the right code then opens a session.
PASSED_KEY = "password_passed"
PASSED_FOR = timedelta(minutes=5)
WRONG_CODE = ("That code is not right. Type the 6 digits your authenticator app shows now, "
              "or one of your recovery codes.")

WRONG = ("The email address or password is not right. Check them and try again. "
         "After 5 wrong tries you will have to wait a little before each new try.")


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


def _known_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="dpsupport-known-browser")


def known_accounts() -> list[str]:
    """The account keys in this browser's signed cookie (none if it is missing or forged)."""
    raw = request.cookies.get(KNOWN_COOKIE)
    if not raw:
        return []
    try:
        value = _known_serializer().loads(raw)
    except BadSignature:
        return []
    if not isinstance(value, list):
        return []
    return [key for key in value if isinstance(key, str)][:KNOWN_LIMIT]


def _remember_account(response: Response, key: str) -> None:
    keys = [key] + [k for k in known_accounts() if k != key]
    response.set_cookie(
        KNOWN_COOKIE, _known_serializer().dumps(keys[:KNOWN_LIMIT]),
        max_age=int(KNOWN_FOR.total_seconds()), httponly=True, samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"])


def wait_words(wait: timedelta) -> str:
    """"30 seconds", "2 minutes": how long someone must wait, rounded up."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return plural(seconds, "second")
    return plural(math.ceil(seconds / 60), "minute")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response | str | tuple[str, int]:
    form = SignInForm()
    settings = current_app.config["DPSUPPORT"]
    status = 200
    if form.validate_on_submit():
        result = check_sign_in(db(), form.email.data or "", form.password.data or "",
                               request.remote_addr or "unknown", settings.secret_key,
                               known_accounts())
        if result.wait is not None:
            status = 429
            form.form_errors.append(
                f"Too many wrong tries. Wait {wait_words(result.wait)}, then try again. "
                "This slows down people who try to guess passwords.")
        elif result.needs_code and result.user is not None and result.account_key:
            # The password is right; the session opens only when the code is right too.
            session.clear()
            session[PASSED_KEY] = _passed_serializer().dumps(
                {"user": result.user.id, "key": result.account_key,
                 "next": _safe_next(request.args.get("next"))})
            return redirect(url_for("auth.two_step"))
        elif result.user is None or result.token is None or result.account_key is None:
            form.form_errors.append(WRONG)
        else:
            session.clear()
            session["token"] = result.token
            session.permanent = True
            response = redirect(_safe_next(request.args.get("next")))
            _remember_account(response, result.account_key)
            return response
    demo_users = demo_key = None
    if settings.is_demo:
        from ..services.demo import DEMO_SIGN_INS, DEMO_TOTP_SECRET

        demo_users, demo_key = DEMO_SIGN_INS, DEMO_TOTP_SECRET
    page = render_template("auth/sign_in.html", form=form, demo_users=demo_users,
                           demo_key=demo_key, title="Sign in")
    return (page, status) if status != 200 else page


def _passed_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"],
                                  salt="dpsupport-password-passed")


def _password_passed() -> dict[str, Any] | None:
    """The "password passed" marker in the session cookie, if it is genuine and less than
    PASSED_FOR old: who got their password right, for the code page (None otherwise)."""
    raw = session.get(PASSED_KEY)
    if not isinstance(raw, str):
        return None
    try:
        value = _passed_serializer().loads(raw, max_age=int(PASSED_FOR.total_seconds()))
    except BadSignature:  # forged, or too old (SignatureExpired is a BadSignature)
        return None
    if not isinstance(value, dict) or not isinstance(value.get("user"), int):
        return None
    return value


@bp.route("/sign-in/code", methods=["GET", "POST"])
def two_step() -> Response | str | tuple[str, int]:
    """The second step of signing in, for people who use two-step sign-in."""
    passed = _password_passed()
    if passed is None:
        had_marker = PASSED_KEY in session
        session.pop(PASSED_KEY, None)
        if had_marker:
            flash("Signing in took too long. Enter your email address and password again.")
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    settings = current_app.config["DPSUPPORT"]
    recovery = request.args.get("recovery") == "1"
    status = 200
    if form.validate_on_submit():
        checked = verify_code(db(), passed["user"], form.code.data or "", settings.secret_key)
        if checked.wait is not None:
            status = 429
            form.form_errors.append(
                f"Too many wrong codes. Wait {wait_words(checked.wait)}, then try again.")
        elif checked.token is None:
            form.code.errors = [*form.code.errors, WRONG_CODE]
        else:
            session.clear()
            session["token"] = checked.token
            session.permanent = True
            if checked.used_recovery_code:
                flash(f"You used a recovery code: it will not work again. You have "
                      f"{plural(checked.recovery_codes_left, 'recovery code')} left. "
                      "If you have lost your phone, set up two-step sign-in again.")
            response = redirect(_safe_next(passed.get("next")))
            if isinstance(passed.get("key"), str):
                _remember_account(response, passed["key"])
            return response
    form.code.data = ""
    demo = demo_code(db(), passed["user"]) if settings.is_demo else None
    page = render_template("auth/two_step.html", form=form, recovery=recovery, demo_code=demo,
                           title="Enter a recovery code" if recovery
                           else "Enter the code from your phone")
    return (page, 429) if status == 429 else (page, status_for(form))


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    form = ConfirmForm()
    if form.validate_on_submit():
        end_session(db(), session.get("token"))
    session.clear()
    return redirect(url_for("auth.sign_in", signed_out=1))
