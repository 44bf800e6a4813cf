"""Reading risk assessments (the case is already scoped by casework.cases.lookup.case_or_404)."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from casework.cases.models import Case, CaseEvent
from casework.extensions import db
from casework.risk.models import RiskAssessment


def assessments_of(case: Case) -> list[RiskAssessment]:
    """The case's assessments, newest first."""
    query = select(RiskAssessment).where(RiskAssessment.case_id == case.id)
    return list(
        db.session.scalars(query.order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc()))
    )


def latest(case: Case) -> RiskAssessment | None:
    """The case's latest assessment, or None."""
    found = assessments_of(case)
    return found[0] if found else None


def assessment_or_404(case: Case, assessment_id: int) -> RiskAssessment:
    """An assessment of this case (404 for another case's, so ids cannot be probed)."""
    assessment = db.session.get(RiskAssessment, assessment_id)
    if assessment is None or assessment.case_id != case.id:
        abort(404)
    return assessment


# What an assessment set off, as its case history recorded it (written in the same transaction, at
# the same moment as the assessment).
EFFECT_KINDS = ("deadline_started", "deadline_met", "deadline_retimed", "referral_made", "risk_panel")


def effects_of(assessment: RiskAssessment) -> list[CaseEvent]:
    """The history entries written with the assessment: clocks started, met or brought forward, referral."""
    query = select(CaseEvent).where(
        CaseEvent.case_id == assessment.case_id,
        CaseEvent.at == assessment.assessed_at,
        CaseEvent.kind.in_(EFFECT_KINDS),
    )
    return list(db.session.scalars(query.order_by(CaseEvent.id)))
