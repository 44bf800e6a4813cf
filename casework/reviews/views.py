"""ASB Case Review applications and the yearly publication table.

Every route finds its application through casework/reviews/queries.py (scoped by borough, 404 out of
scope) and changes it through casework/reviews/services.py.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from casework.access import allow
from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.lookup import case_or_404
from casework.cases.services import find_case_for
from casework.db_types import utcnow
from casework.extensions import db
from casework.partners.models import Agency
from casework.reviews import panel as _panel  # noqa: F401  (registers the case page section)
from casework.reviews import queries, services
from casework.reviews.forms import (
    AppealDecisionForm,
    AppealForm,
    ApplicationForm,
    ComplaintForm,
    CompleteForm,
    ConfirmForm,
    DayForm,
    MeetingForm,
    RecommendationForm,
    ThresholdForm,
    yes_no,
)
from casework.reviews.models import (
    CaseReviewAppeal,
    CaseReviewApplication,
    CaseReviewComplaint,
    CaseReviewRecommendation,
)

bp = Blueprint("reviews", __name__)
Row = TypeVar("Row", CaseReviewComplaint, CaseReviewRecommendation, CaseReviewAppeal)
STAFF = (Role.OFFICER, Role.MANAGER)


def _me() -> User:
    return current_user._get_current_object()


def _show(form: FlaskForm, error: services.ReviewError, default: str) -> None:
    """A refused change: its message on the field it concerns (or a default field)."""
    db.session.rollback()
    name = error.field if error.field and error.field in form else default
    form[name].errors = [*form[name].errors, error.message]


def _to(application: CaseReviewApplication, anchor: str | None = None) -> ResponseReturnValue:
    return redirect(url_for("reviews.application", reference=application.reference, _anchor=anchor))


def _today():
    return services.london_today(utcnow())


def _saved(
    found: CaseReviewApplication,
    form: FlaskForm,
    save: Callable[[], object],
    field: str,
    message: str,
    anchor: str | None = None,
) -> ResponseReturnValue | None:
    """For a valid form, run the step's service call: the redirect to the application, or None with the
    refusal shown on `field` (and for an invalid or unsent form)."""
    if not form.validate_on_submit():
        return None
    try:
        save()
    except services.ReviewError as error:
        _show(form, error, field)
        return None
    flash(message, "success")
    return _to(found, anchor)


def _by_id(rows: list[Row], row_id: int) -> Row:
    """One of the application's rows (a complaint, recommendation or appeal) by its id, or 404."""
    found = next((row for row in rows if row.id == row_id), None)
    if found is None:
        abort(404)
    return found


def _step_page(
    template: str, application: CaseReviewApplication, form: FlaskForm, **extra
) -> ResponseReturnValue:
    html = render_template(template, application=application, form=form, **extra)
    return html, 400 if form.errors else 200


# ---- the list and a new application ------------------------------------------------------------


@bp.route("/case-reviews")
@allow(*STAFF)
def index() -> ResponseReturnValue:
    """Applications in the user's boroughs: those under way (or all), with the next deadline."""
    shown = "all" if request.args.get("show") == "all" else "open"
    applications = queries.applications_for(_me(), shown)
    return render_template(
        "reviews/index.html",
        applications=applications,
        next_due=queries.next_due(applications),
        shown=shown,
        status_labels=services.STATUS_LABELS,
        rules=services.rules(),
    )


@bp.route("/case-reviews/new", methods=["GET", "POST"])
@allow(*STAFF)
def new() -> ResponseReturnValue:
    """Record an application: first find the victim's case by reference, then the details."""
    reference = (request.args.get("case") or "").strip()
    case = find_case_for(_me(), reference) if reference else None
    if case is None:
        problem = f"There is no case {reference.upper()} that you can see" if reference else None
        return render_template("reviews/find_case.html", reference=reference, problem=problem), (
            404 if problem else 200
        )
    form = ApplicationForm()
    victims = services.complainants(case)
    form.victim_person_id.choices = [SelectChoice(str(p.id), p.full_name) for p in victims]
    if not form.is_submitted():
        form.received_on.data = _today()
        form.on_behalf.data = "no"
        if len(victims) == 1:
            form.victim_person_id.data = str(victims[0].id)
    if victims and form.validate_on_submit():
        victim = form.victim_person_id.data or ""
        data = services.ApplicationInput(
            victim_person_id=int(victim) if victim.isdigit() else None,
            received_on=form.received_on.data,
            on_behalf=form.on_behalf.data == "yes",
            applicant_name=form.applicant_name.data or "",
            applicant_relationship=form.applicant_relationship.data or "",
            behaviour=form.behaviour.data or "",
        )
        try:
            application = services.record_application(_me(), case, data, utcnow())
        except services.ReviewError as error:
            _show(form, error, "victim_person_id")
        else:
            flash(
                f"Application {application.reference} recorded. Acknowledge it and decide the threshold.",
                "success",
            )
            return _to(application)
    html = render_template("reviews/new.html", form=form, case=case, victims=victims)
    return html, 400 if form.errors else 200


# ---- an application ----------------------------------------------------------------------------


