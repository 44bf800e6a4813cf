"""Enforcement actions on a case, waste carrier checks and the public prosecutions page.

Every case route finds its case with lookup.case_or_404 (out of scope: 404) and its action within
that case; changes go through casework.enforcement.services.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from casework.access import allow, public
from casework.auth.roles import Role
from casework.cases.lookup import case_or_404
from casework.cases.models import Case
from casework.db_types import utcnow
from casework.enforcement import forms, queries, services
from casework.enforcement.kinds import (
    CARRIER_RESULTS,
    CARRIER_TIERS,
    KIND_BY_CODE,
    NEXT_STEPS,
    OFFENCE_PLAIN,
    OFFENCES,
    PROSECUTION_OUTCOMES,
    PROVED_OUTCOMES,
    STATUS_CLASSES,
    STATUS_LABELS,
    in_sentence,
)
from casework.enforcement.models import EnforcementAction
from casework.extensions import db

bp = Blueprint("enforcement", __name__)
STAFF = (Role.OFFICER, Role.MANAGER)

from casework.enforcement import panel  # noqa: E402,F401  (registers the case page sections)


def _me():
    return current_user._get_current_object()


def _refuse(error: services.EnforcementError, form, fields: tuple[str, ...]) -> None:
    """A refused change: 403 when the user may never do it, else the message on its field."""
    db.session.rollback()
    if isinstance(error, services.NotAllowed):
        abort(403)
    field = error.field if error.field in fields else "submit"
    getattr(form, field).errors = [*getattr(form, field).errors, error.message]


def _to_action(action: EnforcementAction) -> ResponseReturnValue:
    return redirect(url_for("enforcement.action", reference=action.case.reference, action_id=action.id))


def _labels() -> dict:
    return {
        "kinds": KIND_BY_CODE,
        "offences": dict(OFFENCES),
        "outcomes": dict(PROSECUTION_OUTCOMES),
        "status_labels": STATUS_LABELS,
        "status_classes": STATUS_CLASSES,
        "tiers": dict(CARRIER_TIERS),
        "results": dict(CARRIER_RESULTS),
        "proved": PROVED_OUTCOMES,
    }


# ---- adding an action ----------------------------------------------------------------------------


@bp.route("/cases/<reference>/enforcement/new", methods=["GET", "POST"])
@allow(*STAFF)
def choose_kind(reference: str) -> ResponseReturnValue:
    """Step 1: choose the kind of action."""
    case = case_or_404(reference)
    form = forms.KindForm()
    if form.validate_on_submit():
        return redirect(url_for("enforcement.new_action", reference=case.reference, kind=form.kind.data))
    return render_template("enforcement/choose_kind.html", case=case, form=form), 400 if form.errors else 200


@bp.route("/cases/<reference>/enforcement/new/<kind>", methods=["GET", "POST"])
@allow(*STAFF)
def new_action(reference: str, kind: str) -> ResponseReturnValue:
    """Step 2: the kind's own form, with ladder advice when a usual earlier step is missing."""
    case = case_or_404(reference)
    if kind not in KIND_BY_CODE:
        abort(404)
    form = forms.ActionForm()
    form.set_people(sorted({part.person for part in case.parties}, key=lambda p: (p.full_name, p.id)))
    if kind == "fpn":
        form.offence.choices = forms.choices(services.fpn_offences())
    if request.method == "GET":  # the action page's "next step" links fill in the person and offence
        form.person_id.data = request.args.get("person_id", "")
        form.offence.data = request.args.get("offence") or None
    if request.method == "POST" and form.validate_on_submit():
        try:
            action = services.record_action(_me(), case, _action_input(kind, form))
        except services.EnforcementError as error:
            _refuse(error, form, ("issued_on", *forms.KIND_FIELDS[kind], "notes"))
        else:
            flash(f"{action.kind_label} recorded.", "success")
            return redirect(url_for("cases.view", reference=case.reference, _anchor=f"action-{action.id}"))
    context = {
        "case": case,
        "form": form,
        "kind": KIND_BY_CODE[kind],
        "fields": forms.KIND_FIELDS[kind],
        "issued_label": forms.ISSUED_LABELS.get(kind, form.issued_on.label.text),
        "advice": services.ladder_advice(case, kind, form.person()),
        "unchecked": services.unchecked_advice(case, kind, form.person()),
        "fpn_amounts": _fpn_amounts() if kind == "fpn" else [],
    }
    return render_template("enforcement/new_action.html", **context), 400 if form.errors else 200


