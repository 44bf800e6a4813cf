"""Admin settings for the case lists that are data: clearance costs, case types, CSP priorities."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from casework.access import allow
from casework.auth.roles import Role
from casework.cases import settings_services as settings_data
from casework.cases.categories import FLYTIP_SIZES, TYPE_GROUPS
from casework.cases.forms_settings import ActiveForm, CaseTypeForm, PriorityForm, clearance_costs_form
from casework.cases.models import CaseType, Priority
from casework.cases.views import bp
from casework.extensions import db


def _actor():
    return current_user._get_current_object()


def _show_error(form: FlaskForm, error: settings_data.SettingsError, default: str) -> None:
    field = error.field if error.field in form else default
    form[field].errors = [*form[field].errors, error.message]


@bp.route("/admin/settings")
@allow(Role.ADMIN)
def settings():
    return render_template("cases/settings_index.html")


@bp.route("/admin/settings/clearance-costs", methods=["GET", "POST"])
@allow(Role.ADMIN)
def clearance_costs():
    form = clearance_costs_form(settings_data.clearance_costs())
    if form.validate_on_submit():
        try:
            settings_data.save_clearance_costs(_actor(), form.costs())
        except settings_data.SettingsError as error:
            _show_error(form, error, f"cost_{FLYTIP_SIZES[0][0]}")
        else:
            flash(
                "Clearance costs saved. New flytips get these costs; recorded flytips keep theirs.", "success"
            )
            return redirect(url_for("cases.clearance_costs"))
    return render_template("cases/settings_clearance_costs.html", form=form)


# ---- case types --------------------------------------------------------------------------------


def _case_type_or_404(type_id: int) -> CaseType:
    return db.session.get(CaseType, type_id) or abort(404)


@bp.route("/admin/settings/case-types")
@allow(Role.ADMIN)
def case_types():
    return render_template(
        "cases/settings_case_types.html",
        case_types=settings_data.case_types(),
        counts=settings_data.cases_per_type(),
        groups=dict(TYPE_GROUPS),
    )


@bp.route("/admin/settings/case-types/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_case_type():
    form = CaseTypeForm()
    if form.validate_on_submit():
        try:
            added = settings_data.add_case_type(_actor(), form.name.data, form.group.data)
        except settings_data.SettingsError as error:
            _show_error(form, error, "name")
        else:
            flash(f"Case type “{added.name}” added.", "success")
            return redirect(url_for("cases.case_types"))
    return render_template("cases/settings_case_type_form.html", form=form, case_type=None)


@bp.route("/admin/settings/case-types/<int:type_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_case_type(type_id: int):
    case_type = _case_type_or_404(type_id)
    in_use = settings_data.cases_per_type().get(case_type.id, 0)
    form = CaseTypeForm(obj=case_type)
    if form.validate_on_submit():
        try:
            settings_data.update_case_type(_actor(), case_type, form.name.data, form.group.data)
        except settings_data.SettingsError as error:
            _show_error(form, error, "name")
        else:
            flash(f"Case type “{case_type.name}” saved.", "success")
            return redirect(url_for("cases.case_types"))
    return render_template(
        "cases/settings_case_type_form.html",
        form=form,
        case_type=case_type,
        in_use=in_use,
        confirm=ActiveForm(),
    )


@bp.route("/admin/settings/case-types/<int:type_id>/active", methods=["POST"])
@allow(Role.ADMIN)
def case_type_active(type_id: int):
    case_type = _case_type_or_404(type_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        settings_data.set_case_type_active(_actor(), case_type, form.active.data == "1")
    except settings_data.SettingsError as error:
        flash(error.message, "error")
        return redirect(url_for("cases.edit_case_type", type_id=case_type.id))
    state = "offered for new cases again" if case_type.active else "no longer offered for new cases"
    flash(f"Case type “{case_type.name}” is {state}.", "success")
    return redirect(url_for("cases.case_types"))


# ---- priorities --------------------------------------------------------------------------------


def _priority_or_404(priority_id: int) -> Priority:
    return db.session.get(Priority, priority_id) or abort(404)


@bp.route("/admin/settings/priorities")
@allow(Role.ADMIN)
def priorities():
    return render_template("cases/settings_priorities.html", priorities=settings_data.priorities())


@bp.route("/admin/settings/priorities/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_priority():
    form = PriorityForm()
    if form.validate_on_submit():
        try:
            added = settings_data.add_priority(
                _actor(), settings_data.parse_number(form.number.data), form.name.data
            )
        except settings_data.SettingsError as error:
            _show_error(form, error, "name")
        else:
            flash(f"Priority {added.number} added.", "success")
            return redirect(url_for("cases.priorities"))
    return render_template("cases/settings_priority_form.html", form=form, priority=None)


@bp.route("/admin/settings/priorities/<int:priority_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_priority(priority_id: int):
    priority = _priority_or_404(priority_id)
    form = PriorityForm(data={"number": str(priority.number), "name": priority.name})
    if form.validate_on_submit():
        try:
            number = settings_data.parse_number(form.number.data)
            settings_data.update_priority(_actor(), priority, number, form.name.data)
        except settings_data.SettingsError as error:
            _show_error(form, error, "name")
        else:
            flash(f"Priority {priority.number} saved.", "success")
            return redirect(url_for("cases.priorities"))
    return render_template(
        "cases/settings_priority_form.html", form=form, priority=priority, confirm=ActiveForm()
    )


@bp.route("/admin/settings/priorities/<int:priority_id>/active", methods=["POST"])
@allow(Role.ADMIN)
def priority_active(priority_id: int):
    priority = _priority_or_404(priority_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    settings_data.set_priority_active(_actor(), priority, form.active.data == "1")
    state = "offered for cases again" if priority.active else "no longer offered for cases"
    flash(f"Priority {priority.number} is {state}.", "success")
    return redirect(url_for("cases.priorities"))
