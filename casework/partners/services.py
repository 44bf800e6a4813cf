"""Referrals: the only code that makes, answers, updates and closes them.

Each public function checks who may do it, writes the change, appends the case's history, starts,
meets or cancels the deadlines that chase it, queues its e-mails through the outbox, and commits,
all in one transaction (house rules 1, 3 and 4). `refer_as_system` is the exception: the deadline
sweep calls it inside its own per-row transaction, so it does not commit.

E-mails to partners carry what the referral's information-sharing level allows, never more:
`minimal` (the default) is the case reference, its type and ward, what is asked and by when, and a
link; `standard` adds the case summary. Names and addresses of the people on a case are never in
an e-mail; on the shared case page, `standard` shows people's names and roles and `full` adds their
contact details.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select, update

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import services as case_services
from casework.cases import workflow
from casework.cases.models import Case
from casework.cases.scope import can_work
from casework.db_types import utcnow
from casework.deadlines import policies
from casework.deadlines import services as deadlines
from casework.deadlines.calendar import current_calendar
from casework.deadlines.policies import Duration
from casework.extensions import db
from casework.formatting import LONDON, date_uk
from casework.partners.models import (
    ACCEPTED,
    ACTION_CANCELLED,
    ACTION_DONE,
    ACTION_OPEN,
    CLOSED,
    DECLINED,
    LIVE_STATUSES,
    OPEN,
    Agency,
    AgencyContact,
    Panel,
    PartnerCaseView,
    Referral,
    ReferralAction,
    ReferralUpdate,
)

SHARING_LEVELS: tuple[tuple[str, str, str], ...] = (
    (
        "minimal",
        "Minimal",
        "The case reference, type and ward, and what is asked. People on the case are not named.",
    ),
    ("standard", "Standard", "Also the case summary, and the names and roles of the people on the case."),
    ("full", "Full", "Also the contact details of the people on the case (address, phone, date of birth)."),
)
SHARING_CODES = tuple(code for code, _label, _hint in SHARING_LEVELS)
# Partner actions with no service-level policy: reminded 2 working days before, then the chair.
DEFAULT_ACTION_DAYS = 10
DEFAULT_ACTION_LADDER = ("panel_chair",)
DEFAULT_ACTION_LEADS = ({"value": 2, "unit": policies.WORKING_DAYS},)
TEXT_LIMIT = 5000
SYSTEM_ASK = "Consider the case at the panel's next meeting and agree actions with the agencies."


class ReferralError(ValueError):
    """A referral change that cannot be made, with a message for the page and its field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ReferralError):
    """The user may not do this to this referral."""


# ---- inputs ------------------------------------------------------------------------------------


@dataclass
class ActionInput:
    """One thing asked of one agency: what, and by when (None: the partner-action service level)."""

    agency_id: int
    description: str
    due_on: date | None = None
    number: int | None = None  # its row on the form, for the error message's field


@dataclass
class ReferralInput:
    """A manager's referral: to a panel or to an agency (exactly one), why, what is asked, by when."""

    reason: str
    asked: str = ""
    panel_id: int | None = None
    agency_id: int | None = None
    due_on: date | None = None
    sharing: str | None = None
    actions: list[ActionInput] = field(default_factory=list)


# ---- who may do what ---------------------------------------------------------------------------


def agency_ids_of(referral: Referral) -> set[int]:
    """The agencies a referral is to: its agency, or its panel's member agencies."""
    if referral.panel is not None:
        return {agency.id for agency in referral.panel.members}
    return {referral.agency_id} if referral.agency_id is not None else set()


def partner_may_see(user: User, referral: Referral) -> bool:
    """A partner user of an agency the referral is to (any status: the list shows past ones too)."""
    return user.role_enum == Role.PARTNER and user.agency_id in agency_ids_of(referral)


def may_see(user: User, referral: Referral) -> bool:
    """Whether `user` may open the referral's page: its partners, or staff who can work its case."""
    return partner_may_see(user, referral) or (
        user.role_enum == Role.MANAGER and can_work(user, referral.case)
    )


def may_answer(user: User, referral: Referral) -> bool:
    """Accept, decline and post updates: partners of the referral's agencies while it is live."""
    return referral.is_live and partner_may_see(user, referral)


