"""Error pages in the service's own style; none shows a stack trace."""

from __future__ import annotations

import math

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: ("There is a problem with your request", "Go back, check what you entered and try again."),
    403: (
        "You do not have permission to see this page",
        "If you think you should, ask your manager or an administrator.",
    ),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("Page not found", "This page cannot be used that way."),
    413: ("The file is too large", "Go back and choose a smaller file."),
    429: ("Too many attempts", "Wait 15 minutes, then try again."),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. Nothing you saved before this has been lost.",
    ),
}


def render_error(status: int, title: str | None = None, message: str | None = None) -> tuple[str, int]:
    """The error page for a status code, in the service's layout."""
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    html = render_template(
        "errors/error.html", status=status, title=title or default_title, message=message or default_message
    )
    return html, status


def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    """Any HTTP error raised by a view or by Flask: the service's error page (JSON for /health)."""
    if request.path.startswith("/health"):
        return {"status": "error", "code": error.code}, error.code or 500
    return render_error(error.code or 500)


def handle_csrf_error(error: CSRFError) -> ResponseReturnValue:
    """A missing or stale CSRF token: the form was not saved."""
    return render_error(
        400,
        "Your form has expired",
        "For your security, forms expire. Go back, reload the page and try again.",
    )


def handle_rate_limited(error: RateLimitExceeded) -> ResponseReturnValue:
    """Too many attempts: say how long to wait for the limit that was hit."""
    minutes = max(1, math.ceil(error.limit.limit.get_expiry() / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return render_error(429, message=f"Wait {minutes} {unit}, then try again.")


def handle_server_error(error: InternalServerError) -> ResponseReturnValue:
    """An unexpected exception, after Flask has logged it (or re-raised it, under TESTING)."""
    from casework.extensions import db

    # The failed request may have left the transaction unusable, and the page still reads the user.
    db.session.rollback()
    return handle_http_error(error)


def init_errors(app: Flask) -> None:
    """Register the handlers.

    Unexpected exceptions are handled through the 500 handler rather than a handler for
    `Exception`, so that Flask logs them with their traceback and tests see them raised.
    """
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(RateLimitExceeded, handle_rate_limited)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(HTTPException, handle_http_error)
