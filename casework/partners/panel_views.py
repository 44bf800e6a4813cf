"""Panels, their meetings (agenda, attendance, decisions, actions, printable agenda and minutes) and
the agencies' contacts. Managers run them; partner users see the panels their agency sits on.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from casework.access import allow
from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.scope import can_see
from casework.db_types import utcnow
from casework.extensions import db
from casework.formatting import date_uk
from casework.partners import meetings, queries
from casework.partners.forms import (
    AttendanceForm,
    ConfirmForm,
    ContactForm,
    DecisionForm,
    MeetingActionForm,
    MeetingForm,
    MeetingStatusForm,
    PanelForm,
)
from casework.partners.models import Agency, AgencyContact, PanelMeeting
from casework.partners.services import ReferralError, add_contact, switch_contact
from casework.partners.views import bp

PARTNER_OR_MANAGER = (Role.PARTNER, Role.MANAGER)


def _me() -> User:
    return current_user._get_current_object()


def _show(form, error: ReferralError, default: str) -> None:
    db.session.rollback()
    name = error.field if error.field and error.field in form else default
    form[name].errors = [*form[name].errors, error.message]


def _agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)))


# ---- panels ------------------------------------------------------------------------------------


@bp.route("/panels")
@allow(*PARTNER_OR_MANAGER)
def panels() -> ResponseReturnValue:
    """The partnership's panels (for partner users: those their agency sits on)."""
    return render_template("partners/panels.html", panels=meetings.panels_for(_me()))


@bp.route("/panels/<int:panel_id>")
@allow(*PARTNER_OR_MANAGER)
def panel(panel_id: int) -> ResponseReturnValue:
    """A panel: members, chair, cadence, its meetings and the referrals before it."""
    panel = queries.panel_or_404(_me(), panel_id)
    now = utcnow()
    upcoming = [m for m in panel.meetings if m.starts_at >= now]
    past = [m for m in panel.meetings if m.starts_at < now]
    referrals = [r for r in queries.referrals_for(_me(), "live") if r.panel_id == panel.id]
    return render_template(
        "partners/panel.html",
        panel=panel,
        upcoming=sorted(upcoming, key=lambda m: m.starts_at),
        past=past,
        referrals=referrals,
        is_manager=_me().role_enum == Role.MANAGER,
    )


def _panel_form(panel) -> PanelForm:
    form = PanelForm()
    form.members.choices = [SelectChoice(str(a.id), a.name) for a in _agencies()]
    users = db.session.scalars(
        select(User).where(User.active.is_(True), User.role != Role.ADMIN.value).order_by(User.name)
    ).all()
    contacts = db.session.scalars(
        select(AgencyContact).where(AgencyContact.active.is_(True)).order_by(AgencyContact.name)
    ).all()
    form.chair.choices = (
        [SelectChoice("", "No chair")]
        + [SelectChoice(f"user:{u.id}", f"{u.name} ({u.role_label}, {u.scope_label})") for u in users]
        + [SelectChoice(f"contact:{c.id}", f"{c.name} ({c.agency.name} contact)") for c in contacts]
    )
    if not form.is_submitted():
        form.members.data = [str(a.id) for a in panel.members]
        form.chair.data = (
            f"user:{panel.chair_user_id}"
            if panel.chair_user_id
            else f"contact:{panel.chair_contact_id}"
            if panel.chair_contact_id
            else ""
        )
        form.cadence.data = panel.cadence
        form.cadence_days.data = str(panel.cadence_days or "")
    return form


@bp.route("/panels/<int:panel_id>/edit", methods=["GET", "POST"])
@allow(Role.MANAGER)
def edit_panel(panel_id: int) -> ResponseReturnValue:
    panel = queries.panel_or_404(_me(), panel_id)
    form = _panel_form(panel)
    if form.validate_on_submit():
        chair_user, chair_contact = form.chair_ids()
        days = (form.cadence_days.data or "").strip()
        try:
            meetings.update_panel(
                _me(),
                panel,
                member_ids=[int(v) for v in form.members.data or [] if str(v).isdigit()],
                chair_user_id=chair_user,
                chair_contact_id=chair_contact,
                cadence=form.cadence.data or "",
                cadence_days=int(days) if days else None,
            )
        except ReferralError as error:
            _show(form, error, "members")
        else:
            flash(f"{panel.name} saved.", "success")
            return redirect(url_for("partners.panel", panel_id=panel.id))
    return render_template("partners/panel_form.html", form=form, panel=panel), 400 if form.errors else 200


# ---- meetings ----------------------------------------------------------------------------------


