"""The web layer: thin views over the services. Access checks live in `access.py`."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from flask import Flask, g, request, session
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from ..config import Settings
from ..db import make_engine, make_sessionmaker, set_write_intent
from ..services import audit
from ..services.auth import user_for_token
from . import filters
from .database import close_db, db

csrf = CSRFProtect()
log = logging.getLogger("dpsupport")


def init_app(app: Flask, settings: Settings) -> None:
    app.config.update(
        SECRET_KEY=settings.secret_key,
        DPSUPPORT=settings,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        SESSION_COOKIE_NAME="dpsupport_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        # No time limit on a form's token: a slow typist must never lose their work.
        WTF_CSRF_TIME_LIMIT=None,
        TESTING=settings.mode == "test",
    )
    engine = make_engine(settings.database_url)
    app.extensions["dpsupport.engine"] = engine
    app.extensions["dpsupport.sessions"] = make_sessionmaker(engine)
    audit.install()
    # Before CSRFProtect's own check, so error pages it causes (400, 413) get a nonce too.
    app.before_request(_new_csp_nonce)
    csrf.init_app(app)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder or "templates"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}),
        ]
    )
    filters.register(app)
    from .access import can

    app.jinja_env.globals["can"] = can

    app.before_request(_load_user)
    app.after_request(_security_headers)
    app.teardown_appcontext(close_db)
    app.teardown_request(_forget_request)

    from . import agreement, auth, employment, errors, holder, imports, main, plan, transactions

    for module in (auth, main, holder, plan, transactions, imports, agreement, employment):
        app.register_blueprint(module.bp)
    errors.register(app)

    from ..cli import register_commands

    register_commands(app)


def _new_csp_nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


def _load_user() -> None:
    g.user = None
    set_write_intent(request.method not in ("GET", "HEAD", "OPTIONS"))
    if request.endpoint == "static":
        return
    token = session.get("token")
    if token:
        session_db = db()
        user = user_for_token(session_db, token)
        if user is None:
            session.clear()
        else:
            g.user = user
            session_db.commit()  # keeps last_seen fresh; reads only otherwise
            audit.set_actor(audit.Actor(user.id, user.name))
            return
    audit.set_actor(audit.Actor(None, "Someone not signed in"))


def _forget_request(_exc: BaseException | None = None) -> None:
    """Nothing about one request may leak into whatever runs next on this thread."""
    set_write_intent(False)
    audit.set_actor(audit.SYSTEM)


def _security_headers(response):  # type: ignore[no-untyped-def]
    nonce = getattr(g, "csp_nonce", "")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response
