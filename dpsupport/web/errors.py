"""Friendly error pages with the right status and no stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("dpsupport.errors")

MESSAGES = {
    400: ("Sorry, there is a problem with that request",
          "Go back, refresh the page and try again."),
    403: ("You do not have permission to do this",
          "If you think you should be able to, ask your support worker or organisation admin."),
    404: ("Page not found",
          "If you typed the web address, check it is correct. If you followed a link, the page "
          "may have moved, or you may not have access to it."),
    405: ("Sorry, that did not work", "Go back and try again using the buttons on the page."),
    413: ("The file is too big",
          "Choose a smaller file. Files must be smaller than the size shown on the page."),
    429: ("Too many attempts",
          "Wait a few minutes, then try again. Nothing you entered has been saved."),
    500: ("Sorry, something went wrong on our side",
          "Nothing you entered has been saved. Try again later. If it keeps happening, tell "
          "your support organisation."),
}


def _page(status: int, detail: str | None = None) -> ResponseReturnValue:
    title, body = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", title=title, body=detail or body,
                           status=status), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_e: CSRFError) -> ResponseReturnValue:
        return _page(400, "The form had expired or was sent from somewhere else. Go back, "
                          "refresh the page and try again. Nothing has been saved.")

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> ResponseReturnValue:
        code = e.code or 500
        if code in (301, 302, 303, 307, 308):
            return e
        return _page(code if code in MESSAGES else 400)

    @app.errorhandler(Exception)
    def server_error(e: Exception) -> ResponseReturnValue:
        log.exception("unhandled error")
        return _page(500)