@bp.route("/panels/<int:panel_id>/meetings/new", methods=["GET", "POST"])
@allow(Role.MANAGER)
def new_meeting(panel_id: int) -> ResponseReturnValue:
    panel = queries.panel_or_404(_me(), panel_id)
    form = MeetingForm()
    if not form.is_submitted():
        form.day.data = meetings.suggested_start(panel, utcnow())
        form.start.data = "10:00"
    if form.validate_on_submit():
        try:
            meeting = meetings.schedule_meeting(_me(), panel, form.starts_at(), form.location.data or "")
        except ReferralError as error:
            _show(form, error, "day" if error.field == "starts_at" else "location")
        else:
            flash(f"Meeting scheduled for {date_uk(meeting.starts_at)}.", "success")
            return redirect(url_for("partners.meeting", panel_id=panel.id, meeting_id=meeting.id))
    return render_template("partners/meeting_form.html", form=form, panel=panel), 400 if form.errors else 200


def _meeting_forms(meeting: PanelMeeting, agenda: meetings.Agenda, **given) -> dict:
    agencies = [SelectChoice("", "No agency")] + [SelectChoice(str(a.id), a.name) for a in _agencies()]
    members = [SelectChoice("", "Choose the agency")] + [
        SelectChoice(str(a.id), a.name) for a in meeting.panel.members
    ]
    items = [
        SelectChoice(str(r.id), f"{r.case.reference}: {r.case.case_type.name}") for r in agenda.referrals
    ]
    attendance = given.get("attendance_form") or AttendanceForm(formdata=None)
    decision = given.get("decision_form") or DecisionForm(formdata=None)
    action = given.get("action_form") or MeetingActionForm(formdata=None)
    attendance.agency_id.choices = agencies
    decision.referral_id.choices = [SelectChoice("", "The meeting in general"), *items]
    action.referral_id.choices = [SelectChoice("", "Choose the referral"), *items]
    action.agency_id.choices = members
    return {"attendance_form": attendance, "decision_form": decision, "action_form": action}


def _meeting_page(meeting: PanelMeeting, status: int = 200, **given) -> ResponseReturnValue:
    me = _me()
    agenda = meetings.build_agenda(meeting, me)
    forms = _meeting_forms(meeting, agenda, **given)
    failed = next((f for f in given.values() if f is not None and f.errors), None)
    html = render_template(
        "partners/meeting.html",
        meeting=meeting,
        panel=meeting.panel,
        agenda=agenda,
        form=failed,
        is_manager=me.role_enum == Role.MANAGER,
        status_form=MeetingStatusForm(formdata=None),
        confirm=ConfirmForm(formdata=None),
        statuses=dict(meetings.MEETING_STATUSES),
        attendance_labels=dict(meetings.ATTENDANCE),
        **forms,
    )
    return html, status


@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>")
@allow(*PARTNER_OR_MANAGER)
def meeting(panel_id: int, meeting_id: int) -> ResponseReturnValue:
    """A meeting: its agenda (live referrals and overdue actions), attendance, decisions, actions."""
    return _meeting_page(queries.meeting_or_404(_me(), panel_id, meeting_id))


def _to_meeting(meeting: PanelMeeting, anchor: str | None = None) -> ResponseReturnValue:
    return redirect(
        url_for("partners.meeting", panel_id=meeting.panel_id, meeting_id=meeting.id, _anchor=anchor)
    )


@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>/attendance", methods=["POST"])
@allow(Role.MANAGER)
def add_attendance(panel_id: int, meeting_id: int) -> ResponseReturnValue:
    meeting = queries.meeting_or_404(_me(), panel_id, meeting_id)
    form = AttendanceForm()
    if form.validate_on_submit():
        agency = form.agency_id.data or ""
        try:
            meetings.record_attendance(
                _me(),
                meeting,
                form.name.data or "",
                int(agency) if agency.isdigit() else None,
                form.status.data,
            )
        except ReferralError as error:
            _show(form, error, "name")
        else:
            flash(f"{form.name.data.strip()} added to the attendance.", "success")
            return _to_meeting(meeting, "attendance")
    return _meeting_page(meeting, 400, attendance_form=form)


@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>/decisions", methods=["POST"])
@allow(Role.MANAGER)
def add_decision(panel_id: int, meeting_id: int) -> ResponseReturnValue:
    meeting = queries.meeting_or_404(_me(), panel_id, meeting_id)
    form = DecisionForm()
    if form.validate_on_submit():
        chosen = form.referral_id.data or ""
        try:
            meetings.record_decision(
                _me(), meeting, form.body.data or "", int(chosen) if chosen.isdigit() else None
            )
        except ReferralError as error:
            _show(form, error, "body")
        else:
            flash("Decision recorded.", "success")
            return _to_meeting(meeting, "decisions")
    return _meeting_page(meeting, 400, decision_form=form)


