"""Finding referrals, shared cases and panels for a user: scoped in the query (house rule 6).

A partner user finds only what is referred to their agency or to a panel their agency sits on;
anything else answers 404, so references and ids cannot be probed.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import ColumnElement, case, false, or_, select
from sqlalchemy.orm import selectinload

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.models import Case
from casework.cases.scope import case_scope, referred_to_agency
from casework.extensions import db
from casework.partners.meetings import may_see_panel
from casework.partners.models import (
    ACTION_OPEN,
    LIVE_STATUSES,
    Panel,
    PanelMeeting,
    Referral,
    ReferralAction,
    panel_members,
)
from casework.partners.services import may_see

STATUS_FILTERS = (("live", "Open and accepted"), ("all", "All, including declined and closed"))


def _to_agency(agency_id: int) -> ColumnElement[bool]:
    """Referrals to the agency or its panels, whatever their status (the list shows past ones)."""
    panels = select(panel_members.c.panel_id).where(panel_members.c.agency_id == agency_id)
    return or_(Referral.agency_id == agency_id, Referral.panel_id.in_(panels))


def referral_scope(user: User) -> ColumnElement[bool]:
    """Which referrals a user may list: partners their agency's and panels'; managers their cases'."""
    if user.role_enum == Role.PARTNER and user.agency_id is not None:
        return _to_agency(user.agency_id)
    if user.role_enum == Role.MANAGER:
        return case_scope(user)
    return false()


def referrals_for(user: User, status: str = "live", limit: int = 200) -> list[Referral]:
    """The user's referrals, live ones first, newest first; `status` 'live' or 'all'."""
    query = (
        select(Referral)
        .join(Case, Case.id == Referral.case_id)
        .where(referral_scope(user))
        .options(selectinload(Referral.actions))
    )
    if status != "all":
        query = query.where(Referral.status.in_(LIVE_STATUSES))
    live_first = case((Referral.status.in_(LIVE_STATUSES), 0), else_=1)
    return list(
        db.session.scalars(
            query.order_by(live_first, Referral.created_at.desc(), Referral.id.desc()).limit(limit)
        )
    )


def open_actions_for_agency(agency_id: int) -> list[ReferralAction]:
    """The agency's open actions on live referrals, soonest due first."""
    query = (
        select(ReferralAction)
        .join(Referral, Referral.id == ReferralAction.referral_id)
        .where(
            ReferralAction.agency_id == agency_id,
            ReferralAction.status == ACTION_OPEN,
            Referral.status.in_(LIVE_STATUSES),
        )
        .order_by(ReferralAction.due_on, ReferralAction.id)
    )
    return list(db.session.scalars(query))


def referral_or_404(user: User, referral_id: int) -> Referral:
    """The referral, if the user may open it; otherwise 404."""
    referral = db.session.get(Referral, referral_id)
    if referral is None or not may_see(user, referral):
        abort(404)
    return referral


def shared_case_or_404(user: User, reference: str) -> tuple[Case, list[Referral]]:
    """A case a partner may open (a live referral to their agency or panel) and those referrals."""
    if user.role_enum != Role.PARTNER or user.agency_id is None:
        abort(404)
    case_row = db.session.scalar(
        select(Case).where(case_scope(user), Case.reference == reference.strip().upper()[:20])
    )
    if case_row is None:
        abort(404)
    referrals = list(
        db.session.scalars(
            select(Referral)
            .where(Referral.case_id == case_row.id, referred_to_agency(user.agency_id))
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
    )
    return case_row, referrals


def panel_or_404(user: User, panel_id: int) -> Panel:
    """The panel, if the user may see it; otherwise 404."""
    panel = db.session.get(Panel, panel_id)
    if panel is None or not may_see_panel(user, panel):
        abort(404)
    return panel


def meeting_or_404(user: User, panel_id: int, meeting_id: int) -> PanelMeeting:
    """A meeting of the panel, if the user may see the panel; otherwise 404."""
    panel = panel_or_404(user, panel_id)
    meeting = db.session.get(PanelMeeting, meeting_id)
    if meeting is None or meeting.panel_id != panel.id:
        abort(404)
    return meeting
