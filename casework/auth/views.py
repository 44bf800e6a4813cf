"""Sign-in, sign-out and password pages."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from casework.access import allow, public
from casework.auth import services
from casework.auth.forms import ChangePasswordForm, SetPasswordForm, SignInForm
from casework.auth.models import User
from casework.extensions import client_address, limiter
from casework.security import mark_active

bp = Blueprint("auth", __name__)

BAD_CREDENTIALS = "Enter a correct email address and password"


def _account_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"]


def _address_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"]


def _account_key() -> str:
    """Rate-limit key for the account being tried, whoever tries it and from wherever.

    A hash of the normalised address: fixed length however long the posted value, and no
    e-mail addresses in the limiter's storage.
    """
    email = services.normalise_email(request.form.get("email", ""))
    return "sign-in-account:" + hashlib.sha256(email.encode()).hexdigest()


def _signed_in_account_key() -> str:
    """Rate-limit key for guesses at the current password of the signed-in account."""
    return f"current-password:{current_user.id}"


def _failed(response: Response) -> bool:
    """A password attempt that did not succeed: success is the only redirect after a POST."""
    return response.status_code != 302


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths may follow sign-in, never another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _start_session(user: User) -> None:
    session.clear()  # a new session at sign-in: nothing carried over from before
    session.permanent = True
    login_user(user)
    mark_active()


def _end_session(message: str) -> Response:
    """Sign this browser out and send it to sign-in with a message."""
    if current_user.is_authenticated:
        logout_user()
    session.clear()
    flash(message, "success")
    return redirect(url_for("auth.sign_in"))


# Per account, every attempt counts. Per address, only failures count, so that a council office
# signing in from behind one address is not locked out by its own colleagues' successful sign-ins.
@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"])
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
def sign_in() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data, client_address())
        if user is not None:
            next_url = _safe_next(request.args.get("next"))
            _start_session(user)
            return redirect(next_url or url_for("main.index"))
        form.email.errors.append(BAD_CREDENTIALS)
        form.password.errors.append(BAD_CREDENTIALS)
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out() -> ResponseReturnValue:
    if current_user.is_authenticated:
        services.sign_out(current_user._get_current_object(), client_address())
    return _end_session("You have been signed out.")


# A stolen session must not become a stolen account by guessing the current password.
@bp.route("/account/password", methods=["GET", "POST"])
@allow()
@limiter.limit(_account_limit, key_func=_signed_in_account_key, methods=["POST"], deduct_when=_failed)
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user._get_current_object(),
                form.current_password.data,
                form.password.data,
                client_address(),
            )
        except services.AccountError as error:
            getattr(form, error.field or "password").errors.append(error.message)
        else:
            return _end_session("Your password has been changed. Sign in with your new password.")
    return render_template("auth/change_password.html", form=form)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
@limiter.limit("30 per hour", methods=["POST"])
def set_password(token: str) -> ResponseReturnValue:
    if services.find_password_token(token) is None:
        return render_template("auth/link_expired.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.use_password_token(token, form.password.data, client_address())
        except services.AccountError as error:
            form.password.errors.append(error.message)
        else:
            return _end_session("Your password has been set. Sign in with it now.")
    return render_template("auth/set_password.html", form=form)
