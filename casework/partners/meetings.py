"""Panels and their meetings: the seeded panels, scheduling, the agenda, attendance, decisions,
actions (which become partner-action deadlines) and the agenda e-mail.

A meeting's agenda is built when it is asked for, from the panel's live referrals (on open cases)
and the actions on them that are overdue by the day of the meeting, so it is never out of date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.models import Case
from casework.cases.scope import can_work, case_scope
from casework.db_types import utcnow
from casework.deadlines import services as deadlines
from casework.deadlines.calendar import current_calendar
from casework.extensions import db
from casework.formatting import LONDON, date_uk
from casework.partners.models import (
    ACTION_OPEN,
    APOLOGIES,
    LIVE_STATUSES,
    MEETING_CANCELLED,
    MEETING_HELD,
    MEETING_SCHEDULED,
    PRESENT,
    Agency,
    MeetingAttendance,
    MeetingDecision,
    Panel,
    PanelMeeting,
    Referral,
    ReferralAction,
)
from casework.partners.services import (
    Addressee,
    NotAllowed,
    ReferralError,
    chair_of,
    clean_text,
    referral_history,
    shared_facts,
    start_action_clock,
    unique_addressees,
)

# The partnership's panels (DOMAIN.md): (code, name, cadence, days between meetings, what it is for).
# A data migration adds them; `seed_panels` adds any that are missing (tests, an emptied database).
PANELS: tuple[tuple[str, str, str, int | None, str], ...] = (
    (
        "csmap",
        "Community Safety Multi-Agency Panel",
        "Monthly",
        28,
        "Complex and high-risk anti-social behaviour cases that need several agencies.",
    ),
    (
        "asb_case_review",
        "ASB Case Review panel",
        "Convened for each application",
        None,
        "ASB Case Reviews (the Community Trigger): reviews a victim's case when the threshold is met.",
    ),
    (
        "env_tasking",
        "Environmental Enforcement Tasking group",
        "Monthly",
        28,
        "Flytipping hotspots, repeat offenders and joint environmental enforcement.",
    ),
)
MEETING_STATUSES = (
    (MEETING_SCHEDULED, "Scheduled"),
    (MEETING_HELD, "Held"),
    (MEETING_CANCELLED, "Cancelled"),
)
ATTENDANCE = ((PRESENT, "Present"), (APOLOGIES, "Sent apologies"))


def seed_panels() -> list[Panel]:
    """Add the partnership's panels that do not exist yet (by code); commit; return those added."""
    have = set(db.session.scalars(select(Panel.code)))
    added = [
        Panel(code=code, name=name, cadence=cadence, cadence_days=days, description=about, active=True)
        for code, name, cadence, days, about in PANELS
        if code not in have
    ]
    db.session.add_all(added)
    db.session.commit()
    return added


# ---- who may see what --------------------------------------------------------------------------


def panels_for(user: User) -> list[Panel]:
    """Panels the user may see: every panel for managers; for partners, the panels their agency sits on."""
    query = select(Panel).options(selectinload(Panel.members)).order_by(Panel.name)
    if user.role_enum == Role.PARTNER:
        query = query.where(Panel.members.any(Agency.id == user.agency_id))
    elif user.role_enum != Role.MANAGER:
        return []
    return list(db.session.scalars(query))


def may_see_panel(user: User, panel: Panel) -> bool:
    """Managers see every panel; partner users the panels their agency sits on."""
    if user.role_enum == Role.MANAGER:
        return True
    return user.role_enum == Role.PARTNER and any(a.id == user.agency_id for a in panel.members)


def _require_manager(actor: User) -> None:
    if actor.role_enum != Role.MANAGER:
        raise NotAllowed("Only a manager can do this")


# ---- panels ------------------------------------------------------------------------------------


