"""The one call the case services make after changing a case, so deadlines follow the case.

Kept apart from casework/deadlines/services.py so that casework/cases/services.py can import it at
the top without an import cycle (the deadline services import the case services' history writer).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casework.auth.models import User
    from casework.cases.models import Case

LOGGED = "logged"
INCIDENT_ADDED = "incident_added"
TRANSITION = "transition"
CLEARANCE = "clearance"


def _uncleared_flytips(case: Case) -> bool:
    return any(incident.flytip is not None and not incident.flytip.is_cleared for incident in case.incidents)


def after_change(
    case: Case,
    actor: User | None,
    change: str,
    *,
    now: datetime,
    old_state: str | None = None,
) -> None:
    """Start, meet or cancel the case's deadlines after `change`, in the caller's transaction.

    `change` is LOGGED (a new case), INCIDENT_ADDED (a repeat report), TRANSITION (the state moved
    from `old_state`) or CLEARANCE (a flytip's clearance recorded).
    """
    from casework.deadlines import services
    from casework.extensions import db

    # No autoflush: the queries below must not write the caller's case change early, or a concurrent
    # change would surface here as a raw StaleDataError instead of at the caller's commit (StaleCase).
    with db.session.no_autoflush:
        if change == LOGGED:
            services.apply_state_change(case, None, case.state, now, actor)
        if change in (LOGGED, INCIDENT_ADDED) and case.case_type.is_flytipping and _uncleared_flytips(case):
            services.start_clock(case, "clear_flytip", now, actor)
        elif change == TRANSITION:
            services.apply_state_change(case, old_state, case.state, now, actor)
        elif change == CLEARANCE and not _uncleared_flytips(case):
            services.meet(case, "clear_flytip", now, note="clearance recorded")
