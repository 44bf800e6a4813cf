"""Chasing partner actions: who the deadline sweep reminds, and who a late action goes to.

The sweep (casework/deadlines/sweep.py) owns the deadline rows and their markers; for a deadline that
chases a partner action it asks this module who to e-mail. A reminder goes to the owner agency's
contacts; the `panel_chair` rung goes to the chair of the referral's panel (for a referral straight
to an agency, the chair of the panel named by PARTNER_ESCALATION_PANEL), else to the manager who
made the referral, else to the partnership managers. Everything runs in the sweep's per-row
transaction; nothing here commits.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from casework.auth.models import User
from casework.auth.roles import Role
from casework.deadlines.models import Deadline
from casework.extensions import db
from casework.partners.models import LIVE_STATUSES, Panel, Referral, ReferralAction
from casework.partners.services import Addressee, chair_of, shared_facts

PANEL_CHAIR = "panel_chair"


def _context(
    row: Deadline, person: Addressee, action: ReferralAction | None, referral: Referral | None, now: datetime
) -> dict:
    case = row.case
    facts = (
        shared_facts(referral)
        if referral is not None
        else {
            "reference": case.reference,
            "case_type": case.case_type.name,
            "borough": case.borough.name,
            "ward": case.ward.name if case.ward else "",
            "summary": "",
            "referral_id": None,
            "target": "",
            "to_panel": False,
        }
    )
    return {
        **facts,
        "greeting_name": person.name,
        "agency": action.agency.name if action is not None else "",
        "description": action.description if action is not None else row.label,
        "deadline": row.label,
        "due_at": row.due_at,
        "overdue": row.due_at <= now,
    }


def _queue(row: Deadline, people: list[Addressee], key: str, template: str, context_of) -> None:
    from casework.notifications.services import queue_message

    for person in people:
        queue_message(
            key=f"{key}:{person.key}",
            to_address=person.email,
            to_name=person.name,
            template=template,
            context=context_of(person),
            case_id=row.case_id,
        )


def _action_of(row: Deadline) -> tuple[ReferralAction | None, Referral | None]:
    action = db.session.get(ReferralAction, row.action_id) if row.action_id is not None else None
    if action is not None:
        return action, action.referral
    referral = db.session.get(Referral, row.referral_id) if row.referral_id is not None else None
    if referral is None:  # a council deadline with a panel_chair rung: the case's live panel referral
        referral = db.session.scalar(
            select(Referral)
            .where(
                Referral.case_id == row.case_id,
                Referral.status.in_(LIVE_STATUSES),
                Referral.panel_id.is_not(None),
            )
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
    return None, referral


def remind_agency(row: Deadline, key: str, now: datetime) -> str:
    """Queue the reminder of a partner action to its owner agency's contacts; returns who, in words."""
    action, referral = _action_of(row)
    if action is None:
        return "nobody (the action no longer exists)"
    people = [
        Addressee(str(contact.id), contact.email, contact.name) for contact in action.agency.active_contacts
    ]
    if not people:
        return f"nobody at {action.agency.name} (the agency has no contacts)"
    _queue(row, people, key, "referral_action_reminder", lambda p: _context(row, p, action, referral, now))
    return f"{action.agency.name} ({', '.join(p.name for p in people)})"


def _escalation_panel(referral: Referral | None) -> Panel | None:
    if referral is not None and referral.panel is not None:
        return referral.panel
    code = current_app.config.get("PARTNER_ESCALATION_PANEL", "csmap")
    return db.session.scalar(select(Panel).where(Panel.code == code, Panel.active.is_(True)))


def _managers() -> list[Addressee]:
    query = select(User).where(
        User.active.is_(True), User.role == Role.MANAGER.value, User.borough_id.is_(None)
    )
    return [Addressee(f"user:{u.id}", u.email, u.name) for u in db.session.scalars(query.order_by(User.id))]


def chair_for(row: Deadline) -> tuple[list[Addressee], str]:
    """Who the panel_chair rung of this deadline reaches, and who they are in words."""
    _action, referral = _action_of(row)
    panel = _escalation_panel(referral)
    chair = chair_of(panel)
    if chair:
        return chair, f"the chair of the {panel.name}, {chair[0].name}"
    referrer = referral.created_by if referral is not None else None
    if referrer is not None and referrer.active:
        return [
            Addressee(f"user:{referrer.id}", referrer.email, referrer.name)
        ], f"{referrer.name}, who made the referral"
    people = _managers()
    names = ", ".join(p.name for p in people)
    return (
        people,
        f"the partnership managers ({names})" if people else "nobody (no panel chair and no managers)",
    )


def escalate_to_chair(row: Deadline, key: str, rung: int, now: datetime) -> str:
    """Queue the 'overdue' e-mail of the panel_chair rung; returns who it went to, in words."""
    action, referral = _action_of(row)
    people, described = chair_for(row)

    def context_of(person: Addressee) -> dict:
        return {**_context(row, person, action, referral, now), "rung": rung, "escalated_to": described}

    _queue(row, people, key, "referral_action_escalation", context_of)
    return described
