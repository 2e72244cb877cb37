"""The web layer: thin views over the services. Access checks live in `access.py`."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, g, has_request_context, redirect, request, session, url_for
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from ..config import Settings
from ..db import make_engine, make_sessionmaker, on_each_statement, set_write_intent, writing
from ..services import audit
from ..services.access import User
from ..services.auth import note_session_in_use, session_for_token
from ..services.two_step import required_for as two_step_required
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
    if settings.trusted_proxies:
        # Believe the last N hops of X-Forwarded-For/-Proto/-Host/-Port, which our own
        # proxies set: the client's address (sign-in throttling) and https (secure cookies).
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n,  # type: ignore[method-assign]
                                x_host=n, x_port=n)
    engine = make_engine(settings.database_url)
    app.extensions["dpsupport.engine"] = engine
    app.extensions["dpsupport.sessions"] = make_sessionmaker(engine)
    if settings.count_sql:
        _count_statements(app, engine)
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
    from .access import can, employs

    app.jinja_env.globals["can"] = can
    app.jinja_env.globals["employs"] = employs

    app.before_request(_load_user)
    app.after_request(_security_headers)
    app.teardown_appcontext(close_db)
    app.teardown_request(_forget_request)

    from . import (
        accounts,
        agreement,
        auth,
        employment,
        errors,
        flags,
        holder,
        imports,
        main,
        organisation,
        payroll,
        plan,
        reconcile,
        timesheets,
        transactions,
    )

    for module in (auth, accounts, main, holder, plan, transactions, imports, agreement,
                   employment, payroll, timesheets, flags):
        app.register_blueprint(module.bp)
    app.register_blueprint(flags.policy_bp)
    from . import holiday

    app.register_blueprint(holiday.bp)
    app.register_blueprint(reconcile.bp)
    app.register_blueprint(reconcile.rules_bp)
    from . import two_step

    app.register_blueprint(two_step.bp)
    app.register_blueprint(organisation.bp)
    app.register_blueprint(organisation.people_bp)
    from . import reviews

    app.register_blueprint(reviews.bp)
    app.register_blueprint(reviews.funder_bp)
    errors.register(app)

    from ..cli import register_commands

    register_commands(app)


def _count_statements(app: Flask, engine: Any) -> None:
    """Say in a header how many SQL statements each answer took (DPSUPPORT_COUNT_SQL)."""

    def _one() -> None:
        if has_request_context():
            g.sql_statements = getattr(g, "sql_statements", 0) + 1

    on_each_statement(engine, _one)

    @app.after_request
    def _header(response: Response) -> Response:
        response.headers["X-SQL-Statements"] = str(getattr(g, "sql_statements", 0))
        return response


def _new_csp_nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


def _load_user() -> Response | None:
    g.user = None
    writes = request.method not in ("GET", "HEAD", "OPTIONS")
    set_write_intent(writes)
    if request.endpoint == "static":
        return None
    token = session.get("token")
    if token:
        session_db = db()
        found = session_for_token(session_db, token)
        if found is None:
            session.clear()
        else:
            g.user = found.user
            if found.needs_refresh:
                _note_session_in_use(found.session_id, writes)
            audit.set_actor(audit.Actor(found.user.id, found.user.name))
            return _two_step_first(found.user)
    audit.set_actor(audit.Actor(None, "Someone not signed in"))
    return None


def _two_step_first(user: User) -> Response | None:
    """Someone who must use two-step sign-in but has not set it up can do nothing else
    first: every other page sends them to set it up (services/two_step.py)."""
    from .two_step import WHILE_SETTING_UP

    if user.totp_enabled_at is not None or request.endpoint in WHILE_SETTING_UP:
        return None
    if not two_step_required(db(), user):
        return None
    return redirect(url_for("two_step.set_up"))


def _note_session_in_use(session_id: int, writes: bool) -> None:
    """Keep an idle session from expiring while it is used, without making page views fail.

    A request that writes already holds the write lock (its transaction began with BEGIN
    IMMEDIATE on SQLite), so it notes it in its own transaction. A page view must not: it
    notes it in a short transaction of its own that starts as a write, on its own connection,
    and its own read transaction stays a read."""
    if writes:
        note_session_in_use(db(), session_id)
        return
    with writing(), current_app.extensions["dpsupport.sessions"]() as own:
        note_session_in_use(own, session_id)


def _forget_request(_exc: BaseException | None = None) -> None:
    """Nothing about one request may leak into whatever runs next on this thread."""
    set_write_intent(False)
    audit.set_actor(audit.SYSTEM)


# Production is served over HTTPS only (its cookies are Secure): browsers should never try
# plain http for this site again, for a year. Not in development, the demo or tests, which
# run over plain http on a laptop (browsers ignore the header over http anyway).
HSTS = "max-age=31536000"


def _security_headers(response: Response) -> Response:
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
    if current_app.config["DPSUPPORT"].is_production:
        response.headers["Strict-Transport-Security"] = HSTS
    return response
