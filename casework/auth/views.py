"""Sign-in, sign-out and password pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from casework.access import allow, public
from casework.auth import services
from casework.auth.forms import ChangePasswordForm, SetPasswordForm, SignInForm
from casework.extensions import client_address, limiter

bp = Blueprint("auth", __name__)

BAD_CREDENTIALS = "Enter a correct email address and password"


def _account_key() -> str:
    """Rate-limit key for the account being tried, whoever tries it."""
    return "sign-in-account:" + services.normalise_email(request.form.get("email", ""))


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths may follow sign-in, never another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"], key_func=_account_key, methods=["POST"]
)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data, client_address())
        if user is not None:
            next_url = _safe_next(request.args.get("next"))
            session.clear()  # a new session at sign-in: nothing carried over from before
            session.permanent = True
            login_user(user)
            return redirect(next_url or url_for("main.index"))
        form.email.errors.append(BAD_CREDENTIALS)
        form.password.errors.append(BAD_CREDENTIALS)
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out():
    if current_user.is_authenticated:
        services.sign_out(current_user._get_current_object(), client_address())
        logout_user()
    session.clear()
    flash("You have been signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow()
def change_password():
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
            logout_user()
            session.clear()
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
@limiter.limit("30 per hour", methods=["POST"])
def set_password(token: str):
    if services.find_password_token(token) is None:
        return render_template("auth/link_expired.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.use_password_token(token, form.password.data, client_address())
        except services.AccountError as error:
            form.password.errors.append(error.message)
        else:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash("Your password has been set. Sign in with it now.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/set_password.html", form=form)
