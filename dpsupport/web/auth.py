"""Sign in and out."""

from __future__ import annotations

import math
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from ..services.auth import sign_in as check_sign_in
from ..services.auth import sign_out as end_session
from ..text import plural
from .database import db
from .forms import ConfirmForm, SignInForm

bp = Blueprint("auth", __name__)

# Which accounts this browser has signed in to before (their throttling keys, never an
# email), signed so it cannot be made up: someone guessing an account's password cannot
# keep its owner out, because the owner's own browser is not held up by that account's
# failures.
KNOWN_COOKIE = "dpsupport_known"
KNOWN_LIMIT = 5
KNOWN_FOR = timedelta(days=365)

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
        elif result.user is None or result.token is None or result.account_key is None:
            form.form_errors.append(WRONG)
        else:
            session.clear()
            session["token"] = result.token
            session.permanent = True
            response = redirect(_safe_next(request.args.get("next")))
            _remember_account(response, result.account_key)
            return response
    demo_users = None
    if settings.is_demo:
        from ..services.demo import DEMO_SIGN_INS

        demo_users = DEMO_SIGN_INS
    page = render_template("auth/sign_in.html", form=form, demo_users=demo_users,
                           title="Sign in")
    return (page, status) if status != 200 else page


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    form = ConfirmForm()
    if form.validate_on_submit():
        end_session(db(), session.get("token"))
    session.clear()
    return redirect(url_for("auth.sign_in", signed_out=1))
