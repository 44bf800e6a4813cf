"""The case page and its actions: workflow, assignment, clearance, notes, people and evidence.

Every route here finds its case with lookup.case_or_404, so a case out of the user's scope answers
404 (for its page, its files and its actions alike). Changes go through casework.cases.services.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, or_, select
from werkzeug.utils import secure_filename

from casework.access import allow
from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import evidence_files, services, workflow
from casework.cases.categories import (
    CLEARED_BY,
    FLYTIP_SIZES,
    LAND_TYPES,
    PARTY_ROLES,
    REPORT_CHANNELS,
    VULNERABILITIES,
    WASTE_TYPES,
)
from casework.cases.forms_case import (
    AssignForm,
    ClearanceForm,
    EvidenceForm,
    LinkPartyForm,
    NoteForm,
    PartyForm,
    TakeForm,
    TransitionForm,
    VersionedForm,
)
from casework.cases.incident_models import Incident
from casework.cases.lookup import case_or_404
from casework.cases.models import Case
from casework.cases.panels import panels_for
from casework.cases.party_models import CaseParty, Person
from casework.cases.record_models import Evidence
from casework.cases.scope import case_scope
from casework.cases.timeline import build_timeline
from casework.cases.views import bp
from casework.db_types import utcnow
from casework.deadlines.services import deadline_history, open_deadlines
from casework.extensions import db

STAFF = (Role.OFFICER, Role.MANAGER)
PEOPLE_SEARCH_LIMIT = 20


def _me() -> User:
    return current_user._get_current_object()


def _to_case(case: Case, anchor: str | None = None) -> ResponseReturnValue:
    return redirect(url_for("cases.view", reference=case.reference, _anchor=anchor))


def _changed(form: VersionedForm, case: Case, error: services.StaleCase) -> None:
    """After a StaleCase: show the case as it is now, keep what the user typed, take the new version."""
    db.session.rollback()
    form.show_changed(error.message, case.version)


def _refuse_or_explain(error: services.CaseError, form, field: str) -> None:
    """A refused change: 403 when the user may never do it, else the message on the form."""
    db.session.rollback()
    if isinstance(error, services.NotAllowed):
        abort(403)
    getattr(form, field).errors.append(error.message)


# ---- the page ------------------------------------------------------------------------------------


def person_url(person_id: int) -> str | None:
    """The link to a person's page, when that page exists (its view belongs to another journey)."""
    if "cases.person" not in current_app.view_functions:
        return None
    arguments = next(iter(current_app.url_map.iter_rules("cases.person"))).arguments
    if len(arguments) != 1:
        return None
    return url_for("cases.person", **{next(iter(arguments)): person_id})


def _back_link() -> dict[str, str]:
    if "cases.queue" in current_app.view_functions:
        return {"text": "Back to queue", "href": url_for("cases.queue")}
    return {"text": "Back to home", "href": url_for("main.index")}


def _assign_form(case: Case, submitted: bool = True) -> VersionedForm:
    """The manager's assign form, or the officer's "take this case" button (blank unless `submitted`)."""
    if current_user.role_enum == Role.MANAGER:
        form = AssignForm() if submitted else AssignForm(formdata=None)
        form.set_officers(services.assignable_officers(case.borough_id))
        if not submitted:
            form.officer.data = str(case.assigned_to_id or "")
    else:
        form = TakeForm() if submitted else TakeForm(formdata=None)
    if not submitted:
        form.version.data = str(case.version)
    return form


def _render_case(case: Case, form=None, status: int = 200, **forms) -> ResponseReturnValue:
    """The case page; `form` is a submitted form whose errors the page summarises."""
    assign_form = forms.get("assign_form") or _assign_form(case, submitted=False)
    transitions = services.allowed_transitions(_me(), case)
    html = render_template(
        "cases/case_page.html",
        case=case,
        form=form,
        deadlines=open_deadlines(case, now=utcnow()),
        finished_deadlines=[row for row in deadline_history(case) if not row.is_open],
        timeline=build_timeline(case),
        panels=panels_for(case, _me()),
        direct_transitions=[t for t in transitions if not (t.needs_outcome or t.needs_reason)],
        input_transitions=[t for t in transitions if t.needs_outcome or t.needs_reason],
        assign_form=assign_form,
        note_form=forms.get("note_form") or NoteForm(formdata=None),
        **_page_context(),
    )
    return html, status