@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>/actions", methods=["POST"])
@allow(Role.MANAGER)
def add_action(panel_id: int, meeting_id: int) -> ResponseReturnValue:
    meeting = queries.meeting_or_404(_me(), panel_id, meeting_id)
    form = MeetingActionForm()
    if form.validate_on_submit():
        referral, agency = form.referral_id.data or "", form.agency_id.data or ""
        try:
            meetings.add_action(
                _me(),
                meeting,
                int(referral) if referral.isdigit() else 0,
                int(agency) if agency.isdigit() else 0,
                form.description.data or "",
                form.due_on.data,
            )
        except ReferralError as error:
            _show(form, error, "description")
        else:
            flash("Action added; the agency has been e-mailed and the deadline is running.", "success")
            return _to_meeting(meeting, "actions")
    return _meeting_page(meeting, 400, action_form=form)


@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>/status", methods=["POST"])
@allow(Role.MANAGER)
def meeting_status(panel_id: int, meeting_id: int) -> ResponseReturnValue:
    meeting = queries.meeting_or_404(_me(), panel_id, meeting_id)
    form = MeetingStatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        meetings.set_status(_me(), meeting, form.status.data)
    except ReferralError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(f"Meeting marked as {dict(meetings.MEETING_STATUSES)[meeting.status].lower()}.", "success")
    return _to_meeting(meeting)


@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>/send-agenda", methods=["POST"])
@allow(Role.MANAGER)
def send_agenda(panel_id: int, meeting_id: int) -> ResponseReturnValue:
    meeting = queries.meeting_or_404(_me(), panel_id, meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        count = meetings.send_agenda_now(_me(), meeting)
    except ReferralError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(f"The agenda is on its way to {count} member contact{'' if count == 1 else 's'}.", "success")
    return _to_meeting(meeting)


@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>/agenda")
@allow(*PARTNER_OR_MANAGER)
def printable_agenda(panel_id: int, meeting_id: int) -> ResponseReturnValue:
    """The agenda as a plain page to print."""
    meeting = queries.meeting_or_404(_me(), panel_id, meeting_id)
    agenda = meetings.build_agenda(meeting, _me())
    return render_template("partners/print_agenda.html", meeting=meeting, agenda=agenda)


@bp.route("/panels/<int:panel_id>/meetings/<int:meeting_id>/minutes")
@allow(*PARTNER_OR_MANAGER)
def printable_minutes(panel_id: int, meeting_id: int) -> ResponseReturnValue:
    """The minutes (attendance, decisions and actions) as a plain page to print."""
    meeting = queries.meeting_or_404(_me(), panel_id, meeting_id)
    return render_template(
        "partners/print_minutes.html",
        meeting=meeting,
        decisions=[d for d in meeting.decisions if d.referral is None or _may_see_case(d.referral)],
        actions=[a for a in meeting.actions if _may_see_case(a.referral)],
        attendance_labels=dict(meetings.ATTENDANCE),
    )


def _may_see_case(referral) -> bool:
    return can_see(_me(), referral.case)


# ---- agencies and their contacts (managers) ----------------------------------------------------


@bp.route("/agencies")
@allow(Role.MANAGER)
def agencies() -> ResponseReturnValue:
    all_agencies = db.session.scalars(select(Agency).order_by(Agency.name)).all()
    return render_template("partners/agencies.html", agencies=all_agencies)


@bp.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
@allow(Role.MANAGER)
def agency(agency_id: int) -> ResponseReturnValue:
    """An agency's contacts: who its referral, reminder and agenda e-mails go to."""
    agency = db.session.get(Agency, agency_id) or abort(404)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            contact = add_contact(
                _me(), agency, form.name.data or "", form.email.data or "", form.role.data or ""
            )
        except ReferralError as error:
            _show(form, error, "email")
        else:
            flash(f"{contact.name} added as a contact of {agency.name}.", "success")
            return redirect(url_for("partners.agency", agency_id=agency.id))
    status = 400 if form.errors else 200
    return render_template(
        "partners/agency.html", agency=agency, form=form, confirm=ConfirmForm(formdata=None)
    ), status


@bp.route("/agencies/<int:agency_id>/contacts/<int:contact_id>/active", methods=["POST"])
@allow(Role.MANAGER)
def contact_active(agency_id: int, contact_id: int) -> ResponseReturnValue:
    contact = db.session.get(AgencyContact, contact_id)
    if contact is None or contact.agency_id != agency_id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    switch_contact(_me(), contact)
    flash(f"{contact.name} will {'now' if contact.active else 'no longer'} receive e-mails.", "success")
    return redirect(url_for("partners.agency", agency_id=agency_id))
