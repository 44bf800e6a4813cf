"""The risk section of an ASB case's page: the current level, the latest assessment, past ones."""

from __future__ import annotations

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.models import Case
from casework.cases.panels import CasePanel, case_panel
from casework.deadlines import services as deadlines
from casework.risk import queries, services
from casework.risk import questionnaire as matrix

ANCHOR = "risk"


@case_panel(10)
def risk_panel(case: Case, user: User) -> CasePanel | None:
    """Shown on ASB cases to council staff (partners see the shared case page, not this one)."""
    if not services.is_asb(case) or user.role_enum not in (Role.OFFICER, Role.MANAGER):
        return None
    assessments = queries.assessments_of(case)
    return CasePanel(
        template="risk/_case_risk.html",
        title="Victim risk",
        anchor=ANCHOR,
        context={
            "anchor": ANCHOR,
            "case": case,
            "level": case.risk,
            "level_label": matrix.level_label(case.risk),
            "tag": matrix.LEVEL_TAGS.get(case.risk or "", "grey"),
            "latest": assessments[0] if assessments else None,
            "past": assessments[1:],
            "may_assess": services.may_assess(user, case),
            "has_victim": bool(services.victims(case)),
            "first_contact": next(iter(deadlines.open_rows(case, ["first_contact"])), None),
            "reassess_by": next(iter(deadlines.open_rows(case, ["risk_reassessment"])), None),
            "level_labels": dict(matrix.LEVELS),
        },
    )