@bp.route("/case-reviews/<reference>")
@allow(*STAFF)
def application(reference: str) -> ResponseReturnValue:
    """The application: its steps and clocks, the threshold computation, recommendations and appeals."""
    found = queries.application_or_404(_me(), reference)
    return render_template(
        "reviews/application.html",
        application=found,
        assessment=services.assessment(found),
        clocks=queries.clocks_of(found),
        status_labels=services.STATUS_LABELS,
        today=_today(),
        recommendation_status=services.recommendation_status,
        appealable=services.appealable(found),
        open_appeal=services.open_appeal(found),
        may_decide_on_harm=_me().role_enum == Role.MANAGER,
        confirm=ConfirmForm(formdata=None),
        now=utcnow(),
    )


@bp.route("/case-reviews/<reference>/acknowledge", methods=["GET", "POST"])
@allow(*STAFF)
def acknowledge(reference: str) -> ResponseReturnValue:
    found = queries.application_or_404(_me(), reference)
    form = DayForm()
    if not form.is_submitted():
        form.day.data = _today()
    saved = _saved(
        found,
        form,
        lambda: services.acknowledge(_me(), found, form.day.data, utcnow()),
        "day",
        f"{found.reference} acknowledged.",
    )
    return saved or _step_page("reviews/acknowledge.html", found, form)


@bp.route("/case-reviews/<reference>/complaints", methods=["GET", "POST"])
@allow(*STAFF)
def add_complaint(reference: str) -> ResponseReturnValue:
    found = queries.application_or_404(_me(), reference)
    form = ComplaintForm()

    def save() -> None:
        data = services.ComplaintInput(
            behaviour_on=form.behaviour_on.data,
            reported_on=form.reported_on.data,
            reported_to=form.reported_to.data or "",
            description=form.description.data or "",
        )
        services.add_complaint(_me(), found, data, utcnow())

    saved = _saved(found, form, save, "reported_to", "Complaint added to the threshold check.", "threshold")
    return saved or _step_page("reviews/complaint.html", found, form)


@bp.route("/case-reviews/<reference>/complaints/<int:complaint_id>/remove", methods=["POST"])
@allow(*STAFF)
def remove_complaint(reference: str, complaint_id: int) -> ResponseReturnValue:
    found = queries.application_or_404(_me(), reference)
    complaint = _by_id(found.complaints, complaint_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.remove_complaint(_me(), found, complaint)
    except services.ReviewError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash("Complaint removed from the threshold check.", "success")
    return _to(found, "threshold")


@bp.route("/case-reviews/<reference>/threshold", methods=["GET", "POST"])
@allow(*STAFF)
def threshold(reference: str) -> ResponseReturnValue:
    found = queries.application_or_404(_me(), reference)
    form = ThresholdForm()
    if not form.is_submitted():
        form.decided_on.data = _today()
    saved = _saved(
        found,
        form,
        lambda: services.decide_threshold(
            _me(), found, yes_no(form.met.data), form.reason.data or "", form.decided_on.data, utcnow()
        ),
        "met",
        f"Threshold decision recorded for {found.reference}.",
    )
    return saved or _step_page(
        "reviews/threshold.html",
        found,
        form,
        assessment=services.assessment(found),
        is_manager=_me().role_enum == Role.MANAGER,
    )


@bp.route("/case-reviews/<reference>/meeting", methods=["GET", "POST"])
@allow(*STAFF)
def meeting(reference: str) -> ResponseReturnValue:
    found = queries.application_or_404(_me(), reference)
    form = MeetingForm()
    if not form.is_submitted():
        form.meeting_on.data = _today()
    saved = _saved(
        found,
        form,
        lambda: services.record_meeting(
            _me(), found, form.meeting_on.data, form.outcome.data or "", utcnow()
        ),
        "meeting_on",
        "Review meeting recorded. The outcome letter is now due.",
    )
    return saved or _step_page("reviews/meeting.html", found, form)


@bp.route("/case-reviews/<reference>/outcome-letter", methods=["GET", "POST"])
@allow(*STAFF)
def outcome_letter(reference: str) -> ResponseReturnValue:
    found = queries.application_or_404(_me(), reference)
    form = DayForm()
    if not form.is_submitted():
        form.day.data = _today()
    saved = _saved(
        found,
        form,
        lambda: services.record_outcome_sent(_me(), found, form.day.data, utcnow()),
        "day",
        "Outcome letter recorded as sent.",
    )
    return saved or _step_page("reviews/outcome_letter.html", found, form)


@bp.route("/case-reviews/<reference>/close", methods=["POST"])
@allow(*STAFF)
def close(reference: str) -> ResponseReturnValue:
    found = queries.application_or_404(_me(), reference)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.close(_me(), found, utcnow())
    except services.ReviewError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(f"{found.reference} closed.", "success")
    return _to(found)


# ---- recommendations and appeals ---------------------------------------------------------------


@bp.route("/case-reviews/<reference>/recommendations/new", methods=["GET", "POST"])
@allow(*STAFF)
def add_recommendation(reference: str) -> ResponseReturnValue:
    found = queries.application_or_404(_me(), reference)
    form = RecommendationForm()
    agencies = db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)).all()
    form.set_agencies(list(agencies))

    def save() -> None:
        agency = form.agency_id.data or ""
        agency_id = int(agency) if agency.isdigit() else None
        services.add_recommendation(_me(), found, form.text.data or "", agency_id, form.due_on.data, utcnow())

    saved = _saved(found, form, save, "text", "Recommendation added.", "recommendations")
    return saved or _step_page("reviews/recommendation.html", found, form)


