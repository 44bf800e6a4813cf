"""Deadline pages: service levels and the council calendar (admins), the digest setting (staff)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from casework.access import allow
from casework.auth.roles import Role
from casework.cases.categories import TYPE_GROUPS
from casework.cases.models import CaseType, Priority
from casework.cases.workflow import state_label
from casework.db_types import utcnow
from casework.deadlines import admin
from casework.deadlines.digest import set_digest_opt_out
from casework.deadlines.forms import ActiveForm, ClosureDayForm, ConfirmForm, DigestForm, PolicyForm
from casework.deadlines.models import ServiceLevelPolicy
from casework.deadlines.policies import RISKS, PolicyError, format_durations, kind_label, rung_label
from casework.extensions import db
from casework.formatting import LONDON

bp = Blueprint("deadlines", __name__)


def _actor():
    return current_user._get_current_object()


def _show_error(form: FlaskForm, error: PolicyError, default: str) -> None:
    name = error.field if error.field in form else default
    form[name].errors = [*form[name].errors, error.message]


# ---- council calendar --------------------------------------------------------------------------


@bp.route("/admin/calendar", methods=["GET", "POST"])
@allow(Role.ADMIN)
def calendar() -> ResponseReturnValue:
    form = ClosureDayForm()
    if form.validate_on_submit():
        try:
            closure, warnings = admin.add_closure_day(_actor(), form.day.data, form.reason.data or "")
        except PolicyError as error:
            _show_error(form, error, "day")
        else:
            flash(f"{closure.day.day} {closure.day:%B %Y} added as a closure day.", "success")
            for warning in warnings:
                flash(warning, "warning")
            return redirect(url_for("deadlines.calendar"))
    today = utcnow().astimezone(LONDON).date()
    return render_template(
        "deadlines/calendar.html",
        form=form,
        confirm=ConfirmForm(),
        bank_holidays=admin.coming_bank_holidays(today),
        closures=admin.closure_days(),
        today=today,
    )


@bp.route("/admin/calendar/<int:closure_id>/remove", methods=["POST"])
@allow(Role.ADMIN)
def remove_closure(closure_id: int) -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        closure = admin.remove_closure_day(_actor(), closure_id)
    except PolicyError as error:
        flash(error.message, "error")
    else:
        flash(f"{closure.day.day} {closure.day:%B %Y} is no longer a closure day.", "success")
    return redirect(url_for("deadlines.calendar"))


# ---- service levels ----------------------------------------------------------------------------


def _policy_or_404(policy_id: int) -> ServiceLevelPolicy:
    return db.session.get(ServiceLevelPolicy, policy_id) or abort(404)


def _policy_form(policy: ServiceLevelPolicy | None) -> PolicyForm:
    form = PolicyForm()
    case_types = db.session.scalars(select(CaseType).order_by(CaseType.sort_order, CaseType.name)).all()
    priorities = db.session.scalars(select(Priority).order_by(Priority.number)).all()
    form.set_choices(list(case_types), list(priorities))
    if policy is not None and not form.is_submitted():
        form.fill(policy)
    elif policy is None and not form.is_submitted():
        form.duration_unit.data = "working_days"
    return form


def _describe(policy: ServiceLevelPolicy) -> dict:
    if policy.case_type is not None:
        applies = policy.case_type.name
    elif policy.case_type_group:
        applies = f"Any {dict(TYPE_GROUPS).get(policy.case_type_group, policy.case_type_group).lower()} case"
    else:
        applies = "Any case"
    conditions = [applies]
    if policy.risk:
        conditions.append(f"{dict(RISKS).get(policy.risk, policy.risk)} risk")
    if policy.priority is not None:
        conditions.append(f"Priority {policy.priority.number}")
    unit = "working day" if policy.duration_unit == "working_days" else "working hour"
    return {
        "policy": policy,
        "kind": kind_label(policy.kind),
        "conditions": ", ".join(conditions),
        "started_by": state_label(policy.state) if policy.state else "An event",
        "duration": f"{policy.duration_value} {unit}{'' if policy.duration_value == 1 else 's'}",
        "reminders": format_durations(policy.reminder_leads or []) or "None",
        "ladder": [rung_label(rung) for rung in policy.ladder or []],
    }


@bp.route("/admin/service-levels")
@allow(Role.ADMIN)
def service_levels() -> ResponseReturnValue:
    rows = [_describe(policy) for policy in admin.policies_in_order()]
    return render_template("deadlines/service_levels.html", rows=rows)


def _save(policy: ServiceLevelPolicy | None) -> ResponseReturnValue:
    form = _policy_form(policy)
    if form.validate_on_submit():
        try:
            saved = admin.save_policy(_actor(), policy, form.to_input())
        except PolicyError as error:
            _show_error(form, error, "kind")
        else:
            flash(
                f"Service level saved: {kind_label(saved.kind)}, {_describe(saved)['conditions']}.", "success"
            )
            return redirect(url_for("deadlines.service_levels"))
    return render_template(
        "deadlines/service_level_form.html", form=form, policy=policy, confirm=ActiveForm()
    )


@bp.route("/admin/service-levels/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_service_level() -> ResponseReturnValue:
    return _save(None)


@bp.route("/admin/service-levels/<int:policy_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_service_level(policy_id: int) -> ResponseReturnValue:
    return _save(_policy_or_404(policy_id))


@bp.route("/admin/service-levels/<int:policy_id>/active", methods=["POST"])
@allow(Role.ADMIN)
def service_level_active(policy_id: int) -> ResponseReturnValue:
    policy = _policy_or_404(policy_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        admin.set_policy_active(_actor(), policy, form.active.data == "1")
    except PolicyError as error:
        flash(error.message, "error")
        return redirect(url_for("deadlines.edit_service_level", policy_id=policy.id))
    state = "active again" if policy.active else "deactivated: it starts no new clocks"
    flash(f"Service level “{kind_label(policy.kind)}” is {state}.", "success")
    return redirect(url_for("deadlines.service_levels"))


# ---- the digest setting ------------------------------------------------------------------------


@bp.route("/account/digest", methods=["POST"])
@allow(Role.OFFICER, Role.MANAGER)
def digest_preference() -> ResponseReturnValue:
    form = DigestForm()
    if not form.validate_on_submit():
        flash("Select whether you want the daily deadline e-mail.", "error")
        return redirect(url_for("main.account"))
    opt_out = form.digest.data == "off"
    set_digest_opt_out(_actor(), opt_out)
    flash(
        "You will no longer get the daily deadline e-mail."
        if opt_out
        else "You will get the daily deadline e-mail each working morning.",
        "success",
    )
    return redirect(url_for("main.account"))


@bp.app_context_processor
def digest_setting() -> dict:
    """`digest_form()` for the account page (templates/main/account.html) to show the setting."""

    def digest_form() -> DigestForm:
        choice = "off" if getattr(current_user, "digest_opt_out", False) else "on"
        return DigestForm(formdata=None, digest=choice)

    return {"digest_form": digest_form}
