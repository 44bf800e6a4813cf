"""Correcting a flytip's Flycapture details (size, land type, waste types) on the case page."""

from __future__ import annotations

from flask import flash, render_template, request

from casework.access import allow
from casework.auth.roles import Role
from casework.cases import services
from casework.cases.forms_case import FlytipDetailsForm
from casework.cases.lookup import case_or_404
from casework.cases.views import bp
from casework.cases.views.case_page import (
    _changed,
    _flytip_incident_or_404,
    _me,
    _page_context,
    _refuse_or_explain,
    _to_case,
)

FIELDS = ("size", "land_type", "waste_types")


@bp.route("/cases/<reference>/incidents/<int:incident_id>/flytip", methods=["GET", "POST"])
@allow(Role.OFFICER, Role.MANAGER)
def correct_flytip(reference: str, incident_id: int):
    """Change a flytip's size, land type or waste types, as the officer finds them on site."""
    case = case_or_404(reference)
    incident = _flytip_incident_or_404(case, incident_id)
    details = incident.flytip
    form = FlytipDetailsForm()
    status = 200
    if request.method == "GET":
        form.version.data = str(case.version)
        form.size.data, form.land_type.data = details.size, details.land_type
        form.waste_types.data = list(details.waste_types)
    elif form.validate_on_submit():
        data = services.FlytipInput(
            size=form.size.data, land_type=form.land_type.data, waste_types=list(form.waste_types.data or [])
        )
        try:
            services.correct_flytip(_me(), incident, data, form.expected_version())
        except services.StaleCase as error:
            _changed(form, case, error)
            status = 409
        except services.CaseError as error:
            _refuse_or_explain(error, form, error.field if error.field in FIELDS else "submit")
        else:
            flash("Flytip details saved.", "success")
            return _to_case(case, f"incident-{incident.id}")
    context = {"case": case, "incident": incident, **_page_context()}
    return render_template("cases/case_flytip.html", form=form, **context), status