LABELS = {
    "channel": dict(REPORT_CHANNELS),
    "cleared_by": dict(CLEARED_BY),
    "role": dict(PARTY_ROLES),
    "vulnerability": dict(VULNERABILITIES),
    "size": dict(FLYTIP_SIZES),
    "land_type": dict(LAND_TYPES),
    "waste_type": dict(WASTE_TYPES),
}


def labels_of(kind: str, codes: list[str] | None) -> str:
    """The labels of some codes of one list (waste types, vulnerabilities...), joined for the page."""
    names = LABELS[kind]
    return ", ".join(names.get(code, code) for code in codes or [] if code)


def _page_context() -> dict:
    return {
        "back_link": _back_link(),
        "person_url": person_url,
        "workflow": workflow,
        "labels": LABELS,
        "labels_of": labels_of,
    }


@bp.route("/cases/<reference>")
@allow(Role.OFFICER, Role.MANAGER)
def view(reference: str):
    """The case: summary, actions, timeline, people and evidence."""
    return _render_case(case_or_404(reference))


# ---- workflow -----------------------------------------------------------------------------------


def _transition_or_404(name: str) -> workflow.Transition:
    transition = workflow.TRANSITION_BY_NAME.get(name)
    if transition is None:
        abort(404)
    if current_user.role_enum not in transition.roles:
        abort(403)
    return transition


def _given(form: TransitionForm, transition: workflow.Transition) -> workflow.TransitionInput:
    """The transition's input from the form; the original of a duplicate is found in the user's scope."""
    outcome = form.outcome.data if transition.needs_outcome else None
    original = None
    reference = (form.duplicate_of.data or "").strip().upper()
    if outcome == "duplicate" and reference:
        original = services.find_case_for(_me(), reference)
        if original is None:
            raise services.CaseError(f"No case found with reference {reference}", "duplicate_of")
    reason = (form.reason.data or "") if transition.needs_reason else ""
    return workflow.TransitionInput(outcome=outcome, duplicate_of=original, reason=reason)


def _transition_field(error: services.CaseError, transition: workflow.Transition) -> str:
    shown = {"outcome": transition.needs_outcome, "duplicate_of": transition.needs_outcome}
    shown["reason"] = transition.needs_reason
    if error.field is not None and shown.get(error.field):
        return error.field
    # Problems without a field of their own (clearance not recorded...) depend on the outcome chosen.
    return "outcome" if transition.needs_outcome else "submit"


@bp.route("/cases/<reference>/transition/<name>", methods=["GET", "POST"])
@allow(Role.OFFICER, Role.MANAGER)
def transition(reference: str, name: str):
    """Confirm and fire a workflow action; GET shows the form for actions that need input."""
    case = case_or_404(reference)
    chosen = _transition_or_404(name)
    form = TransitionForm()
    status = 200
    if request.method == "GET":
        form.version.data = str(case.version)
        if chosen.needs_outcome and case.requested_outcome:
            form.outcome.data = case.requested_outcome
    elif form.validate_on_submit():
        try:
            services.fire(_me(), case, chosen.name, form.expected_version(), _given(form, chosen))
        except services.StaleCase as error:
            _changed(form, case, error)
            status = 409
        except services.CaseError as error:
            _refuse_or_explain(error, form, _transition_field(error, chosen))
        else:
            state = workflow.state_label(case.state).lower()
            flash(f"{chosen.label}: case {case.reference} is now {state}.", "success")
            return _to_case(case)
    context = {
        "case": case,
        "transition": chosen,
        "possible": case.state in chosen.sources,
        **_page_context(),
    }
    return render_template("cases/case_transition.html", form=form, **context), status


# ---- assignment ---------------------------------------------------------------------------------


def _assignee(form: VersionedForm, case: Case) -> User | None:
    if not isinstance(form, AssignForm):
        return _me()  # an officer can only take the case themselves
    if not form.officer.data:
        return None
    officer = next(
        (o for o in services.assignable_officers(case.borough_id) if str(o.id) == form.officer.data), None
    )
    if officer is None:
        raise services.CaseError("Select an officer from the list", "officer")
    return officer