def may_complete(user: User, action: ReferralAction) -> bool:
    """Mark an action done: a partner user of its owner agency, or a manager who works the case."""
    if not action.is_open or not action.referral.is_live:
        return False
    if user.role_enum == Role.PARTNER:
        return user.agency_id == action.agency_id
    return user.role_enum == Role.MANAGER and can_work(user, action.referral.case)


def _require_manager(actor: User, case: Case) -> None:
    if actor.role_enum != Role.MANAGER or not can_work(actor, case):
        raise NotAllowed("Only a manager who works this case can refer it")


def clean_text(
    value: str | None, what: str, field_name: str, required: bool = True, limit: int = TEXT_LIMIT
) -> str:
    """Text from a form, trimmed and without NUL characters; ReferralError when missing or too long."""
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ReferralError(f"Enter {what}", field_name)
    if len(value) > limit:
        raise ReferralError(f"{what[0].upper()}{what[1:]} must be {limit:,} characters or fewer", field_name)
    return value


def _today(now: datetime) -> date:
    return now.astimezone(LONDON).date()


def who(user: User | None) -> str:
    """A user as the history names them: 'Name (Agency)' for partner users."""
    if user is None:
        return "the system"
    if user.role_enum == Role.PARTNER and user.agency is not None:
        return f"{user.name} ({user.agency.name})"
    return user.name


# ---- referring ---------------------------------------------------------------------------------


def default_action_due(case: Case, now: datetime) -> date:
    """The due date of a partner action by the partner-action service level (London date)."""
    policy = policies.policy_for(case, "partner_action")
    duration = (
        Duration(policy.duration_value, policy.duration_unit)
        if policy is not None
        else Duration(DEFAULT_ACTION_DAYS, policies.WORKING_DAYS)
    )
    return _today(duration.after(current_calendar(), now))


def refer_case(actor: User, case: Case, data: ReferralInput, now: datetime | None = None) -> Referral:
    """Refer the case to a panel or an agency, with actions; e-mail the agencies; commit.

    Referring to a panel also fires the workflow's refer_to_panel transition (as the manager) when
    the case's state allows it; the reason is the transition's reason.
    """
    now = now or utcnow()
    _require_manager(actor, case)
    if not case.is_open:
        raise ReferralError("This case is closed: reopen it before referring it")
    panel, agency = _target(data)
    reason = clean_text(data.reason, "the reason for the referral", "reason")
    asked = clean_text(data.asked, "what is asked", "asked", required=False)
    actions = _checked_actions(case, data.actions, panel, agency, now)
    if not asked and not actions:
        raise ReferralError("Enter what is asked, or at least one action for an agency", "asked")
    due_on = data.due_on or max((a.due_on for a in actions), default=None)
    if due_on is not None and due_on < _today(now):
        raise ReferralError("The date the referral is due by must be today or in the future", "due_on")
    referral = Referral(
        case=case,
        panel=panel,
        agency=agency,
        reason=reason,
        asked=asked,
        due_on=due_on,
        sharing=_sharing(data.sharing),
        status=OPEN,
        created_by=actor,
        created_at=now,
    )
    db.session.add(referral)
    for action in actions:
        action.referral, action.created_by_id, action.created_at = referral, actor.id, now
        db.session.add(action)
    db.session.flush()
    moves = panel is not None and _can_move_to_panel(case, reason)
    _record_referral(referral, actor, now)
    _start_clocks(referral, actor, now, moving_to_panel=moves)
    notify_referral(referral)
    if moves:
        try:
            case_services.fire(actor, case, "refer_to_panel", None, workflow.TransitionInput(reason=reason))
        except case_services.CaseError as error:
            db.session.rollback()
            raise ReferralError(error.message, "reason") from None
    else:
        db.session.commit()
    return referral


def _target(data: ReferralInput) -> tuple[Panel | None, Agency | None]:
    if (data.panel_id is None) == (data.agency_id is None):
        raise ReferralError("Choose a panel or an agency to refer the case to", "target")
    if data.panel_id is not None:
        panel = db.session.get(Panel, data.panel_id)
        if panel is None or not panel.active:
            raise ReferralError("Choose an active panel", "panel_id")
        if not panel.members:
            raise ReferralError(f"{panel.name} has no member agencies yet: add them first", "panel_id")
        return panel, None
    agency = db.session.get(Agency, data.agency_id)
    if agency is None or not agency.active:
        raise ReferralError("Choose an active agency", "agency_id")
    return None, agency