def update_panel(
    actor: User,
    panel: Panel,
    *,
    member_ids: list[int],
    chair_user_id: int | None,
    chair_contact_id: int | None,
    cadence: str,
    cadence_days: int | None,
) -> Panel:
    """Set a panel's member agencies, chair (a user or an agency contact) and cadence; commit."""
    _require_manager(actor)
    agencies = list(
        db.session.scalars(select(Agency).where(Agency.id.in_(member_ids), Agency.active.is_(True)))
    )
    if len(agencies) != len(set(member_ids)):
        raise ReferralError("Choose active agencies", "members")
    if chair_user_id and chair_contact_id:
        raise ReferralError("Choose one chair: a user or an agency contact", "chair")
    if chair_user_id:
        chair = db.session.get(User, chair_user_id)
        if chair is None or not chair.active or chair.role_enum == Role.ADMIN:
            raise ReferralError("Choose an active manager, officer or partner user as chair", "chair")
    if cadence_days is not None and not 1 <= cadence_days <= 366:
        raise ReferralError("Days between meetings must be between 1 and 366", "cadence_days")
    panel.members = agencies
    panel.chair_user_id, panel.chair_contact_id = chair_user_id or None, chair_contact_id or None
    panel.cadence = clean_text(cadence, "how often the panel meets", "cadence", limit=100, required=False)
    panel.cadence_days = cadence_days
    db.session.commit()
    return panel


# ---- meetings ----------------------------------------------------------------------------------