def _fpn_amounts() -> list[tuple[str, object, object, object]]:
    return [
        (text, services.fpn_maximum(code), *services.fpn_default_amounts(code))
        for code, text in services.fpn_offences()
    ]


def _action_input(kind: str, form: forms.ActionForm) -> services.ActionInput:
    shown = set(forms.KIND_FIELDS[kind])

    def value(name: str, empty=None):
        return getattr(form, name).data if name in shown else empty

    return services.ActionInput(
        kind=kind,
        issued_on=form.issued_on.data,
        person_id=form.person() if "person_id" in shown else None,
        compliance_date=value("compliance_date"),
        requirements=value("requirements", "") or "",
        offence=value("offence") or None,
        amount=value("amount"),
        early_amount=value("early_amount"),
        court=value("court", "") or "",
        hearing_on=value("hearing_on"),
        vehicle_registration=value("vehicle_registration", "") or "",
        premises=value("premises", "") or "",
        ends_on=value("ends_on"),
        notes=form.notes.data or "",
    )


# ---- one action ----------------------------------------------------------------------------------


@bp.route("/cases/<reference>/enforcement/<int:action_id>")
@allow(*STAFF)
def action(reference: str, action_id: int) -> ResponseReturnValue:
    """One action: its fields, its clock and the next steps."""
    case = case_or_404(reference)
    found = queries.action_or_404(case, action_id)
    clock = services.open_clock(found)
    return render_template(
        "enforcement/action.html",
        case=case,
        action=found,
        clock=clock,
        is_manager=_me().role_enum == Role.MANAGER,
        now_utc=utcnow(),
        next_steps=NEXT_STEPS,
        in_sentence=in_sentence,
        **_labels(),
    )


def _update_page(template: str, case: Case, action: EnforcementAction, form, status: int = 200):
    return render_template(template, case=case, action=action, form=form, **_labels()), status


@bp.route("/cases/<reference>/enforcement/<int:action_id>/compliance", methods=["GET", "POST"])
@allow(*STAFF)
def record_compliance(reference: str, action_id: int) -> ResponseReturnValue:
    """Record the compliance check: complied or breached."""
    case = case_or_404(reference)
    found = queries.action_or_404(case, action_id)
    form = forms.ComplianceForm()
    if form.validate_on_submit():
        try:
            services.record_compliance(
                _me(), found, form.result.data == "complied", form.checked_on.data, form.note.data or ""
            )
        except services.EnforcementError as error:
            _refuse(error, form, ("checked_on", "result"))
        else:
            flash("Compliance check recorded.", "success")
            return _to_action(found)
    return _update_page("enforcement/compliance.html", case, found, form, 400 if form.errors else 200)


@bp.route("/cases/<reference>/enforcement/<int:action_id>/payment", methods=["GET", "POST"])
@allow(*STAFF)
def record_payment(reference: str, action_id: int) -> ResponseReturnValue:
    """Record an FPN's payment."""
    case = case_or_404(reference)
    found = queries.action_or_404(case, action_id)
    form = forms.PaymentForm()
    if form.validate_on_submit():
        try:
            services.record_payment(_me(), found, form.paid_on.data, form.paid_amount.data)
        except services.EnforcementError as error:
            _refuse(error, form, ("paid_on", "paid_amount"))
        else:
            flash("Payment recorded.", "success")
            return _to_action(found)
    return _update_page("enforcement/payment.html", case, found, form, 400 if form.errors else 200)


@bp.route("/cases/<reference>/enforcement/<int:action_id>/hearing", methods=["GET", "POST"])
@allow(*STAFF)
def record_hearing(reference: str, action_id: int) -> ResponseReturnValue:
    """Add a prosecution hearing date."""
    case = case_or_404(reference)
    found = queries.action_or_404(case, action_id)
    form = forms.HearingForm()
    if request.method == "GET":
        form.court.data = found.court
    if form.validate_on_submit():
        try:
            services.record_hearing(_me(), found, form.hearing_on.data, form.court.data or "")
        except services.EnforcementError as error:
            _refuse(error, form, ("hearing_on", "court"))
        else:
            flash("Hearing recorded.", "success")
            return _to_action(found)
    return _update_page("enforcement/hearing.html", case, found, form, 400 if form.errors else 200)