def _sharing(level: str | None) -> str:
    level = level or current_app.config.get("REFERRAL_SHARING_DEFAULT", "minimal")
    if level not in SHARING_CODES:
        raise ReferralError("Choose how much of the case to share", "sharing")
    return level


def _checked_actions(
    case: Case, given: list[ActionInput], panel: Panel | None, agency: Agency | None, now: datetime
) -> list[ReferralAction]:
    allowed = {a.id: a for a in (panel.members if panel is not None else [agency])}
    actions = []
    for index, item in enumerate(given, start=1):
        number = item.number or index
        owner = allowed.get(item.agency_id)
        if owner is None:
            where = f"a member of {panel.name}" if panel is not None else agency.name
            raise ReferralError(f"Action {number}: the agency must be {where}", f"action{number}_agency")
        text = clean_text(item.description, f"what action {number} asks", f"action{number}_description")
        due_on = item.due_on or default_action_due(case, now)
        if due_on < _today(now):
            raise ReferralError(
                f"Action {number}: the due date must be today or in the future", f"action{number}_due"
            )
        actions.append(ReferralAction(agency=owner, description=text, due_on=due_on, status=ACTION_OPEN))
    return actions


def _can_move_to_panel(case: Case, reason: str) -> bool:
    transition = workflow.TRANSITION_BY_NAME["refer_to_panel"]
    given = workflow.TransitionInput(reason=reason)
    return case.state in transition.sources and not workflow.problems(transition, case, given)


def _record_referral(referral: Referral, actor: User | None, now: datetime) -> None:
    asks = "; ".join(f"{a.agency.name}: {a.description} (by {date_uk(a.due_on)})" for a in referral.actions)
    by = f" by {actor.name}" if actor is not None else " by the system"
    event = case_services.record_event(
        referral.case,
        actor,
        "referral_made",
        f"Referred to {referral.target_name}{by}. Reason: {referral.reason}"
        + (f". Actions: {asks}" if asks else ""),
        after={
            "referral": referral.id,
            "to": referral.target_name,
            "sharing": referral.sharing,
            "due_on": referral.due_on.isoformat() if referral.due_on else None,
        },
    )
    event.at = now


def _start_clocks(referral: Referral, actor: User | None, now: datetime, moving_to_panel: bool) -> None:
    for action in referral.actions:
        start_action_clock(action, actor, now)
    if referral.panel is not None:
        in_panel = moving_to_panel or referral.case.state == "referred_to_panel"
        unlinked = [r for r in deadlines.open_rows(referral.case, ["panel_review"]) if r.referral_id is None]
        if in_panel and unlinked:  # the case's panel review, started when it entered the state, is this one
            unlinked[0].referral_id = referral.id
            return
        policy = policies.policy_for(referral.case, "panel_review", "referred_to_panel")
        deadlines.start_clock(
            referral.case,
            "panel_review",
            now,
            actor,
            # A clock of the panel state is met when the case leaves it; otherwise when the panel decides.
            state="referred_to_panel" if in_panel else None,
            policy=policy,
            due_at=_end_of(referral.due_on) if referral.due_on else None,
            label=f"Panel review: {referral.panel.name}",
            referral_id=referral.id,
        )


def _end_of(day: date) -> datetime:
    return current_calendar().end_of_working_day(day)


def start_action_clock(action: ReferralAction, actor: User | None, now: datetime) -> None:
    """Start the partner-action deadline that chases one action (reminders, then the panel chair)."""
    case = action.referral.case
    policy = policies.policy_for(case, "partner_action")
    agency = action.agency.short_name or action.agency.name
    deadlines.start_clock(
        case,
        "partner_action",
        now,
        actor,
        policy=policy,
        due_at=_end_of(action.due_on),
        label=f"Partner action ({agency}): {action.description}",
        ladder=None if policy is not None else list(DEFAULT_ACTION_LADDER),
        reminder_leads=None if policy is not None else [dict(lead) for lead in DEFAULT_ACTION_LEADS],
        referral_id=action.referral_id,
        action_id=action.id,
    )


def live_referral_to(case: Case, panel_code: str) -> Referral | None:
    """The case's live referral to the panel with this code, if it has one."""
    query = (
        select(Referral)
        .join(Panel, Panel.id == Referral.panel_id)
        .where(Referral.case_id == case.id, Panel.code == panel_code, Referral.status.in_(LIVE_STATUSES))
    )
    return db.session.scalar(query.order_by(Referral.id.desc()).limit(1))


