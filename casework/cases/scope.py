"""Who may see and work which cases: enforced in queries, never by hiding links."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, or_, select, true
from sqlalchemy.orm import aliased

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.models import Case
from casework.extensions import db
from casework.partners.models import LIVE_STATUSES, Referral, panel_members


def case_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause limiting cases to those `user` may see.

    Officers and managers see their borough's cases (all boroughs when they have none); partner users
    see the cases with a live referral to their agency or to a panel their agency sits on;
    administrators manage accounts, not cases.
    """
    if user.role_enum in (Role.OFFICER, Role.MANAGER):
        return true() if user.borough_id is None else Case.borough_id == user.borough_id
    if user.role_enum == Role.PARTNER and user.agency_id is not None:
        # An alias, so that the EXISTS correlates only to the case even in queries of referrals.
        referral = aliased(Referral)
        return (
            exists()
            .where(referred_to_agency(user.agency_id, referral), referral.case_id == Case.id)
            .correlate(Case)
        )
    return false()


def referred_to_agency(agency_id: int, referral=Referral) -> ColumnElement[bool]:
    """Live referrals to the agency, or to a panel the agency sits on (a clause on `referral`)."""
    panels = select(panel_members.c.panel_id).where(panel_members.c.agency_id == agency_id)
    return referral.status.in_(LIVE_STATUSES) & or_(
        referral.agency_id == agency_id, referral.panel_id.in_(panels)
    )


def can_see(user: User, case: Case) -> bool:
    """True when `user` may open `case` (the same rule as `case_scope`, on one loaded case)."""
    if user.role_enum in (Role.OFFICER, Role.MANAGER):
        return user.borough_id is None or user.borough_id == case.borough_id
    if user.role_enum == Role.PARTNER and user.agency_id is not None and case.id is not None:
        query = select(Referral.id).where(referred_to_agency(user.agency_id), Referral.case_id == case.id)
        return db.session.scalar(query.limit(1)) is not None
    return False


def can_work(user: User, case: Case) -> bool:
    """True when `user` may change `case`: staff who can see it (partners never change a case)."""
    return user.role_enum in (Role.OFFICER, Role.MANAGER) and can_see(user, case)
