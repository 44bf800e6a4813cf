"""Log an incident: one page for officers in the street, with a check for repeat reports."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from casework.access import allow
from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import pending_files, services
from casework.cases.evidence_files import CheckedFile, EvidenceError, check_upload, clean_label
from casework.cases.forms_log import MAX_PHOTOS, NEW_CASE, LogIncidentForm
from casework.cases.models import Case
from casework.cases.nearby import Candidate, repeat_candidates
from casework.cases.views import bp
from casework.db_types import utcnow
from casework.extensions import db


@bp.route("/cases/new", methods=["GET", "POST"])
@allow(Role.OFFICER, Role.MANAGER)
def new_case():
    user: User = current_user._get_current_object()
    form = LogIncidentForm(user, utcnow())
    if not form.is_submitted():
        return _page(form)
    valid = form.validate()
    photos = _photos(form, user)
    if not (form.check_location_given(photos) and valid and not form.photos.errors):
        return _page(form, _hold(form, user, photos))
    candidates = repeat_candidates(user, form.case_type.id, form.point, form.postcode_value, form.now)
    chosen = _chosen(form, candidates)
    if chosen is None:
        return _page(form, _hold(form, user, photos), candidates)
    try:
        reference = _save(user, form, photos, chosen)
    except services.CaseError as error:
        fallback = form.decision if isinstance(chosen, Candidate) else form.case_type_id
        form._fields.get(error.field or "", fallback).errors = [error.message]
        return _page(form, _hold(form, user, photos), candidates or None)
    pending_files.discard(form.pending.data, user.id)
    return redirect(url_for("cases.view", reference=reference))


def _photos(form: LogIncidentForm, user: User) -> list[CheckedFile]:
    """The photos kept from an earlier submission plus this one's uploads, each checked by content."""
    held = pending_files.load(user.id, form.pending.data)
    keep = set(form.keep_pending.data or [])
    photos = [photo for number, photo in enumerate(held) if str(number) in keep]
    problems = []
    for upload in form.photos.data or []:
        try:
            photos.append(check_upload(upload.stream, upload.filename))
        except EvidenceError as error:
            problems.append(f"{clean_label(upload.filename)}: {error}")
    if len(photos) > MAX_PHOTOS:
        problems.append(f"Add up to {MAX_PHOTOS} photos or documents to one report")
        photos = photos[:MAX_PHOTOS]
    if problems:
        form.photos.errors = problems
    return photos


def _hold(form: LogIncidentForm, user: User, photos: list[CheckedFile]) -> list[CheckedFile]:
    """Keep the photos across the next submission, so the officer need not choose them again."""
    old_token = form.pending.data
    form.pending.data = pending_files.stash(user.id, photos) or ""
    pending_files.discard(old_token, user.id)
    form.keep_pending.choices = [
        SelectChoice(str(number), photo.original_name) for number, photo in enumerate(photos)
    ]
    form.keep_pending.data = [str(number) for number in range(len(photos))]
    return photos


def _chosen(form: LogIncidentForm, candidates: list[Candidate]) -> Candidate | str | None:
    """What to do with the report: NEW_CASE, the candidate to add it to, or None to ask (again)."""
    choice = (form.decision.data or "").strip()
    if choice == NEW_CASE or (not candidates and not choice):
        return NEW_CASE
    for candidate in candidates:
        if candidate.reference == choice:
            return candidate
    if choice or form.repeat_checked.data:
        form.decision.errors = [
            "Select a case to add this report to, or open a new case"
            if candidates
            else "That case is no longer open nearby: check the location, or open a new case"
        ]
    return None


def _save(user: User, form: LogIncidentForm, photos: list[CheckedFile], chosen: Candidate | str) -> str:
    data = form.incident_input(photos)
    if isinstance(chosen, Candidate):
        case = db.session.get(Case, chosen.case_id)
        services.add_incident(user, case, data)
        flash(f"Report added to {case.reference}", "success")
        return case.reference
    case = services.log_incident(user, form.case_type.id, data)
    flash(f"Case {case.reference} logged", "success")
    return case.reference


def _page(
    form: LogIncidentForm, photos: list[CheckedFile] | None = None, candidates: list[Candidate] | None = None
):
    if candidates is not None:
        form.repeat_checked.data = "1"
    return render_template("cases/log_incident.html", form=form, photos=photos or [], candidates=candidates)
