"""The last rung of an escalation ladder: referring the case to a panel.

This is the interface the sweep calls. It makes a real referral to the panel as the system (the
partners area: the panel's member agencies and chair are e-mailed, a panel-review deadline starts)
and moves the case to "Referred to panel" when the workflow allows it from the case's state. When
the panel is not set up (unknown, inactive, no members) it records in the case history that a
referral is needed; when the case already has a live referral to it, it records that; either way it
still moves the case.
"""

from __future__ import annotations

from datetime import datetime

from casework.cases.models import Case
from casework.deadlines.policies import panel_name


def refer_to_panel(case: Case, panel_code: str, reason: str, now: datetime) -> bool:
    """Escalate the case to the panel `panel_code` in the caller's transaction (not committed).

    Creates the referral (or records "Escalated to panel <name>: referral needed" when none can be
    made) and fires the workflow's refer_to_panel transition as the system when the case's state
    allows it. Returns True when the case moved.
    """
    from casework.cases import services as case_services
    from casework.partners.services import live_referral_to, refer_as_system

    existing = live_referral_to(case, panel_code)
    referral = refer_as_system(case, panel_code, reason, now) if existing is None else None
    known = referral or existing
    name = known.panel.name if known is not None and known.panel is not None else panel_name(panel_code)
    if existing is not None:
        summary = f"Escalated to the {name}, which already has this case (referral {existing.id}). {reason}"
    elif referral is None:
        summary = f"Escalated to panel {name}: referral needed. {reason}".strip()
    if referral is None:
        event = case_services.record_event(
            case, None, "panel_escalation", summary, after={"panel": panel_code, "reason": reason}
        )
        event.at = now
    return case_services.escalate_to_panel(case, f"{name}: {reason}", now)
