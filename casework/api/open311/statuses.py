"""How our workflow reads to the public: mySociety's extended Open311 statuses.

Only these case events become public updates: workflow transitions (by the state reached, and for
closure by its outcome) and the recorded clearance of a flytip. Notes, people, evidence, assignment
and every internal reason stay inside. The description of each update is a fixed public sentence, never
the officer's own words (a reason may name people).
"""

from __future__ import annotations

from dataclasses import dataclass

from casework.cases.models import CaseEvent


@dataclass(frozen=True)
class PublicStatus:
    """An extended status with the sentence the public reads."""

    status: str
    description: str


# The state a transition reaches -> the public status ('closure_requested' is internal: no update).
BY_STATE: dict[str, PublicStatus] = {
    "new": PublicStatus("OPEN", "Your report has been received and is waiting to be checked."),
    "triaged": PublicStatus(
        "ACTION_SCHEDULED", "Your report has been checked and action has been scheduled."
    ),
    "under_investigation": PublicStatus("INVESTIGATING", "An officer is investigating your report."),
    "enforcement_action": PublicStatus("IN_PROGRESS", "The council is taking enforcement action."),
    "awaiting_compliance": PublicStatus(
        "IN_PROGRESS", "The council is waiting for a notice to be complied with."
    ),
    "referred_to_panel": PublicStatus(
        "INTERNAL_REFERRAL", "Your report has been referred to the partnership's multi-agency panel."
    ),
}
# A closed case's outcome -> the public status.
BY_OUTCOME: dict[str, PublicStatus] = {
    "resolved": PublicStatus("FIXED", "The problem has been dealt with and the case is closed."),
    "prosecuted": PublicStatus("FIXED", "The problem has been dealt with and the case is closed."),
    "no_further_action": PublicStatus("NO_FURTHER_ACTION", "The case is closed with no further action."),
    "insufficient_evidence": PublicStatus(
        "NO_FURTHER_ACTION", "The case is closed: there was not enough evidence to act further."
    ),
    "not_our_responsibility": PublicStatus(
        "NOT_COUNCILS_RESPONSIBILITY", "This is not something the council is responsible for."
    ),
    "duplicate": PublicStatus("DUPLICATE", "This problem had already been reported and is being dealt with."),
}
CLOSED = PublicStatus("CLOSED", "The case is closed.")
REOPENED = PublicStatus("REOPEN", "The case has been reopened and an officer is investigating.")
CLEARED = PublicStatus("FIXED", "The flytip has been cleared.")
# Transitions leaving 'closed' are shown as a reopening rather than by the state reached.
REOPENING = frozenset({"transition:reopen"})


def public_status(event: CaseEvent) -> PublicStatus | None:
    """The public status an event announces, or None for an event the public does not see."""
    if event.kind == "clearance_recorded":
        return CLEARED
    if not event.kind.startswith("transition:"):
        return None
    if event.kind in REOPENING:
        return REOPENED
    after = event.after or {}
    state = after.get("state")
    if state == "closed":
        return BY_OUTCOME.get(after.get("outcome") or "", CLOSED)
    return BY_STATE.get(state or "")


def external_status_code(event: CaseEvent) -> str:
    """Our own code for the event, for clients that show it: the state reached (and outcome), or 'cleared'."""
    if event.kind == "clearance_recorded":
        return "cleared"
    after = event.after or {}
    state = str(after.get("state") or "")
    outcome = after.get("outcome")
    return f"{state}:{outcome}" if state == "closed" and outcome else state


def mapping_rows() -> list[tuple[str, str, str]]:
    """(our state or outcome, extended status, public sentence) for the documentation page."""
    from casework.cases.workflow import outcome_label, state_label

    rows = [(f"State: {state_label(code)}", s.status, s.description) for code, s in BY_STATE.items()]
    rows.append(("Flytip clearance recorded", CLEARED.status, CLEARED.description))
    rows += [(f"Closed: {outcome_label(code)}", s.status, s.description) for code, s in BY_OUTCOME.items()]
    rows.append(("Closed with no outcome given", CLOSED.status, CLOSED.description))
    rows.append(("Reopened", REOPENED.status, REOPENED.description))
    rows.append(("Closure requested (internal step)", "(no update)", "Nothing is published."))
    return rows
