"""Admin pages: list, create, edit, deactivate and reactivate users, and issue password links."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from casework.access import allow
from casework.admin.forms import ConfirmForm, UserForm
from casework.auth import services
from casework.auth.models import User
from casework.auth.roles import Role
from casework.extensions import client_address, db
from casework.partners.models import Agency
from casework.places.models import Borough

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _form(obj: User | None = None) -> UserForm:
    form = UserForm(obj=obj)
    boroughs = db.session.scalars(select(Borough).order_by(Borough.name)).all()
    agencies = db.session.scalars(select(Agency).where(Agency.active).order_by(Agency.name)).all()
    form.set_choices(boroughs, agencies)
    if obj is not None and request.method == "GET":
        form.borough_id.data = str(obj.borough_id or "")
        form.agency_id.data = str(obj.agency_id or "")
    return form


def _details(form: UserForm) -> services.AccountDetails:
    return services.AccountDetails(
        email=form.email.data,
        name=form.name.data,
        role=Role(form.role.data),
        borough_id=int(form.borough_id.data) if form.borough_id.data else None,
        agency_id=int(form.agency_id.data) if form.agency_id.data else None,
    )


def _show_link(user: User, raw_token: str, new_account: bool = False) -> str:
    # The configured address, not this request's host: the link is sent to someone else.
    base = current_app.config["SERVER_NAME_FOR_LINKS"].rstrip("/")
    link = base + url_for("auth.set_password", token=raw_token)
    services.email_password_link(user, link, new_account)
    return render_template("admin/password_link.html", user=user, link=link)


@bp.route("/users")
@allow(Role.ADMIN)
def users() -> ResponseReturnValue:
    people = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("admin/users.html", users=people)


@bp.route("/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_user() -> ResponseReturnValue:
    form = _form()
    if form.validate_on_submit():
        try:
            user = services.create_user(_details(form))
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(error.message)
        else:
            token = services.issue_password_token(user, current_user._get_current_object())
            flash(f"Account created for {user.name}.", "success")
            return _show_link(user, token, new_account=True)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_user(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = _form(user)
    if form.validate_on_submit():
        try:
            services.update_user(user, _details(form), current_user._get_current_object())
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(error.message)
        else:
            flash(f"Changes to {user.name} saved.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, confirm=ConfirmForm())


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@allow(Role.ADMIN)
def set_active(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    make_active = request.form.get("active") == "1"
    try:
        services.set_active(user, make_active, current_user._get_current_object(), client_address())
    except services.AccountError as error:
        flash(error.message, "error")
    else:
        verb = "reactivated" if make_active else "deactivated and signed out everywhere"
        flash(f"{user.name} has been {verb}.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/password-link", methods=["POST"])
@allow(Role.ADMIN)
def password_link(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not user.active:
        flash("Reactivate the account before sending a password link.", "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return _show_link(user, services.issue_password_token(user, current_user._get_current_object()))