@bp.route("/cases/<reference>/assign", methods=["POST"])
@allow(Role.OFFICER, Role.MANAGER)
def assign(reference: str):
    """Assign or reassign the case (managers), or take it (officers, when nobody has it)."""
    case = case_or_404(reference)
    form = _assign_form(case)
    status = 200
    if form.validate_on_submit():
        try:
            services.assign(_me(), case, _assignee(form, case), form.expected_version())
        except services.StaleCase as error:
            _changed(form, case, error)
            status = 409
        except services.CaseError as error:
            _refuse_or_explain(error, form, "officer" if isinstance(form, AssignForm) else "submit")
        else:
            who = case.assigned_to.name if case.assigned_to else "nobody"
            flash(f"Case {case.reference} is now assigned to {who}.", "success")
            return _to_case(case)
    return _render_case(case, form=form, status=status, assign_form=form)


# ---- flytip clearance ---------------------------------------------------------------------------


def _flytip_incident_or_404(case: Case, incident_id: int) -> Incident:
    incident = db.session.get(Incident, incident_id)
    if incident is None or incident.case_id != case.id or incident.flytip is None:
        abort(404)
    return incident


@bp.route("/cases/<reference>/incidents/<int:incident_id>/clearance", methods=["GET", "POST"])
@allow(Role.OFFICER, Role.MANAGER)
def record_clearance(reference: str, incident_id: int):
    """Record when and by whom a flytip was cleared, and its cost."""
    case = case_or_404(reference)
    incident = _flytip_incident_or_404(case, incident_id)
    details = incident.flytip
    form = ClearanceForm()
    status = 200
    if request.method == "GET":
        form.version.data = str(case.version)
        form.cleared_on.data, form.cleared_by.data = details.cleared_on, details.cleared_by
        form.cost.data = details.clearance_cost or services.default_clearance_cost(details.size)
    elif form.validate_on_submit():
        try:
            services.record_clearance(
                _me(),
                incident,
                form.cleared_on.data,
                form.cleared_by.data,
                form.cost.data,
                form.expected_version(),
            )
        except services.StaleCase as error:
            _changed(form, case, error)
            status = 409
        except services.CaseError as error:
            field = error.field if error.field in ("cleared_on", "cleared_by", "cost") else "submit"
            _refuse_or_explain(error, form, field)
        else:
            flash("Clearance recorded.", "success")
            return _to_case(case, f"incident-{incident.id}")
    context = {"case": case, "incident": incident, **_page_context()}
    return render_template("cases/case_clearance.html", form=form, **context), status


# ---- notes --------------------------------------------------------------------------------------


@bp.route("/cases/<reference>/notes", methods=["POST"])
@allow(Role.OFFICER, Role.MANAGER)
def add_note(reference: str):
    """Add a note (optionally restricted to council staff)."""
    case = case_or_404(reference)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.add_note(_me(), case, form.body.data, restricted=form.restricted.data)
        except services.CaseError as error:
            _refuse_or_explain(error, form, "body")
        else:
            flash("Note added.", "success")
            return _to_case(case, "timeline")
    return _render_case(case, form=form, note_form=form)


# ---- people -------------------------------------------------------------------------------------


def _visible_people():
    """People on at least one case the user may see (no one else's personal data is searchable)."""
    on_visible_cases = (
        select(CaseParty.person_id).join(Case, CaseParty.case_id == Case.id).where(case_scope(_me()))
    )
    return select(Person).where(Person.id.in_(on_visible_cases))


def _people_matching(text: str) -> list[Person]:
    """People whose name, phone or email contain every word of `text`."""
    query = _visible_people()
    for word in text.split()[:5]:
        pattern = f"%{word}%"
        digits = "".join(ch for ch in word if ch.isdigit())
        matches = [
            Person.first_name.ilike(pattern),
            Person.last_name.ilike(pattern),
            Person.email.ilike(pattern),
        ]
        if digits:
            matches.append(func.replace(Person.phone, " ", "").like(f"%{digits}%"))
        query = query.where(or_(*matches))
    return list(
        db.session.scalars(query.order_by(Person.last_name, Person.first_name).limit(PEOPLE_SEARCH_LIMIT))
    )


