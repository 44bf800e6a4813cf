"""The workflow table, and the services enforcing it: roles, guards, history, optimistic locking."""

from __future__ import annotations

from collections import deque
from datetime import timedelta

import pytest
from sqlalchemy import update

from casework.auth.roles import Role
from casework.cases import services, workflow
from casework.cases.models import Case
from casework.db_types import utcnow
from casework.extensions import db
from tests.cases.builders import incident_input, make_case
from tests.cases.workflow_helpers import (
    EXPECTED_ROLES,
    clear_flytips,
    event_count,
    event_kinds,
    last_event,
    make_cast,
    paths_from_initial,
    snapshot,
)

STATE_CODES = {state.code for state in workflow.STATES}


@pytest.fixture
def cast(app):
    return make_cast()


def reachable(start: str, edges: list[tuple[str, str]]) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        state = queue.popleft()
        for source, target in edges:
            if source == state and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


EDGES = [(source, t.target) for t in workflow.TRANSITIONS for source in t.sources]


# ---- the table ---------------------------------------------------------------------------------


def test_the_issue_s_states_and_outcomes_are_declared():
    assert {
        "new", "triaged", "under_investigation", "enforcement_action", "awaiting_compliance",
        "referred_to_panel", "closed",
    } <= STATE_CODES  # fmt: skip
    assert {code for code, _ in workflow.OUTCOMES} == {
        "resolved", "no_further_action", "insufficient_evidence",
        "not_our_responsibility", "duplicate", "prosecuted",
    }  # fmt: skip
    assert workflow.INITIAL_STATE == "new"
    assert [s.code for s in workflow.STATES if not s.is_open] == ["closed"]
    assert len(STATE_CODES) == len(workflow.STATES)


def test_every_transition_joins_known_states_and_has_a_unique_name():
    names = [t.name for t in workflow.TRANSITIONS]
    assert len(names) == len(set(names)) == len(workflow.TRANSITION_BY_NAME)
    for transition in workflow.TRANSITIONS:
        assert transition.sources, transition.name
        assert transition.sources <= STATE_CODES, transition.name
        assert transition.target in STATE_CODES, transition.name
        assert transition.target not in transition.sources, transition.name
        assert transition.label


def test_every_state_is_reachable_from_new():
    assert reachable(workflow.INITIAL_STATE, EDGES) == STATE_CODES
    assert set(paths_from_initial()) == STATE_CODES


def test_closed_is_reachable_from_every_open_state():
    for state in workflow.OPEN_STATES:
        assert "closed" in reachable(state, EDGES), state


def test_a_closed_case_can_only_be_reopened():
    assert [t.name for t in workflow.transitions_from("closed")] == ["reopen"]


def test_each_transition_is_for_the_roles_the_issue_gives_it():
    assert {t.name: t.roles for t in workflow.TRANSITIONS} == EXPECTED_ROLES
    for transition in workflow.TRANSITIONS:
        assert Role.PARTNER not in transition.roles and Role.ADMIN not in transition.roles


def test_closing_transitions_need_an_outcome_and_reasoned_ones_a_reason():
    for transition in workflow.TRANSITIONS:
        closing = transition.target == "closed" or transition.name == "request_closure"
        assert transition.needs_outcome == closing, transition.name
        assert (workflow.outcome_given in transition.guards) == closing, transition.name
        assert (workflow.flytip_cleared in transition.guards) == closing, transition.name
        assert (workflow.duplicate_names_original in transition.guards) == closing, transition.name
        assert transition.needs_reason == (workflow.reason_given in transition.guards), transition.name
    assert workflow.TRANSITION_BY_NAME["reopen"].needs_reason
    assert workflow.officer_assigned in workflow.TRANSITION_BY_NAME["investigate"].guards


