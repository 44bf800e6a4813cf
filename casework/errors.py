"""Error pages in the service's own style; none shows a stack trace."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("There is a problem with your request", "Go back, check what you entered and try again."),
    403: ("You do not have permission to see this page", "If you think you should, ask your manager or an administrator."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("Page not found", "This page cannot be used that way."),
    413: ("The file is too large", "Go back and choose a smaller file."),
    429: ("Too many attempts", "Wait 15 minutes, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later. Nothing you saved before this has been lost."),
}


def render_error(status: int, title: str | None = None, message: str | None = None):
    """The error page for a status code."""
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    html = render_template(
        "errors/error.html", status=status, title=title or default_title, message=message or default_message
    )
    return html, status


def handle_http_error(error: HTTPException):
    if request.path.startswith("/health"):
        return {"status": "error", "code": error.code}, error.code
    return render_error(error.code or 500)


def handle_csrf_error(error: CSRFError):
    return render_error(
        400,
        "Your form has expired",
        "For your security, forms expire. Go back, reload the page and try again.",
    )


def handle_unexpected(error: Exception):
    from casework.extensions import db

    db.session.rollback()
    return render_error(500)


def init_errors(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