def _visible_person(person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    return db.session.scalar(_visible_people().where(Person.id == person_id))


def _render_parties(
    case: Case, party_form: PartyForm, link_form: LinkPartyForm, chosen: Person | None = None
):
    """The page for adding a person; `form` (for the error summary) is whichever form was sent."""
    query = request.args.get("q", "").strip()[:100]
    if chosen is None and request.method == "GET":
        chosen = _visible_person(_int_arg("person_id"))
        link_form.person_id.data = str(chosen.id) if chosen else ""
    context = {
        "case": case,
        "party_form": party_form,
        "link_form": link_form,
        "query": query,
        "results": _people_matching(query) if query else [],
        "chosen": chosen,
        "search_limit": PEOPLE_SEARCH_LIMIT,
        **_page_context(),
    }
    sent = link_form if request.endpoint == "cases.link_party" else party_form
    return render_template("cases/case_parties.html", form=sent, **context)


def _int_arg(name: str) -> int | None:
    try:
        return int(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/cases/<reference>/parties", methods=["GET", "POST"])
@allow(Role.OFFICER, Role.MANAGER)
def add_party(reference: str):
    """Put a new person on the case, or find a known one to link."""
    case = case_or_404(reference)
    form = PartyForm()
    if form.validate_on_submit():
        try:
            services.add_party(_me(), case, form.role.data, new=form.person_input())
        except services.CaseError as error:
            _refuse_or_explain(error, form, error.field if error.field in ("role", "first_name") else "role")
        else:
            flash("Person added to the case.", "success")
            return _to_case(case, "parties")
    return _render_parties(case, form, LinkPartyForm(formdata=None))


@bp.route("/cases/<reference>/parties/link", methods=["POST"])
@allow(Role.OFFICER, Role.MANAGER)
def link_party(reference: str):
    """Put a person already known to the partnership on this case too."""
    case = case_or_404(reference)
    form = LinkPartyForm()
    person = _visible_person(form.person_number())
    if person is None:
        abort(404)
    if form.validate_on_submit():
        try:
            services.add_party(_me(), case, form.role.data, person=person)
        except services.CaseError as error:
            _refuse_or_explain(error, form, "role")
        else:
            flash(f"{person.full_name} added to the case.", "success")
            return _to_case(case, "parties")
    return _render_parties(case, PartyForm(formdata=None), form, chosen=person)


# ---- evidence -----------------------------------------------------------------------------------


@bp.route("/cases/<reference>/evidence", methods=["GET", "POST"])
@allow(Role.OFFICER, Role.MANAGER)
def add_evidence(reference: str):
    """Upload a photo or document; it is checked by its content, and stored under a generated name."""
    case = case_or_404(reference)
    form = EvidenceForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            checked = evidence_files.check_upload(upload.stream, upload.filename)
            services.add_evidence(
                _me(), case, checked, form.description.data or "", internal=form.internal.data
            )
        except evidence_files.EvidenceError as error:
            form.file.errors.append(str(error))
        except services.CaseError as error:
            _refuse_or_explain(error, form, "file")
        else:
            flash(f"{checked.original_name} uploaded.", "success")
            return _to_case(case, "evidence")
    return render_template("cases/case_evidence.html", form=form, case=case, **_page_context())


def download_name(item: Evidence) -> str:
    """A safe file name for the browser: the given name, sanitised, with the extension of its real type."""
    extension = evidence_files.path_of(item.stored_name).suffix
    stem = secure_filename(item.original_name).rsplit(".", 1)[0][:100]
    return f"{stem or f'evidence-{item.id}'}{extension}"


@bp.route("/cases/<reference>/evidence/<int:evidence_id>")
@allow(Role.OFFICER, Role.MANAGER)
def evidence_file(reference: str, evidence_id: int):
    """An evidence file, only to users who may see its case: photos inline, documents as downloads."""
    case = case_or_404(reference)
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.case_id != case.id:
        abort(404)
    path = evidence_files.path_of(item.stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=item.content_type,
        as_attachment=not item.is_image,
        download_name=download_name(item),
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