def test_available_to_follows_the_table():
    assert [t.name for t in workflow.available_to(Role.OFFICER, "new")] == ["triage", "request_closure"]
    assert [t.name for t in workflow.available_to(Role.MANAGER, "new")] == ["triage", "close"]
    assert [t.name for t in workflow.available_to(Role.MANAGER, "closed")] == ["reopen"]
    assert workflow.available_to(Role.OFFICER, "closed") == []
    assert workflow.available_to(Role.PARTNER, "new") == []
    assert workflow.state_label("triaged") == "Triaged" and workflow.state_label("nowhere") == "nowhere"
    assert (
        workflow.outcome_label("duplicate") == "Duplicate of another case"
        and workflow.outcome_label(None) == ""
    )


# ---- guards, through the services --------------------------------------------------------------


def refused(
    case: Case, actor, name: str, given: workflow.TransitionInput, error=services.CaseError, match=None
):
    """Fire and expect a refusal that changes nothing."""
    before = snapshot(case)
    with pytest.raises(error, match=match) as raised:
        services.fire(actor, case, name, case.version, given)
    assert not db.session.dirty and not db.session.new
    assert snapshot(case) == before
    return raised.value


def test_closing_a_flytip_needs_its_clearance_recorded(app, cast):
    case = make_case(cast.officer)
    given = workflow.TransitionInput(outcome="resolved")
    error = refused(case, cast.manager, "close", given, match="Record the clearance")
    assert type(error) is services.CaseError
    refused(case, cast.officer, "request_closure", given, match="Record the clearance")
    clear_flytips(case, cast.officer)
    services.fire(cast.manager, case, "close", case.version, given)
    assert (case.state, case.outcome) == ("closed", "resolved")


def test_a_second_uncleared_incident_blocks_closing_again(app, cast):
    case = make_case(cast.officer)
    clear_flytips(case, cast.officer)
    services.fire(
        cast.officer, case, "request_closure", case.version, workflow.TransitionInput(outcome="resolved")
    )
    services.add_incident(cast.officer, case, incident_input(cast.dartford))
    refused(
        case, cast.manager, "approve_closure", workflow.TransitionInput(outcome="resolved"), match="clearance"
    )


@pytest.mark.parametrize("outcome", sorted(workflow.OUTCOMES_WITHOUT_CLEARANCE))
def test_a_duplicate_or_someone_else_s_flytip_closes_without_clearance(app, cast, outcome):
    original = make_case(cast.officer)
    case = make_case(cast.officer)
    given = workflow.TransitionInput(
        outcome=outcome, duplicate_of=original if outcome == "duplicate" else None
    )
    services.fire(cast.manager, case, "close", case.version, given)
    assert case.state == "closed" and case.outcome == outcome
    assert case.duplicate_of == (original if outcome == "duplicate" else None)


def test_other_case_types_close_without_clearance(app, cast):
    case = make_case(cast.officer, code="graffiti")
    services.fire(cast.manager, case, "close", case.version, workflow.TransitionInput(outcome="resolved"))
    assert case.state == "closed"


def test_closing_as_duplicate_needs_another_case_of_the_same_borough(app, cast):
    case = make_case(cast.officer, code="noise")
    elsewhere = make_case(cast.other_officer, code="noise", borough=cast.gravesham, postcode="DA11 0AA")
    duplicate = "duplicate"
    error = refused(
        case, cast.manager, "close", workflow.TransitionInput(outcome=duplicate), match="Enter the reference"
    )
    assert error.field == "duplicate_of"
    refused(
        case,
        cast.manager,
        "close",
        workflow.TransitionInput(outcome=duplicate, duplicate_of=case),
        match="itself",
    )
    refused(
        case,
        cast.manager,
        "close",
        workflow.TransitionInput(outcome=duplicate, duplicate_of=elsewhere),
        match="same borough",
    )
    original = make_case(cast.officer, code="noise")
    services.fire(
        cast.manager,
        case,
        "close",
        case.version,
        workflow.TransitionInput(outcome=duplicate, duplicate_of=original),
    )
    assert case.duplicate_of_id == original.id
    assert "duplicate of " + original.reference in last_event(case, "transition:").summary


def test_a_duplicate_of_given_with_another_outcome_is_not_kept(app, cast):
    case, other = make_case(cast.officer, code="noise"), make_case(cast.officer, code="noise")
    services.fire(
        cast.manager,
        case,
        "close",
        case.version,
        workflow.TransitionInput(outcome="resolved", duplicate_of=other),
    )
    assert case.duplicate_of_id is None


