"""Demo risk assessments at each level, on demo ASB cases that have a victim."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.models import Case, CaseType
from casework.cases.scope import can_work
from casework.db_types import utcnow
from casework.extensions import db
from casework.partners.models import Referral
from casework.risk import questionnaire as matrix
from casework.risk import services
from casework.risk.models import RiskAssessment

_LOW = {q.code: min(q.options, key=lambda o: o.points).code for q in matrix.current().questions}
# (level, preferred case type, answers, judgement)
PLANS = (
    (
        "high",
        "asb_personal",
        {
            **_LOW,
            "p_health": "yes",
            "p_support": "yes",
            "s_alone": "yes",
            "s_near": "yes",
            "s_home": "yes",
            "i_violence": "threats",
            "r_frequency": "daily",
            "r_escalating": "yes",
            "m_health": "serious",
            "m_fear": "yes",
        },
        "Lives alone next door to the family causing it; threats shouted through the letterbox most "
        "nights. She is not sleeping and is afraid to leave the flat. Needs a joint plan with the police "
        "and the housing provider.",
    ),
    (
        "medium",
        "asb_nuisance",
        {
            **_LOW,
            "s_home": "yes",
            "r_frequency": "weekly",
            "r_previous": "yes",
            "m_health": "some",
            "m_routine": "yes",
        },
        "Weekly gatherings outside the house; reported before last year. Tired and anxious but has "
        "good support from family.",
    ),
    (
        "standard",
        "asb_environmental",
        {**_LOW, "r_frequency": "few", "m_routine": "yes"},
        "Rubbish left in the shared garden two or three times. Annoyed rather than affected; no threats.",
    ),
)
# The high-risk victim was first assessed at medium, some days before it got worse.
EARLIER = (
    {
        **_LOW,
        "s_near": "yes",
        "s_home": "yes",
        "r_frequency": "weekly",
        "m_health": "some",
        "m_routine": "yes",
    },
    "First visit: music and shouting from next door most weekends. Coping, but worried it will get worse.",
)


def seed_demo_risk(added: dict[str, int]) -> None:
    """Add the area's demo data when it is missing (idempotent); count what is added in `added`."""
    added.setdefault("risk assessments", 0)
    if db.session.scalar(select(func.count()).select_from(RiskAssessment)):
        return
    used: set[int] = set()
    now = utcnow()
    referrals_before = _referrals()
    for level, type_code, answers, judgement in PLANS:
        case = _case_for(type_code, used)
        if case is None:
            continue
        used.add(case.id)
        actor = _staff_for(case)
        if actor is None:
            continue
        victim = services.victims(case)[0]
        if level == "high":
            first, note = EARLIER
            _assess(actor, case, victim.id, first, note, now - timedelta(days=12))
            added["risk assessments"] += 1
        _assess(actor, case, victim.id, answers, judgement, now)
        added["risk assessments"] += 1
    # A high-risk victim's case is referred to the panel: count it with the partners demo's referrals.
    added["referrals"] = added.get("referrals", 0) + _referrals() - referrals_before


def _referrals() -> int:
    return db.session.scalar(select(func.count()).select_from(Referral)) or 0


def _assess(actor: User, case: Case, person_id: int, answers: dict[str, str], judgement: str, at) -> None:
    data = services.AssessmentInput(person_id=person_id, answers=dict(answers), judgement=judgement)
    services.assess(actor, case, data, now=at)


def _case_for(type_code: str, used: set[int]) -> Case | None:
    """An open demo ASB case with a victim, still being worked; of the preferred type if there is one."""
    query = (
        select(Case)
        .join(CaseType, CaseType.id == Case.case_type_id)
        .where(
            CaseType.group == "asb",
            Case.state.in_(("under_investigation", "enforcement_action", "awaiting_compliance", "triaged")),
            Case.risk.is_(None),
        )
        .order_by((CaseType.code == type_code).desc(), Case.state != "under_investigation", Case.reference)
    )
    for case in db.session.scalars(query):
        if case.id not in used and services.victims(case):
            return case
    return None


def _staff_for(case: Case) -> User | None:
    """Who assesses: the assigned officer, else a manager who may work the case."""
    if case.assigned_to is not None and case.assigned_to.active and can_work(case.assigned_to, case):
        return case.assigned_to
    managers = select(User).where(User.role == Role.MANAGER.value, User.active.is_(True)).order_by(User.id)
    return next((user for user in db.session.scalars(managers) if can_work(user, case)), None)