@bp.route(
    "/case-reviews/<reference>/recommendations/<int:recommendation_id>/complete", methods=["GET", "POST"]
)
@allow(*STAFF)
def complete_recommendation(reference: str, recommendation_id: int) -> ResponseReturnValue:
    found = queries.application_or_404(_me(), reference)
    recommendation = _by_id(found.recommendations, recommendation_id)
    form = CompleteForm()
    if not form.is_submitted():
        form.completed_on.data = _today()
    saved = _saved(
        found,
        form,
        lambda: services.complete_recommendation(
            _me(), recommendation, form.completed_on.data, form.note.data or "", utcnow()
        ),
        "note",
        "Recommendation marked as complete.",
        "recommendations",
    )
    return saved or _step_page("reviews/complete.html", found, form, recommendation=recommendation)


@bp.route("/case-reviews/<reference>/appeals/new", methods=["GET", "POST"])
@allow(*STAFF)
def add_appeal(reference: str) -> ResponseReturnValue:
    found = queries.application_or_404(_me(), reference)
    form = AppealForm()
    labels = dict(services.APPEAL_AGAINST)
    form.against.choices = [SelectChoice(code, labels[code]) for code in services.appealable(found)]
    if not form.is_submitted():
        form.received_on.data = _today()
        if len(form.against.choices) == 1:
            form.against.data = form.against.choices[0].value
    saved = _saved(
        found,
        form,
        lambda: services.receive_appeal(
            _me(), found, form.against.data or "", form.received_on.data, form.grounds.data or "", utcnow()
        ),
        "grounds",
        "Appeal recorded. Its decision is now due.",
        "appeals",
    )
    return saved or _step_page("reviews/appeal.html", found, form)


@bp.route("/case-reviews/<reference>/appeals/<int:appeal_id>/decide", methods=["GET", "POST"])
@allow(*STAFF)
def decide_appeal(reference: str, appeal_id: int) -> ResponseReturnValue:
    found = queries.application_or_404(_me(), reference)
    appeal = _by_id(found.appeals, appeal_id)
    form = AppealDecisionForm()
    if not form.is_submitted():
        form.decided_on.data = _today()
    saved = _saved(
        found,
        form,
        lambda: services.decide_appeal(
            _me(), appeal, yes_no(form.upheld.data), form.decision.data or "", form.decided_on.data, utcnow()
        ),
        "decision",
        "Appeal decision recorded.",
        "appeals",
    )
    return saved or _step_page("reviews/appeal_decision.html", found, form, appeal=appeal)


# ---- telling a victim (from the case page) -----------------------------------------------------


@bp.route("/cases/<reference>/case-review-told", methods=["POST"])
@allow(*STAFF)
def record_told(reference: str) -> ResponseReturnValue:
    """Record that the victim was told about the ASB Case Review."""
    case = case_or_404(reference)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    person_id = form.person_id.data or ""
    try:
        services.record_told(_me(), case, int(person_id) if person_id.isdigit() else 0, utcnow())
    except services.ReviewError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash("Recorded that the victim was told about the ASB Case Review.", "success")
    return redirect(url_for("cases.view", reference=case.reference, _anchor="case-review"))


# ---- the yearly publication --------------------------------------------------------------------


def _window():
    window = queries.publication_window(request.args.get("start"), _today())
    if window is None:
        return None, "Enter the first month as a year and month, like 2026-04"
    return window, None


@bp.route("/case-reviews/publication")
@allow(*STAFF)
def publication() -> ResponseReturnValue:
    """The figures an area publishes: applications, threshold met, reviews held, recommendations made."""
    window, problem = _window()
    if window is None:
        window = queries.publication_window(None, _today())
    start, end = window
    rows = queries.publication_table(_me(), start, end)
    html = render_template(
        "reviews/publication.html",
        rows=rows,
        start=start,
        end=end,
        problem=problem,
        start_value=request.args.get("start") or start.strftime("%Y-%m"),
    )
    return html, 400 if problem else 200


@bp.route("/case-reviews/publication.csv")
@allow(*STAFF)
def publication_csv() -> ResponseReturnValue:
    """The publication table as CSV."""
    window, problem = _window()
    if window is None:
        abort(400, problem)
    start, end = window
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Period", "Area", "Applications", "Threshold met", "Reviews held", "Recommendations made"]
    )
    period = f"{start.isoformat()} to {end.isoformat()}"
    for row in queries.publication_table(_me(), start, end):
        f = row.figures
        writer.writerow(
            [period, row.name, f.applications, f.threshold_met, f.reviews_held, f.recommendations_made]
        )
    name = f"case-reviews-{start:%Y-%m}-to-{end:%Y-%m}.csv"
    return Response(
        out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
