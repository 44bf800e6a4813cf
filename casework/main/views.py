"""Home pages for each role and the fixed pages every service has."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from casework.access import allow, public
from casework.auth.roles import Role
from casework.main.navigation import navigation_items

bp = Blueprint("main", __name__)

HOME_TEMPLATES = {
    Role.OFFICER: "main/home_officer.html",
    Role.MANAGER: "main/home_manager.html",
    Role.PARTNER: "main/home_partner.html",
    Role.ADMIN: "main/home_admin.html",
}


@bp.app_context_processor
def navigation() -> dict:
    return {"navigation_items": navigation_items}


@bp.route("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    return redirect(url_for("main.home"))


@bp.route("/home")
@allow()
def home():
    return render_template(HOME_TEMPLATES[current_user.role_enum])


@bp.route("/account")
@allow()
def account():
    return render_template("main/account.html")


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("main/accessibility.html")


@bp.route("/privacy")
@public
def privacy():
    return render_template("main/privacy.html")
