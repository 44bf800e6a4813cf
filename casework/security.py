"""Security headers, the CSP nonce and the idle timeout, set in one place."""

from __future__ import annotations

import secrets
import time

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response


def csp_nonce() -> str:
    """This response's nonce for inline scripts (one per request)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy() -> str:
    """The policy for this response: only our own files, and inline scripts carrying the nonce."""
    nonce = csp_nonce()
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def set_security_headers(response: Response) -> Response:
    """After each request: CSP, framing, sniffing, referrer and (in production) HSTS."""
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy()
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), payment=(), usb=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config.get("HSTS"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if current_user.is_authenticated and request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response


def enforce_idle_timeout() -> ResponseReturnValue | None:
    """Before each request: sign out a user idle for longer than IDLE_TIMEOUT, else note the activity."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    if _idle_too_long():
        return _sign_out_idle_user()
    mark_active()
    return None


def _idle_too_long() -> bool:
    last_seen = session.get("seen")
    limit = current_app.config["IDLE_TIMEOUT"].total_seconds()
    return last_seen is not None and time.time() - float(last_seen) > limit


def mark_active() -> None:
    """Record activity now in the session: the idle timeout counts from here."""
    session["seen"] = time.time()


def _sign_out_idle_user() -> ResponseReturnValue:
    # Only this browser's session ends: the user's other devices were not idle.
    logout_user()
    session.clear()
    flash("You were signed out because you were inactive for a while. Sign in again.", "info")
    next_path = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.sign_in", next=next_path))


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For/-Proto from TRUSTED_PROXY_COUNT proxies in front of the app.

    Behind a load balancer every request comes from the balancer's address: without this the
    per-address sign-in limit would be one limit shared by everybody. With no proxies configured
    the headers are ignored, since anyone can send them.
    """
    hops = int(app.config.get("TRUSTED_PROXY_COUNT", 0))
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def init_security(app: Flask) -> None:
    """Register the hooks and the template helper, and trust the configured proxies."""
    trust_proxies(app)
    app.before_request(enforce_idle_timeout)
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
