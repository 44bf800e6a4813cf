"""Builders for the risk tests: an ASB case with a victim, answers that score each level."""

from __future__ import annotations

from casework.auth.models import User
from casework.cases import services as case_services
from casework.cases.models import Case
from casework.risk import questionnaire as matrix
from casework.risk import services
from casework.risk.models import RiskAssessment
from tests.cases.builders import dartford, make_case, manager_in, officer_in
from tests.deadlines.builders import default_policies
from tests.partners.builders import VICTIM

# Every question at its lowest-scoring answer: 0 points.
LOW = {q.code: min(q.options, key=lambda o: o.points).code for q in matrix.current().questions}
# 18 points, no floor: medium.
MEDIUM = {
    **LOW,
    "p_health": "yes",
    "s_near": "yes",
    "r_frequency": "weekly",
    "r_escalating": "yes",
    "m_routine": "yes",
}
# 38 points: high.
HIGH = {
    **MEDIUM,
    "p_support": "yes",
    "i_violence": "threats",
    "r_previous": "yes",
    "m_health": "serious",
    "m_fear": "yes",
}


def asb_case(
    borough=None, state: str = "under_investigation", victim: bool = True
) -> tuple[Case, User, User]:
    """An ASB (personal) case with default service levels, in `state`; returns (case, officer, manager)."""
    default_policies()
    borough = borough or dartford()
    officer, manager = officer_in(borough), manager_in(borough)
    case = make_case(officer, code="asb_personal", borough=borough)
    if state != "new":
        case_services.fire(officer, case, "triage", case.version)
    if state == "under_investigation":
        case_services.assign(manager, case, officer, case.version)
        case_services.fire(officer, case, "investigate", case.version)
    if victim:
        case_services.add_party(officer, case, "complainant", new=VICTIM)
    return case, officer, manager


def assessment_input(case: Case, answers: dict[str, str], **kwargs) -> services.AssessmentInput:
    values = {"judgement": "Spoke to the victim at home.", **kwargs}
    return services.AssessmentInput(person_id=services.victims(case)[0].id, answers=dict(answers), **values)


def assess(officer: User, case: Case, answers: dict[str, str], now=None, **kwargs) -> RiskAssessment:
    return services.assess(officer, case, assessment_input(case, answers, **kwargs), now=now)
