"""The workflow as a state machine, driven through the real services on the test database.

Hypothesis fires random transitions as random users (officers and managers of the case's borough, a
partnership manager, staff of the other borough, a partner, an administrator) with random input
(outcomes, the original of a duplicate, reasons, stale versions), and also assigns, records clearance
and adds repeat reports. After every step it checks that the case is in a valid state, and each
result against an independent model of the rules the issue sets. Alongside: every state is reachable
through the services, every allowed transition works, and every forbidden one is refused.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import services, workflow
from casework.cases.models import Case, CaseEvent
from casework.db_types import utcnow
from casework.extensions import db
from tests.cases.builders import incident_input, make_case
from tests.cases.workflow_helpers import (
    CLOSING,
    EXPECTED_ROLES,
    NEEDS_REASON,
    Cast,
    actor_for,
    clear_flytips,
    drive_to,
    last_event,
    make_cast,
    paths_from_initial,
    satisfy,
    snapshot,
)

ACTORS = (
    "officer", "colleague", "manager", "partnership_manager",
    "other_officer", "other_manager", "partner", "admin",
)  # fmt: skip
ALL_NAMES = [t.name for t in workflow.TRANSITIONS] + ["teleport"]
OUTCOME_CODES = [code for code, _ in workflow.OUTCOMES]
VISITED: set[str] = set()  # states the machine moved cases into, to show it did more than get refused
MACHINE_SETTINGS = settings(
    max_examples=30,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def likely_actors(name: str) -> list[str]:
    """Users whose role the rules allow to fire `name` (a bias for the machine, not a rule)."""
    roles = EXPECTED_ROLES.get(name, frozenset())
    users = ["officer", "colleague"] if Role.OFFICER in roles else []
    users += ["manager", "partnership_manager"] if Role.MANAGER in roles else []
    return users or list(ACTORS)


def may_work(user: User, case: Case) -> bool:
    """The model's own statement of scope: staff of the case's borough, or partnership-wide staff."""
    return user.role_enum in (Role.OFFICER, Role.MANAGER) and user.borough_id in (None, case.borough_id)


def expected_refusal(case: Case, user: User, name: str, given: workflow.TransitionInput, stale: bool):
    """The exception the rules call for, or None when the transition must go ahead."""
    if not may_work(user, case):
        return services.NotAllowed
    if stale:
        return services.StaleCase
    if name not in EXPECTED_ROLES or case.state not in workflow.TRANSITION_BY_NAME[name].sources:
        return services.CaseError
    if user.role_enum not in EXPECTED_ROLES[name]:
        return services.NotAllowed
    if name in CLOSING and not _may_close(case, given):
        return services.CaseError
    if name == "investigate" and case.assigned_to_id is None:
        return services.CaseError
    if name in NEEDS_REASON and not given.reason.strip():
        return services.CaseError
    return None


def _may_close(case: Case, given: workflow.TransitionInput) -> bool:
    if given.outcome not in OUTCOME_CODES:
        return False
    if given.outcome == "duplicate":
        original = given.duplicate_of
        if original is None or original.id == case.id or original.borough_id != case.borough_id:
            return False
    if case.case_type.is_flytipping and given.outcome not in ("duplicate", "not_our_responsibility"):
        return all(i.flytip is not None and i.flytip.is_cleared for i in case.incidents)
    return True


TRACKED = frozenset({"created", "incident_added", "assigned", "clearance_recorded"})


def recorded(case: Case) -> Counter:
    """The case's history entries of the kinds the machine's changes make (other areas may add more)."""
    kinds = db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id))
    return Counter(
        "transition" if kind.startswith("transition:") else kind
        for kind in kinds
        if kind in TRACKED or kind.startswith("transition:")
    )


def assert_clean() -> None:
    assert not db.session.new and not db.session.dirty and not db.session.deleted


class CaseMachine(RuleBasedStateMachine):
    """One case per example, pushed around by everyone."""

    def __init__(self, cast: Cast, originals: dict[str, Case]) -> None:
        super().__init__()
        self.cast = cast
        self.originals = originals
        self.case_id: int | None = None
        self.expected = Counter()  # history entries each successful change must have left, by kind

    # ---- helpers --------------------------------------------------------------------------------

    def fresh(self) -> Case:
        db.session.expire_all()
        return db.session.get(Case, self.case_id)

    def user(self, who: str) -> User:
        return getattr(self.cast, who)

    def check_refusal(self, case: Case, before: tuple) -> None:
        assert_clean()
        assert snapshot(case) == before, "a refused change changed the case"

    # ---- rules ----------------------------------------------------------------------------------

    @initialize(code=st.sampled_from(["flytipping", "flytipping", "graffiti", "asb_personal"]))
    def open_case(self, code: str) -> None:
        db.session.rollback()
        case = make_case(self.cast.officer, code=code)
        self.case_id = case.id
        self.expected = recorded(case)

    @rule(data=st.data())
    def fire(self, data: st.DataObject) -> None:
        self.fire_something(data)

    @rule(data=st.data())
    def fire_again(self, data: st.DataObject) -> None:
        """The same as `fire`: two rules make moves twice as likely as the other steps."""
        self.fire_something(data)

    def fire_something(self, data: st.DataObject) -> None:
        here = [t.name for t in workflow.transitions_from(self.fresh().state)]
        # Lean towards what could work from here, so that examples walk deep into the workflow.
        name = data.draw(
            st.sampled_from(here) | st.sampled_from(here) | st.sampled_from(ALL_NAMES), label="name"
        )
        likely = likely_actors(name)
        who = data.draw(
            st.sampled_from(likely) | st.sampled_from(likely) | st.sampled_from(ACTORS), label="who"
        )
        outcome = data.draw(
            st.sampled_from(OUTCOME_CODES) | st.sampled_from([None, "", "fixed", "duplicate"])
        )
        duplicate = data.draw(
            st.sampled_from([None, "itself", "same_borough", "same_borough", "other_borough"])
        )
        reason = data.draw(st.sampled_from(["Checked with the team", "Checked with the team", "", "   "]))
        stale = data.draw(st.sampled_from([False] * 7 + [True]), label="stale")
        case, user = self.fresh(), self.user(who)
        original = {"itself": case, None: None}.get(duplicate) or self.originals.get(duplicate)
        given = workflow.TransitionInput(outcome=outcome, duplicate_of=original, reason=reason)
        expected = expected_refusal(case, user, name, given, stale)
        before = snapshot(case)
        case = self.fresh()
        version = case.version + 1 if stale else case.version
        try:
            services.fire(user, case, name, version, given)
        except services.CaseError as error:
            assert type(error) is expected, f"{name} by {who}: expected {expected}, got {error!r}"
            self.check_refusal(case, before)
            return
        assert expected is None, f"{name} by {who} went ahead; the rules say {expected.__name__}"
        transition = workflow.TRANSITION_BY_NAME[name]
        assert user.role_enum in transition.roles and before[0] in transition.sources
        after = self.fresh()
        assert after.state == transition.target and after.version == before[1] + 1
        self.expected["transition"] += 1
        assert recorded(after) == self.expected, "a transition must add exactly one transition event"
        event = last_event(after, "transition:")
        assert event.kind == f"transition:{name}" and event.actor_id == user.id
        assert event.before["state"] == before[0] and event.after["state"] == after.state
        VISITED.add(after.state)

    @rule(
        who=st.sampled_from(["manager", "officer", "partnership_manager", *ACTORS]),
        to=st.sampled_from(
            ["officer", "officer", "colleague", None, "manager", "partnership_manager", "other_officer"]
        ),
        stale=st.sampled_from([False] * 7 + [True]),
    )
    def assign(self, who, to, stale) -> None:
        case, user = self.fresh(), self.user(who)
        officer = self.user(to) if to else None
        before = snapshot(case)
        was = case.assigned_to_id
        try:
            services.assign(user, case, officer, case.version + 1 if stale else case.version)
        except services.CaseError:
            self.check_refusal(case, before)
            return
        assert not stale and may_work(user, case)
        assert officer is None or officer.borough_id in (None, case.borough_id)
        if user.role_enum == Role.OFFICER:
            assert officer is user and was is None, "an officer may only take an unassigned case"
        after = self.fresh()
        assert after.assigned_to_id == (officer.id if officer else None)
        self.expected["assigned"] += was != after.assigned_to_id  # assigning the same officer is no change
        assert recorded(after) == self.expected

    @rule(
        who=st.sampled_from(["officer", "manager", *ACTORS]),
        days_ago=st.sampled_from([0, 3, 3, -2]),
        cleared_by=st.sampled_from(["council", "contractor", "landowner", "the wind"]),
    )
    def record_clearance(self, who, days_ago, cleared_by) -> None:
        case, user = self.fresh(), self.user(who)
        uncleared = [i for i in case.incidents if i.flytip is not None and not i.flytip.is_cleared]
        incident = (uncleared or case.incidents)[0]
        before = snapshot(case)
        cleared_on = (utcnow() - timedelta(days=days_ago)).date()
        try:
            services.record_clearance(user, incident, cleared_on, cleared_by, None, case.version)
        except services.CaseError:
            self.check_refusal(case, before)
            assert (
                incident.flytip is None
                or days_ago < 0
                or cleared_by == "the wind"
                or not may_work(user, case)
            )
            return
        assert may_work(user, case) and days_ago >= 0 and incident.flytip is not None
        self.expected["clearance_recorded"] += 1
        assert recorded(self.fresh()) == self.expected

    @rule(who=st.sampled_from(ACTORS))
    def report_again(self, who) -> None:
        case, user = self.fresh(), self.user(who)
        before = snapshot(case)
        data = incident_input(self.cast.dartford, flytip=case.case_type.is_flytipping, channel="phone")
        try:
            services.add_incident(user, case, data)
        except services.CaseError:
            self.check_refusal(case, before)
            assert not may_work(user, case) or before[0] == "closed"
            return
        assert may_work(user, case) and before[0] != "closed"
        self.expected["incident_added"] += 1
        assert recorded(self.fresh()) == self.expected

    # ---- invariants -----------------------------------------------------------------------------

    @invariant()
    def the_case_is_always_valid(self) -> None:
        if self.case_id is None:
            return
        case = self.fresh()
        assert case.state in {state.code for state in workflow.STATES}
        closed = case.state == "closed"
        assert closed == (case.outcome is not None) == (case.closed_at is not None)
        assert case.outcome is None or case.outcome in OUTCOME_CODES
        assert (case.requested_outcome is not None) == (case.state == "closure_requested")
        if case.outcome == "duplicate":
            original = case.duplicate_of
            assert original is not None and original.id != case.id and original.borough_id == case.borough_id
        else:
            assert case.duplicate_of_id is None
        if (
            closed
            and case.case_type.is_flytipping
            and case.outcome not in workflow.OUTCOMES_WITHOUT_CLEARANCE
        ):
            assert all(i.flytip is not None and i.flytip.is_cleared for i in case.incidents)

    @invariant()
    def the_history_tells_the_whole_story(self) -> None:
        if self.case_id is None:
            return
        case = self.fresh()
        assert recorded(case) == self.expected
        moves = db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.kind.like("transition:%"))
            .order_by(CaseEvent.id)
        ).all()
        state = workflow.INITIAL_STATE
        for event in moves:
            assert event.before["state"] == state
            state = event.after["state"]
        assert state == case.state


@pytest.fixture
def cast(app):
    return make_cast()


def test_no_sequence_of_events_reaches_an_invalid_state(app, cast):
    originals = {
        "same_borough": make_case(cast.colleague, code="graffiti"),
        "other_borough": make_case(
            cast.other_officer, code="graffiti", borough=cast.gravesham, postcode="DA11 0AA"
        ),
    }
    VISITED.clear()
    run_state_machine_as_test(lambda: CaseMachine(cast, originals), settings=MACHINE_SETTINGS)
    assert VISITED, "no transition ever went ahead: the machine tested nothing"


@pytest.mark.parametrize("state", [state.code for state in workflow.STATES])
def test_every_state_is_reachable_through_the_services(app, cast, state):
    path = paths_from_initial()[state]
    case = drive_to(make_case(cast.officer), state, cast)
    assert case.state == state
    moves = [e for e in sorted(case.events, key=lambda e: e.id) if e.kind.startswith("transition:")]
    assert [e.kind for e in moves] == [f"transition:{t.name}" for t in path]


@pytest.mark.parametrize("state", [state.code for state in workflow.STATES])
def test_every_allowed_transition_goes_ahead_with_complete_input(app, cast, state):
    """From each state, each transition the table allows, by each role it names (and partnership managers)."""
    for transition in workflow.transitions_from(state):
        users = [cast.staff_for(role) for role in sorted(transition.roles)]
        users += [cast.partnership_manager] if Role.MANAGER in transition.roles else []
        for user in users:
            case = drive_to(make_case(cast.officer), state, cast)
            given = satisfy(case, transition, cast)
            services.fire(user, case, transition.name, case.version, given)
            assert case.state == transition.target, (state, transition.name, user.role)
    if state != "closed":
        assert workflow.transitions_from(state), f"{state} is a dead end"


@pytest.mark.parametrize("state", [state.code for state in workflow.STATES])
def test_forbidden_transitions_are_refused(app, cast, state):
    case = drive_to(make_case(cast.officer), state, cast)
    if case.assigned_to_id is None:
        services.assign(cast.manager, case, cast.officer, case.version)
    clear_flytips(case, cast.officer)  # every guard passes: any refusal is for the role or the state
    given = workflow.TransitionInput(outcome="resolved", reason="Checked with the team")
    users = [cast.officer, cast.manager, cast.partnership_manager, cast.other_officer, cast.other_manager]
    users += [cast.partner, cast.admin]
    for transition in workflow.TRANSITIONS:
        for user in users:
            allowed = (
                state in transition.sources and user.role_enum in transition.roles and may_work(user, case)
            )
            if allowed:
                continue
            before = snapshot(case)
            case = db.session.get(Case, case.id)
            with pytest.raises(services.CaseError) as raised:
                services.fire(user, case, transition.name, case.version, given)
            if may_work(user, case) and state not in transition.sources:
                assert type(raised.value) is services.CaseError and "not possible" in raised.value.message
            else:
                assert type(raised.value) is services.NotAllowed
            assert_clean()
            assert snapshot(case) == before, (state, transition.name, user.role)
    assert actor_for(workflow.TRANSITION_BY_NAME["close"], cast) is cast.manager
