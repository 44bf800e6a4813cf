"""Reading enforcement: a case's actions and carrier checks, and the published prosecutions."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from casework.cases.models import Case
from casework.enforcement.kinds import PROVED_OUTCOMES
from casework.enforcement.models import EnforcementAction, WasteCarrierCheck
from casework.extensions import db


def actions_for(case: Case) -> list[EnforcementAction]:
    """The case's enforcement actions in date order (oldest first, as the ladder was climbed)."""
    query = (
        select(EnforcementAction)
        .where(EnforcementAction.case_id == case.id)
        .options(joinedload(EnforcementAction.person), joinedload(EnforcementAction.issued_by))
        .order_by(EnforcementAction.issued_on, EnforcementAction.id)
    )
    return list(db.session.scalars(query))


def action_or_404(case: Case, action_id: int) -> EnforcementAction:
    """An enforcement action of this (already scoped) case, or 404."""
    action = db.session.get(EnforcementAction, action_id)
    if action is None or action.case_id != case.id:
        abort(404)
    return action


def carrier_checks_for(case: Case) -> list[WasteCarrierCheck]:
    """The case's waste carrier checks, newest first."""
    query = (
        select(WasteCarrierCheck)
        .where(WasteCarrierCheck.case_id == case.id)
        .order_by(WasteCarrierCheck.checked_on.desc(), WasteCarrierCheck.id.desc())
    )
    return list(db.session.scalars(query))


def published_prosecutions() -> list[EnforcementAction]:
    """Every published prosecution result, newest result first (for the public page)."""
    query = (
        select(EnforcementAction)
        .where(
            EnforcementAction.kind == "prosecution",
            EnforcementAction.published_at.is_not(None),
            EnforcementAction.outcome.in_(sorted(PROVED_OUTCOMES)),  # never anything not proved
        )
        .options(
            joinedload(EnforcementAction.case).joinedload(Case.ward),
            joinedload(EnforcementAction.case).joinedload(Case.borough),
        )
        .order_by(EnforcementAction.outcome_on.desc(), EnforcementAction.id.desc())
    )
    return list(db.session.scalars(query))
