"""Security headers, the CSP nonce and the idle timeout, set in one place."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, logout_user


def csp_nonce() -> str:
    """This response's nonce for inline scripts (one per request)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy() -> str:
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


def set_security_headers(response):
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


def enforce_idle_timeout():
    """Before each request: sign out a user idle for longer than IDLE_TIMEOUT."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = datetime.now(UTC).timestamp()
    last_seen = session.get("seen")
    session["seen"] = now
    limit = current_app.config["IDLE_TIMEOUT"].total_seconds()
    if last_seen is not None and now - float(last_seen) > limit:
        logout_user()
        session.clear()
        flash("You were signed out because you were inactive for a while. Sign in again.", "info")
        return redirect(url_for("auth.sign_in", next=request.full_path if request.method == "GET" else None))
    return None


def init_security(app: Flask) -> None:
    """Register the hooks and the template helper."""
    app.before_request(enforce_idle_timeout)
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
