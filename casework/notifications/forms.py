"""Forms for the outbox pages."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ResendForm(FlaskForm):
    """The resend button: a POST carrying only the CSRF token."""