@pytest.mark.parametrize("name", ["close", "request_closure", "approve_closure"])
@pytest.mark.parametrize("outcome", [None, "", "fixed", "RESOLVED"])
def test_an_outcome_is_required_to_close(app, cast, name, outcome):
    case = make_case(cast.officer, code="graffiti")
    if name == "approve_closure":
        services.fire(
            cast.officer, case, "request_closure", case.version, workflow.TransitionInput(outcome="resolved")
        )
    actor = cast.officer if name == "request_closure" else cast.manager
    error = refused(case, actor, name, workflow.TransitionInput(outcome=outcome), match="Select an outcome")
    assert error.field == "outcome"


def test_a_closure_request_is_approved_or_declined_by_a_manager(app, cast):
    case = make_case(cast.officer, code="graffiti")
    services.fire(
        cast.officer,
        case,
        "request_closure",
        case.version,
        workflow.TransitionInput(outcome="no_further_action"),
    )
    assert (case.state, case.requested_outcome, case.outcome) == (
        "closure_requested",
        "no_further_action",
        None,
    )
    refused(
        case,
        cast.officer,
        "approve_closure",
        workflow.TransitionInput(outcome="resolved"),
        services.NotAllowed,
    )
    refused(
        case, cast.manager, "decline_closure", workflow.TransitionInput(reason=" "), match="Enter the reason"
    )
    services.fire(
        cast.manager,
        case,
        "decline_closure",
        case.version,
        workflow.TransitionInput(reason="Speak to the victim"),
    )
    assert (case.state, case.requested_outcome) == ("under_investigation", None)
    assert last_event(case, "transition:").after["reason"] == "Speak to the victim"
    services.fire(
        cast.officer, case, "request_closure", case.version, workflow.TransitionInput(outcome="resolved")
    )
    services.fire(
        cast.manager, case, "approve_closure", case.version, workflow.TransitionInput(outcome="resolved")
    )
    assert (case.state, case.outcome, case.requested_outcome) == ("closed", "resolved", None)
    assert case.closed_at is not None


def test_reopening_is_for_managers_and_needs_a_reason(app, cast):
    case = make_case(cast.officer, code="graffiti")
    services.fire(cast.manager, case, "close", case.version, workflow.TransitionInput(outcome="resolved"))
    refused(
        case, cast.officer, "reopen", workflow.TransitionInput(reason="New evidence"), services.NotAllowed
    )
    refused(case, cast.manager, "reopen", workflow.TransitionInput(reason=""), match="Enter the reason")
    refused(case, cast.manager, "reopen", workflow.TransitionInput(reason="   \n"), match="Enter the reason")
    services.fire(cast.manager, case, "reopen", case.version, workflow.TransitionInput(reason="New evidence"))
    assert (case.state, case.outcome, case.closed_at, case.duplicate_of) == (
        "under_investigation",
        None,
        None,
        None,
    )
    assert "Reason: New evidence" in last_event(case, "transition:").summary


def test_investigating_needs_an_assigned_officer(app, cast):
    case = make_case(cast.officer, code="graffiti")
    services.fire(cast.officer, case, "triage", case.version)
    refused(case, cast.officer, "investigate", workflow.TransitionInput(), match="Assign the case")
    services.assign(cast.officer, case, cast.officer, case.version)
    services.fire(cast.officer, case, "investigate", case.version)
    assert case.state == "under_investigation"


def test_a_transition_from_the_wrong_state_or_unknown_is_refused(app, cast):
    case = make_case(cast.officer, code="graffiti")
    refused(case, cast.manager, "reopen", workflow.TransitionInput(reason="x"), match="not possible")
    refused(
        case,
        cast.manager,
        "approve_closure",
        workflow.TransitionInput(outcome="resolved"),
        match="not possible",
    )
    refused(case, cast.manager, "teleport", workflow.TransitionInput(), match="not possible")