@bp.route("/cases/<reference>/enforcement/<int:action_id>/outcome", methods=["GET", "POST"])
@allow(*STAFF)
def record_outcome(reference: str, action_id: int) -> ResponseReturnValue:
    """Record a prosecution's result."""
    case = case_or_404(reference)
    found = queries.action_or_404(case, action_id)
    form = forms.OutcomeForm()
    if form.validate_on_submit():
        try:
            services.record_outcome(
                _me(), found, form.outcome.data, form.outcome_on.data, form.fine.data, form.costs.data
            )
        except services.EnforcementError as error:
            _refuse(error, form, ("outcome", "outcome_on", "fine", "costs"))
        else:
            flash("Result recorded.", "success")
            return _to_action(found)
    return _update_page("enforcement/outcome.html", case, found, form, 400 if form.errors else 200)


@bp.route("/cases/<reference>/enforcement/<int:action_id>/withdraw", methods=["GET", "POST"])
@allow(*STAFF)
def withdraw(reference: str, action_id: int) -> ResponseReturnValue:
    """Withdraw an action."""
    case = case_or_404(reference)
    found = queries.action_or_404(case, action_id)
    form = forms.WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw(_me(), found, form.reason.data or "")
        except services.EnforcementError as error:
            _refuse(error, form, ("reason",))
        else:
            flash("Action withdrawn.", "success")
            return _to_action(found)
    return _update_page("enforcement/withdraw.html", case, found, form, 400 if form.errors else 200)


@bp.route("/cases/<reference>/enforcement/<int:action_id>/publish", methods=["GET", "POST"])
@allow(Role.MANAGER)
def publish(reference: str, action_id: int) -> ResponseReturnValue:
    """A manager publishes a proved prosecution on the public page."""
    case = case_or_404(reference)
    found = queries.action_or_404(case, action_id)
    form = forms.PublishForm()
    if request.method == "GET" and found.person is not None:
        form.public_name.data = found.person.full_name
    if form.validate_on_submit():
        try:
            services.publish(_me(), found, bool(form.name_confirmed.data), form.public_name.data or "")
        except services.EnforcementError as error:
            _refuse(error, form, ("name_confirmed", "public_name"))
        else:
            flash("Result published on the public prosecutions page.", "success")
            return _to_action(found)
    return _update_page("enforcement/publish.html", case, found, form, 400 if form.errors else 200)


@bp.route("/cases/<reference>/enforcement/<int:action_id>/unpublish", methods=["POST"])
@allow(Role.MANAGER)
def unpublish(reference: str, action_id: int) -> ResponseReturnValue:
    """Take a result off the public page."""
    case = case_or_404(reference)
    found = queries.action_or_404(case, action_id)
    form = forms.UnpublishForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.unpublish(_me(), found)
    except services.NotAllowed:
        db.session.rollback()
        abort(403)
    except services.EnforcementError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash("Result taken off the public page.", "success")
    return _to_action(found)


# ---- waste carrier checks ------------------------------------------------------------------------


@bp.route("/cases/<reference>/waste-carrier-checks/new", methods=["GET", "POST"])
@allow(*STAFF)
def new_carrier_check(reference: str) -> ResponseReturnValue:
    """Record a check of a waste carrier on the Environment Agency register."""
    case = case_or_404(reference)
    form = forms.CarrierCheckForm()
    if form.validate_on_submit():
        data = services.CarrierCheckInput(
            registration_number=form.registration_number.data or "",
            tier=form.tier.data or "",
            result=form.result.data or "",
            checked_on=form.checked_on.data,
            carrier_name=form.carrier_name.data or "",
            notes=form.notes.data or "",
        )
        try:
            services.record_carrier_check(_me(), case, data)
        except services.EnforcementError as error:
            _refuse(error, form, ("registration_number", "tier", "result", "checked_on"))
        else:
            flash("Waste carrier check recorded.", "success")
            return redirect(url_for("cases.view", reference=case.reference, _anchor="waste-carrier"))
    return render_template(
        "enforcement/carrier_check.html", case=case, form=form
    ), 400 if form.errors else 200


# ---- the public page -----------------------------------------------------------------------------


@bp.route("/prosecutions")
@public
def prosecutions() -> ResponseReturnValue:
    """Published prosecution results, newest first: no sign-in, no addresses, names only when confirmed."""
    return render_template(
        "enforcement/prosecutions.html", results=queries.published_prosecutions(), plain=OFFENCE_PLAIN
    )