def schedule_meeting(
    actor: User, panel: Panel, starts_at: datetime, location: str, now: datetime | None = None
) -> PanelMeeting:
    """Schedule a meeting of the panel (a manager); it must be in the future; commit."""
    now = now or utcnow()
    _require_manager(actor)
    if not panel.active:
        raise ReferralError("This panel is not active", "starts_at")
    if starts_at <= now:
        raise ReferralError("The meeting must be in the future", "starts_at")
    meeting = PanelMeeting(
        panel=panel,
        starts_at=starts_at,
        location=clean_text(location, "where the meeting is", "location", limit=200),
        status=MEETING_SCHEDULED,
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting


def suggested_start(panel: Panel, now: datetime) -> date:
    """A date for the next meeting: the panel's cadence after its last meeting, or 10 working days on."""
    calendar = current_calendar()
    today = now.astimezone(LONDON).date()
    last = max((m.starts_at for m in panel.meetings if m.status != MEETING_CANCELLED), default=None)
    if last is not None and panel.cadence_days:
        day = last.astimezone(LONDON).date() + timedelta(days=panel.cadence_days)
        if day > today:
            return day if calendar.is_working_day(day) else calendar.next_working_day(day)
    return calendar.add_working_days(today, 10)


def set_status(actor: User, meeting: PanelMeeting, status: str) -> PanelMeeting:
    """Mark a meeting held or cancelled (a manager); commit."""
    _require_manager(actor)
    if status not in dict(MEETING_STATUSES):
        raise ReferralError("Choose a status", "status")
    meeting.status = status
    db.session.commit()
    return meeting


def record_attendance(
    actor: User, meeting: PanelMeeting, name: str, agency_id: int | None, status: str
) -> MeetingAttendance:
    """Record someone present at the meeting or sending apologies (a manager); commit."""
    _require_manager(actor)
    name = clean_text(name, "the person's name", "name", limit=200)
    if status not in dict(ATTENDANCE):
        raise ReferralError("Choose present or sent apologies", "status")
    if agency_id is not None and db.session.get(Agency, agency_id) is None:
        raise ReferralError("Choose the agency", "agency_id")
    row = MeetingAttendance(
        meeting=meeting,
        name=name,
        agency_id=agency_id,
        status=status,
        recorded_by_id=actor.id,
        recorded_at=utcnow(),
    )
    db.session.add(row)
    db.session.commit()
    return row


def _agenda_referral(actor: User, meeting: PanelMeeting, referral_id: int | None) -> Referral | None:
    if referral_id is None:
        return None
    referral = db.session.get(Referral, referral_id)
    if referral is None or referral.panel_id != meeting.panel_id or not can_work(actor, referral.case):
        raise ReferralError("Choose a referral on this panel's agenda", "referral_id")
    return referral


def record_decision(
    actor: User, meeting: PanelMeeting, body: str, referral_id: int | None = None, now: datetime | None = None
) -> MeetingDecision:
    """Record what the meeting decided (on a referral: it goes in the case history, and the
    referral's panel-review deadline is met); commit."""
    now = now or utcnow()
    _require_manager(actor)
    referral = _agenda_referral(actor, meeting, referral_id)
    body = clean_text(body, "the decision", "body")
    decision = MeetingDecision(
        meeting=meeting, referral=referral, body=body, recorded_by_id=actor.id, recorded_at=now
    )
    db.session.add(decision)
    if referral is not None:
        deadlines.finish_for(
            referral.case,
            now,
            met=True,
            referral_id=referral.id,
            kinds=["panel_review"],
            note="panel decided",
        )
        referral_history(
            referral,
            actor,
            "panel_decision",
            f"{meeting.panel.name} decided (meeting of {date_uk(meeting.starts_at)}): {body}",
            now,
            meeting=meeting.id,
        )
    db.session.commit()
    return decision


def add_action(
    actor: User,
    meeting: PanelMeeting,
    referral_id: int,
    agency_id: int,
    description: str,
    due_on: date,
    now: datetime | None = None,
) -> ReferralAction:
    """An action the meeting gives an agency on a referral: a partner-action deadline starts and the
    agency's contacts are e-mailed; commit."""
    now = now or utcnow()
    _require_manager(actor)
    referral = _agenda_referral(actor, meeting, referral_id)
    if referral is None or not referral.is_live:
        raise ReferralError("Choose a referral that is still open", "referral_id")
    owner = db.session.get(Agency, agency_id)
    if owner is None or owner not in meeting.panel.members:
        raise ReferralError(f"The agency must be a member of {meeting.panel.name}", "agency_id")
    description = clean_text(description, "what the agency is to do", "description")
    if due_on is None or due_on < now.astimezone(LONDON).date():
        raise ReferralError("The due date must be today or in the future", "due_on")
    action = ReferralAction(
        referral=referral,
        agency=owner,
        description=description,
        due_on=due_on,
        status=ACTION_OPEN,
        meeting=meeting,
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(action)
    db.session.flush()
    start_action_clock(action, actor, now)
    referral_history(
        referral,
        actor,
        "panel_action",
        f"{meeting.panel.name} gave {owner.name} an action, due {date_uk(due_on)}: {description}",
        now,
        action=action.id,
    )
    notify_action(action)
    db.session.commit()
    return action


def notify_action(action: ReferralAction) -> int:
    """E-mail a new action to its owner agency's contacts (once each); returns how many."""
    from casework.notifications.services import queue_message

    facts = shared_facts(action.referral)
    for contact in action.agency.active_contacts:
        queue_message(
            key=f"action:{action.id}:notify:{contact.id}",
            to_address=contact.email,
            to_name=contact.name,
            template="referral_action_new",
            context={
                **facts,
                "greeting_name": contact.name,
                "agency": action.agency.name,
                "description": action.description,
                "due_on": action.due_on,
            },
            case_id=action.referral.case_id,
        )
    return len(action.agency.active_contacts)


# ---- the agenda --------------------------------------------------------------------------------


@dataclass
class Agenda:
    """A meeting's agenda: the panel's live referrals and the actions overdue by the meeting day."""

    meeting: PanelMeeting
    referrals: list[Referral]
    overdue: list[ReferralAction]

    @property
    def meeting_day(self) -> date:
        return self.meeting.starts_at.astimezone(LONDON).date()


def build_agenda(meeting: PanelMeeting, viewer: User | None = None) -> Agenda:
    """The agenda, limited to the cases `viewer` may see (everything when None: the e-mail)."""
    query = (
        select(Referral)
        .join(Case, Case.id == Referral.case_id)
        .where(
            Referral.panel_id == meeting.panel_id, Referral.status.in_(LIVE_STATUSES), Case.state != "closed"
        )
        .options(selectinload(Referral.actions))
        .order_by(Referral.created_at, Referral.id)
    )
    if viewer is not None:
        query = query.where(case_scope(viewer))
    referrals = list(db.session.scalars(query))
    day = meeting.starts_at.astimezone(LONDON).date()
    overdue = [a for r in referrals for a in r.actions if a.status == ACTION_OPEN and a.due_on < day]
    overdue.sort(key=lambda a: (a.due_on, a.id))
    return Agenda(meeting=meeting, referrals=referrals, overdue=overdue)


# ---- the agenda e-mail -------------------------------------------------------------------------


def agenda_addressees(panel: Panel) -> list[Addressee]:
    """The member agencies' contacts and the chair, once per address."""
    people = [
        Addressee(str(contact.id), contact.email, contact.name)
        for agency in panel.members
        if agency.active
        for contact in agency.active_contacts
    ]
    return unique_addressees(people + chair_of(panel))


def agenda_context(agenda: Agenda) -> dict:
    """What the agenda e-mail says: per referral what its sharing level allows, never people's names."""
    meeting = agenda.meeting
    items = [
        {
            **shared_facts(referral),
            "asked": referral.asked,
            "due_on": referral.due_on,
            "status": referral.status_label,
        }
        for referral in agenda.referrals
    ]
    overdue = [
        {
            "reference": action.referral.case.reference,
            "agency": action.agency.name,
            "description": action.description,
            "due_on": action.due_on,
        }
        for action in agenda.overdue
    ]
    return {
        "panel": meeting.panel.name,
        "panel_id": meeting.panel_id,
        "meeting_id": meeting.id,
        "starts_at": meeting.starts_at,
        "location": meeting.location,
        "items": items,
        "overdue": overdue,
    }


def queue_agenda(meeting: PanelMeeting, now: datetime) -> int:
    """Queue the agenda to the panel's members (once each, key agenda:<meeting>:<contact>); stamp
    the meeting; not committed. Returns how many addressees there were."""
    from casework.notifications.services import queue_message

    context = agenda_context(build_agenda(meeting))
    people = agenda_addressees(meeting.panel)
    for person in people:
        queue_message(
            key=f"agenda:{meeting.id}:{person.key}",
            to_address=person.email,
            to_name=person.name,
            template="panel_agenda",
            context={**context, "greeting_name": person.name},
        )
    meeting.agenda_sent_at = meeting.agenda_sent_at or now
    return len(people)


def send_agenda_now(actor: User, meeting: PanelMeeting, now: datetime | None = None) -> int:
    """A manager sends the agenda before the usual day; members already sent it get nothing new."""
    _require_manager(actor)
    if meeting.status != MEETING_SCHEDULED:
        raise ReferralError("Only a scheduled meeting's agenda can be sent")
    count = queue_agenda(meeting, now or utcnow())
    db.session.commit()
    return count


def agenda_due(meeting: PanelMeeting, now: datetime) -> bool:
    """Whether the meeting's agenda should go now: within PANEL_AGENDA_WORKING_DAYS working days of it."""
    today = now.astimezone(LONDON).date()
    day = meeting.starts_at.astimezone(LONDON).date()
    lead = int(current_app.config.get("PANEL_AGENDA_WORKING_DAYS", 3))
    return today >= current_calendar().add_working_days(day, -lead)


def send_agendas(now: datetime) -> int:
    """Queue the agenda of every scheduled meeting that is now close enough and has not had it;
    each meeting in its own transaction. Returns how many meetings had their agenda queued."""
    query = select(PanelMeeting.id).where(
        PanelMeeting.status == MEETING_SCHEDULED,
        PanelMeeting.agenda_sent_at.is_(None),
        PanelMeeting.starts_at > now,
    )
    sent = 0
    for meeting_id in list(db.session.scalars(query.order_by(PanelMeeting.starts_at))):
        meeting = db.session.get(PanelMeeting, meeting_id)
        if meeting is None or not agenda_due(meeting, now):
            continue
        try:
            queue_agenda(meeting, now)
            db.session.commit()
            sent += 1
        except Exception:  # one meeting's problem must not stop the others; the next run retries it
            db.session.rollback()
            current_app.logger.exception("agenda of panel meeting %s could not be queued", meeting_id)
    return sent