@pytest.mark.parametrize("who", ["other_officer", "other_manager", "partner", "admin"])
def test_users_out_of_scope_cannot_fire_anything(app, cast, who):
    case = make_case(cast.officer, code="graffiti")
    user = getattr(cast, who)
    for transition in workflow.transitions_from(case.state):
        refused(
            case,
            user,
            transition.name,
            workflow.TransitionInput(outcome="resolved", reason="x"),
            services.NotAllowed,
        )
    assert services.allowed_transitions(user, case) == []


def test_a_partnership_manager_may_work_any_borough(app, cast):
    case = make_case(cast.other_officer, code="graffiti", borough=cast.gravesham, postcode="DA11 0AA")
    assert [t.name for t in services.allowed_transitions(cast.partnership_manager, case)] == [
        "triage",
        "close",
    ]
    services.fire(cast.partnership_manager, case, "triage", case.version)
    assert case.state == "triaged"


# ---- history -----------------------------------------------------------------------------------


def test_each_change_adds_one_event_with_actor_before_and_after(app, cast):
    case = make_case(cast.officer, code="graffiti")
    assert event_kinds(case)[:2] == ["created", "incident_added"]
    assert event_count(case, "transition:") == 0
    total = event_count(case)
    services.fire(cast.officer, case, "triage", case.version)
    assert event_count(case, "transition:") == 1 and event_count(case) > total
    event = last_event(case, "transition:")
    assert (event.kind, event.actor_id) == ("transition:triage", cast.officer.id)
    assert event.before == {"state": "new", "outcome": None}
    assert event.after == {"state": "triaged", "outcome": None}
    assert event.at is not None and "Triage: New to Triaged" in event.summary
    services.fire(cast.manager, case, "close", case.version, workflow.TransitionInput(outcome="prosecuted"))
    event = last_event(case, "transition:")
    assert event.before == {"state": "triaged", "outcome": None}
    assert event.after == {"state": "closed", "outcome": "prosecuted"}
    assert "(outcome: Prosecuted)" in event.summary and event.actor_id == cast.manager.id
    assert event_count(case, "transition:") == 2


# ---- optimistic locking ------------------------------------------------------------------------


def test_a_stale_expected_version_raises_stale_case_and_changes_nothing(app, cast):
    case = make_case(cast.officer, code="graffiti")
    opened_at = case.version
    services.fire(cast.manager, case, "triage", case.version)  # someone else moves it first
    before = snapshot(case)
    with pytest.raises(services.StaleCase, match="changed since you opened it"):
        services.fire(
            cast.officer, case, "request_closure", opened_at, workflow.TransitionInput(outcome="resolved")
        )
    with pytest.raises(services.StaleCase):
        services.assign(cast.manager, case, cast.officer, opened_at)
    incident = case.incidents[0]
    flytip = make_case(cast.officer)
    stale = flytip.version
    services.fire(cast.officer, flytip, "triage", flytip.version)
    with pytest.raises(services.StaleCase):
        services.record_clearance(cast.officer, flytip.incidents[0], utcnow().date(), "council", None, stale)
    assert snapshot(case) == before and incident.case is case
    assert not flytip.incidents[0].flytip.is_cleared


def test_a_concurrent_write_to_the_same_case_raises_stale_case(app, cast):
    case = make_case(cast.officer, code="graffiti")
    version = case.version
    # Another request commits a change to the same row, behind this session's back.
    with db.engine.begin() as conn:
        conn.execute(update(Case).where(Case.id == case.id).values(version=Case.version + 1, state="triaged"))
    with pytest.raises(services.StaleCase):
        services.fire(cast.manager, case, "triage", version)  # this session still believes version and "new"
    assert not db.session.dirty and not db.session.new
    fresh = snapshot(case)
    assert fresh[0] == "triaged" and fresh[1] == version + 1


def test_clearance_dates_are_checked_against_today(app, cast):
    case = make_case(cast.officer)
    tomorrow = utcnow().date() + timedelta(days=2)
    with pytest.raises(services.CaseError, match="today or in the past"):
        services.record_clearance(cast.officer, case.incidents[0], tomorrow, "council", None, case.version)
