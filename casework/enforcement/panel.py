"""The enforcement sections of the case page: the actions (order 30) and waste carrier checks (35)."""

from __future__ import annotations

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.models import Case
from casework.cases.panels import CasePanel, case_panel
from casework.db_types import utcnow
from casework.deadlines.calendar import current_calendar
from casework.deadlines.services import view_of
from casework.enforcement import queries, services
from casework.enforcement.kinds import STATUS_CLASSES, STATUS_LABELS

ANCHOR = "enforcement"
CARRIER_ANCHOR = "waste-carrier"
STAFF = (Role.OFFICER, Role.MANAGER)


@case_panel(30)
def enforcement_panel(case: Case, user: User) -> CasePanel | None:
    """The case's enforcement actions in date order, each with its status, key fields and open clock."""
    if user.role_enum not in STAFF:
        return None
    now, calendar = utcnow(), current_calendar()
    rows = []
    for action in queries.actions_for(case):
        clock = services.open_clock(action)
        rows.append({"action": action, "clock": view_of(clock, now, calendar) if clock is not None else None})
    context = {
        "anchor": ANCHOR,
        "case": case,
        "rows": rows,
        "status_labels": STATUS_LABELS,
        "status_classes": STATUS_CLASSES,
        "can_add": case.is_open,
    }
    return CasePanel("enforcement/_case_panel.html", f"Enforcement ({len(rows)})", ANCHOR, context)


@case_panel(35)
def carrier_panel(case: Case, user: User) -> CasePanel | None:
    """Waste carrier checks, on flytipping cases."""
    if user.role_enum not in STAFF or not case.case_type.is_flytipping:
        return None
    checks = queries.carrier_checks_for(case)
    context = {"anchor": CARRIER_ANCHOR, "case": case, "checks": checks}
    return CasePanel(
        "enforcement/_carrier_panel.html", f"Waste carrier checks ({len(checks)})", CARRIER_ANCHOR, context
    )