def refer_as_system(
    case: Case, panel_code: str, reason: str, now: datetime, moves_case: bool = True
) -> Referral | None:
    """Refer the case to a panel as the system (the deadline sweep's last rung), NOT committed.

    Returns the new referral, or None when the panel is unknown, inactive or has no members, or the
    case already has a live referral to it (then nothing is added). The caller moves the case; with
    `moves_case` False (a high-risk victim's case, which the officer keeps working) it stays where it
    is, and the panel review runs until the panel decides rather than until the case leaves a state.
    """
    panel = db.session.scalar(select(Panel).where(Panel.code == panel_code))
    if panel is None or not panel.active or not panel.members:
        return None
    if live_referral_to(case, panel_code) is not None:
        return None
    referral = Referral(
        case=case,
        panel=panel,
        reason=reason.strip() or "A deadline on the case was missed.",
        asked=SYSTEM_ASK,
        sharing=_sharing(None),
        status=OPEN,
        created_by=None,
        created_at=now,
    )
    db.session.add(referral)
    db.session.flush()
    _record_referral(referral, None, now)
    moving = moves_case and _can_move_to_panel(case, referral.reason)
    _start_clocks(referral, None, now, moving_to_panel=moving)
    notify_referral(referral)
    return referral


# ---- e-mails -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Addressee:
    """Someone an e-mail goes to; `key` is unique among contacts and users ('17', 'user:3')."""

    key: str
    email: str
    name: str


def _contacts_of(agencies: list[Agency]) -> list[Addressee]:
    return [
        Addressee(str(contact.id), contact.email, contact.name)
        for agency in agencies
        if agency.active
        for contact in agency.active_contacts
    ]


def chair_of(panel: Panel | None) -> list[Addressee]:
    """The panel's chair, as someone to e-mail (none when no chair is set or they are inactive)."""
    if panel is None:
        return []
    user, contact = panel.chair_user, panel.chair_contact
    if user is not None and user.active:
        return [Addressee(f"user:{user.id}", user.email, user.name)]
    if contact is not None and contact.active:
        return [Addressee(str(contact.id), contact.email, contact.name)]
    return []


def unique_addressees(people: list[Addressee]) -> list[Addressee]:
    """The addressees once per e-mail address, in order."""
    seen: set[str] = set()
    result = []
    for person in people:
        if person.email.lower() not in seen:
            seen.add(person.email.lower())
            result.append(person)
    return result


def referral_addressees(referral: Referral) -> list[Addressee]:
    """Who hears of a new referral: the agency's contacts, or the panel members' contacts and chair."""
    if referral.panel is not None:
        return unique_addressees(_contacts_of(list(referral.panel.members)) + chair_of(referral.panel))
    return unique_addressees(_contacts_of([referral.agency] if referral.agency else []))


def shared_facts(referral: Referral) -> dict:
    """What an e-mail about this referral may say about its case, by its information-sharing level."""
    case = referral.case
    return {
        "reference": case.reference,
        "case_type": case.case_type.name,
        "borough": case.borough.name,
        "ward": case.ward.name if case.ward else "",
        "summary": case.summary if referral.sharing in ("standard", "full") else "",
        "referral_id": referral.id,
        "target": referral.target_name,
        "to_panel": referral.panel is not None,
    }


def notify_referral(referral: Referral) -> int:
    """Queue the new-referral e-mail to each addressee (once each, by key); returns how many."""
    from casework.notifications.services import queue_message

    people = referral_addressees(referral)
    facts = shared_facts(referral)
    actions = [
        {"agency": a.agency.name, "description": a.description, "due_on": a.due_on} for a in referral.actions
    ]
    for person in people:
        queue_message(
            key=f"referral:{referral.id}:notify:{person.key}",
            to_address=person.email,
            to_name=person.name,
            template="referral_new",
            context={
                **facts,
                "greeting_name": person.name,
                "asked": referral.asked,
                "due_on": referral.due_on,
                "actions": actions,
            },
            case_id=referral.case_id,
        )
    return len(people)


# ---- answering ---------------------------------------------------------------------------------


def _claim(referral: Referral, from_statuses: tuple[str, ...], **values) -> bool:
    """Move the referral on only if it is still in one of `from_statuses` (two clicks, one change)."""
    result = db.session.execute(
        update(Referral)
        .where(Referral.id == referral.id, Referral.status.in_(from_statuses))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(referral)
    return result.rowcount == 1


def referral_history(
    referral: Referral, actor: User | None, kind: str, summary: str, now: datetime, **after
) -> None:
    """Append an entry about the referral to its case's history, dated `now`."""
    event = case_services.record_event(
        referral.case, actor, kind, summary, after={"referral": referral.id, **after}
    )
    event.at = now


def _require_answerable(actor: User, referral: Referral, verb: str) -> None:
    if not partner_may_see(actor, referral):
        raise NotAllowed(f"You cannot {verb} this referral")
    if referral.status != OPEN:
        raise ReferralError("This referral has already been answered")


def accept(actor: User, referral: Referral, now: datetime | None = None) -> Referral:
    """A partner accepts the referral for their agency (or their panel); recorded in the history."""
    now = now or utcnow()
    _require_answerable(actor, referral, "accept")
    if not _claim(referral, (OPEN,), status=ACCEPTED, responded_at=now, responded_by_id=actor.id):
        db.session.rollback()
        raise ReferralError("This referral has already been answered")
    referral_history(
        referral,
        actor,
        "referral_accepted",
        f"Referral to {referral.target_name} accepted by {who(actor)}",
        now,
    )
    db.session.commit()
    return referral


def decline(actor: User, referral: Referral, reason: str, now: datetime | None = None) -> Referral:
    """A partner declines the referral, with a reason; its open actions and deadlines end."""
    now = now or utcnow()
    _require_answerable(actor, referral, "decline")
    reason = clean_text(reason, "the reason for declining", "reason")
    values = {"status": DECLINED, "decline_reason": reason, "responded_at": now, "responded_by_id": actor.id}
    if not _claim(referral, (OPEN,), **values):
        db.session.rollback()
        raise ReferralError("This referral has already been answered")
    _end_open_work(referral, now, f"referral declined by {referral.target_name}")
    referral_history(
        referral,
        actor,
        "referral_declined",
        f"Referral to {referral.target_name} declined by {who(actor)}. Reason: {reason}",
        now,
        reason=reason,
    )
    db.session.commit()
    return referral


def post_update(actor: User, referral: Referral, body: str, now: datetime | None = None) -> ReferralUpdate:
    """Add a progress update to a live referral (its partners, or a manager who works the case)."""
    now = now or utcnow()
    manager = actor.role_enum == Role.MANAGER and can_work(actor, referral.case)
    if not referral.is_live or not (partner_may_see(actor, referral) or manager):
        raise NotAllowed("You cannot post an update on this referral")
    body = clean_text(body, "the update", "body")
    item = ReferralUpdate(referral=referral, author=actor, body=body, at=now)
    db.session.add(item)
    referral_history(
        referral,
        actor,
        "referral_update",
        f"Update on the referral to {referral.target_name} from {who(actor)}: {body}",
        now,
    )
    db.session.commit()
    return item


def complete_action(
    actor: User, action: ReferralAction, note: str = "", now: datetime | None = None
) -> ReferralAction:
    """Mark an action done (its owner agency's partner users, or a manager); meets its deadline."""
    now = now or utcnow()
    if not may_complete(actor, action):
        raise NotAllowed("You cannot mark this action as done")
    note = clean_text(note, "what was done", "note", required=False)
    result = db.session.execute(
        update(ReferralAction)
        .where(ReferralAction.id == action.id, ReferralAction.status == ACTION_OPEN)
        .values(status=ACTION_DONE, done_at=now, done_by_id=actor.id, done_note=note)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(action)
    if result.rowcount != 1:
        db.session.rollback()
        raise ReferralError("This action has already been marked as done")
    deadlines.finish_for(
        action.referral.case, now, met=True, action_id=action.id, note=f"done by {who(actor)}"
    )
    summary = f"Action done by {who(actor)}: {action.description}" + (f". {note}" if note else "")
    referral_history(action.referral, actor, "referral_action_done", summary, now, action=action.id)
    db.session.commit()
    return action


def close_referral(actor: User, referral: Referral, note: str, now: datetime | None = None) -> Referral:
    """A manager closes a referral (the panel or agency has done what was asked, or it is no longer
    needed); open actions are cancelled and the panel-review deadline met."""
    now = now or utcnow()
    _require_manager(actor, referral.case)
    note = clean_text(note, "why the referral is closed", "note")
    values = {"status": CLOSED, "closed_at": now, "closed_by_id": actor.id, "close_note": note}
    if not _claim(referral, (OPEN, ACCEPTED, DECLINED), **values):
        db.session.rollback()
        raise ReferralError("This referral is already closed")
    _end_open_work(referral, now, "referral closed")
    referral_history(
        referral,
        actor,
        "referral_closed",
        f"Referral to {referral.target_name} closed by {who(actor)}: {note}",
        now,
    )
    db.session.commit()
    return referral


def close_with_case(case: Case, actor: User | None, now: datetime) -> int:
    """End the case's live referrals because the case is closed, in the caller's transaction.

    Partners see a case only through a live referral, so closing the case ends their access; open
    actions and their deadlines stop, and the panel review counts as met. Returns how many ended.
    """
    live = select(Referral).where(Referral.case_id == case.id, Referral.status.in_(LIVE_STATUSES))
    referrals = list(db.session.scalars(live))
    for referral in referrals:
        referral.status, referral.closed_at = CLOSED, now
        referral.closed_by_id = actor.id if actor else None
        referral.close_note = "The case was closed."
        _end_open_work(referral, now, "case closed")
        summary = f"Referral to {referral.target_name} closed with the case"
        referral_history(referral, actor, "referral_closed", summary, now)
    return len(referrals)


def _end_open_work(referral: Referral, now: datetime, note: str) -> None:
    """A referral that ends: its open actions are cancelled, and so are their deadlines; the
    panel review is met (the panel has dealt with it) unless the referral was declined."""
    for action in referral.open_actions:
        action.status = ACTION_CANCELLED
    case = referral.case
    deadlines.finish_for(case, now, met=False, referral_id=referral.id, kinds=["partner_action"], note=note)
    met = referral.status == CLOSED
    deadlines.finish_for(case, now, met=met, referral_id=referral.id, kinds=["panel_review"], note=note)


# ---- the partner's view ------------------------------------------------------------------------


def record_view(
    actor: User, case: Case, referral: Referral | None, what: str = "case", label: str = ""
) -> PartnerCaseView:
    """Record that a partner user opened a shared case (`what` 'case') or one of its files
    ('evidence:<id>', `label` naming it): an access row and a history entry; commit."""
    now = utcnow()
    view = PartnerCaseView(
        case_id=case.id,
        user_id=actor.id,
        agency_id=actor.agency_id,
        referral_id=referral.id if referral else None,
        what=what[:60],
        viewed_at=now,
    )
    db.session.add(view)
    summary = f"Viewed by {who(actor)}" if what == "case" else f"{label or what} opened by {who(actor)}"
    event = case_services.record_event(case, actor, "partner_viewed", summary)
    event.at = now
    db.session.commit()
    return view


def add_contact(actor: User, agency: Agency, name: str, email: str, role: str = "") -> AgencyContact:
    """Add a contact to an agency (a manager): who its referral and agenda e-mails go to; commit."""
    if actor.role_enum != Role.MANAGER:
        raise NotAllowed("Only a manager can change an agency's contacts")
    name = clean_text(name, "the contact's name", "name")[:200]
    email = clean_text(email, "the email address", "email")
    if any(contact.email.lower() == email.lower() for contact in agency.contacts):
        raise ReferralError(f"{email} is already a contact of {agency.name}", "email")
    contact = AgencyContact(agency=agency, name=name, email=email[:254], role=(role or "").strip()[:100])
    db.session.add(contact)
    db.session.commit()
    return contact


def switch_contact(actor: User, contact: AgencyContact) -> AgencyContact:
    """Stop (or start again) e-mailing a contact; commit."""
    if actor.role_enum != Role.MANAGER:
        raise NotAllowed("Only a manager can change an agency's contacts")
    contact.active = not contact.active
    db.session.commit()
    return contact


def seed_contacts(agency: Agency, contacts: list[tuple[str, str, str]]) -> int:
    """Add (name, e-mail, role) contacts the agency does not have yet; returns how many (no commit)."""
    have = {contact.email.lower() for contact in agency.contacts}
    added = 0
    for name, email, role in contacts:
        if email.lower() not in have:
            db.session.add(AgencyContact(agency=agency, name=name, email=email, role=role))
            added += 1
    return added
