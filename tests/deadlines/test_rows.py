"""Deadline rows follow the case: written when a clock starts, met or cancelled when the case moves on."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from casework.cases import services as case_services
from casework.cases.models import Case
from casework.cases.workflow import TransitionInput
from casework.deadlines import services
from casework.deadlines.calendar import WorkingCalendar, current_calendar
from casework.deadlines.models import Deadline, ServiceLevelPolicy
from casework.deadlines.queries import due_soon_clause, overdue_case_ids_clause
from casework.extensions import db
from casework.formatting import LONDON
from tests.cases.builders import dartford, make_case, manager_in, officer_in
from tests.deadlines.builders import WEDNESDAY, add_deadline, default_policies, events


def _rows(case: Case, *, open_only: bool = False) -> dict[str, Deadline]:
    db.session.expire_all()
    query = select(Deadline).where(Deadline.case_id == case.id)
    if open_only:
        query = query.where(Deadline.met_at.is_(None), Deadline.cancelled_at.is_(None))
    return {row.kind: row for row in db.session.scalars(query.order_by(Deadline.id))}


def _fire(actor, case, name, **given):
    return case_services.fire(actor, case, name, case.version, TransitionInput(**given))


def test_logging_a_flytip_starts_acknowledge_triage_and_clearance_clocks(app):
    default_policies()
    case = make_case()

    rows = _rows(case)
    assert set(rows) == {"acknowledge", "triage", "clear_flytip"}
    calendar = WorkingCalendar()
    start = rows["acknowledge"].started_at
    assert rows["acknowledge"].due_at == calendar.due_after_working_days(start, 2)
    assert rows["triage"].due_at == calendar.due_after_working_days(start, 3)
    assert rows["clear_flytip"].due_at == calendar.due_after_working_days(start, 5)
    # The reminder one working day before, the first rung at the due time; the ladder is copied.
    assert rows["acknowledge"].remind_at == calendar.before_working_days(rows["acknowledge"].due_at, 1)
    assert rows["acknowledge"].escalate_at == rows["acknowledge"].due_at
    assert rows["acknowledge"].ladder[-1] == "panel:csmap"
    assert rows["acknowledge"].state == "new" and rows["clear_flytip"].state is None
    started = [event.summary for event in events(case, "deadline_started")]
    assert len(started) == 3
    assert any(summary.startswith("Clock started: Acknowledge the report, due by") for summary in started)


def test_a_case_that_is_not_a_flytip_has_no_clearance_clock(app):
    default_policies()
    case = make_case(code="graffiti")
    assert set(_rows(case)) == {"acknowledge", "triage"}


def test_no_policies_no_deadlines(app):
    case = make_case()
    assert _rows(case) == {}
    assert events(case, "deadline_started") == []


def test_leaving_new_meets_acknowledge_and_triage_and_starts_the_review(app):
    default_policies()
    borough = dartford()
    officer = officer_in(borough)
    case = make_case(officer)
    _fire(officer, case, "triage")
    rows = _rows(case)
    assert rows["acknowledge"].met_at is not None and rows["triage"].met_at is not None
    assert "case moved on to Triaged" in rows["triage"].end_note
    assert rows["clear_flytip"].is_open  # the waste contractor's clock does not care about the workflow
    met = [event.summary for event in events(case, "deadline_met")]
    assert "Deadline met (on time): Triage: case moved on to Triaged" in met

    case_services.assign(officer, case, officer, case.version)
    _fire(officer, case, "investigate")
    review = _rows(case, open_only=True)["review"]
    assert review.state == "under_investigation"
    first_review_id = review.id

    # Investigation -> enforcement: the review clock keeps running (both states run one).
    _fire(officer, case, "take_enforcement_action")
    assert _rows(case, open_only=True)["review"].id == first_review_id
    _fire(officer, case, "await_compliance")
    assert _rows(case, open_only=True)["review"].id == first_review_id


def test_referral_to_a_panel_meets_the_review_and_starts_the_panel_review(app):
    default_policies()
    borough = dartford()
    officer, manager = officer_in(borough), manager_in(borough)
    case = make_case(officer, code="asb_nuisance")
    _fire(officer, case, "triage")
    case_services.assign(manager, case, officer, case.version)
    _fire(officer, case, "investigate")
    _fire(manager, case, "refer_to_panel", reason="Repeat victim")
    open_rows = _rows(case, open_only=True)
    assert set(open_rows) == {"panel_review"}
    _fire(manager, case, "return_from_panel")
    open_rows = _rows(case, open_only=True)
    assert set(open_rows) == {"review"}
    assert _rows(case)["panel_review"].met_at is not None


def test_closing_meets_what_closing_answers_and_cancels_the_rest(app):
    default_policies()
    borough = dartford()
    officer, manager = officer_in(borough), manager_in(borough)
    original = make_case(officer)
    duplicate = make_case(officer)
    _fire(manager, duplicate, "close", outcome="duplicate", duplicate_of=original)
    rows = _rows(duplicate)
    assert rows["acknowledge"].met_at is not None and rows["triage"].met_at is not None
    assert rows["clear_flytip"].cancelled_at is not None and rows["clear_flytip"].met_at is None
    assert [e.summary for e in events(duplicate, "deadline_cancelled")] == [
        "Deadline no longer needed: Clear the flytip: case closed"
    ]
    assert _rows(duplicate, open_only=True) == {}


def test_recording_the_clearance_meets_the_clearance_clock(app):
    default_policies()
    officer = officer_in(dartford())
    case = make_case(officer)
    incident = case.incidents[0]
    case_services.record_clearance(
        officer, incident, date.today() - timedelta(days=1), "council", Decimal("80"), case.version
    )
    row = _rows(case)["clear_flytip"]
    assert row.met_at is not None and row.end_note == "clearance recorded"
    assert any(e.summary.startswith("Deadline met") for e in events(case, "deadline_met"))


def test_a_repeat_report_of_an_uncleared_flytip_does_not_start_a_second_clock(app):
    default_policies()
    officer = officer_in(dartford())
    case = make_case(officer)
    from tests.cases.builders import incident_input

    case_services.add_incident(officer, case, incident_input(case.borough))
    clocks = [
        row
        for row in db.session.scalars(
            select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == "clear_flytip")
        )
    ]
    assert len(clocks) == 1


def test_a_new_flytip_after_clearance_starts_a_new_clearance_clock(app):
    default_policies()
    officer = officer_in(dartford())
    case = make_case(officer)
    case_services.record_clearance(officer, case.incidents[0], date.today(), "council", None, case.version)
    from tests.cases.builders import incident_input

    case_services.add_incident(officer, case, incident_input(case.borough))
    clocks = db.session.scalars(
        select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == "clear_flytip")
    ).all()
    assert sorted(row.is_open for row in clocks) == [False, True]


def test_reopening_starts_a_review(app):
    default_policies()
    borough = dartford()
    manager = manager_in(borough)
    case = make_case(officer_in(borough), code="graffiti")
    _fire(manager, case, "close", outcome="no_further_action")
    assert _rows(case, open_only=True) == {}
    _fire(manager, case, "reopen", reason="New reports")
    assert set(_rows(case, open_only=True)) == {"review"}


def test_system_escalation_to_panel_respects_the_workflow_sources(app):
    default_policies()
    borough = dartford()
    officer = officer_in(borough)
    case = make_case(officer, code="graffiti")
    now = case.created_at + timedelta(days=1)
    assert case_services.escalate_to_panel(case, "Overdue", now) is False  # not from New
    db.session.rollback()
    _fire(officer, case, "triage")
    assert case_services.escalate_to_panel(case, "Overdue: triage", now) is True
    db.session.commit()
    case = db.session.get(Case, case.id)
    assert case.state == "referred_to_panel"
    moved = events(case, "transition:refer_to_panel")
    assert len(moved) == 1 and moved[0].actor_id is None and "Overdue: triage" in moved[0].summary
    assert set(_rows(case, open_only=True)) == {"panel_review"}


def test_most_specific_policy_sets_the_due_date(app):
    default_policies()
    flytip_triage = ServiceLevelPolicy(
        kind="triage",
        case_type_group="flytipping",
        state="new",
        duration_value=1,
        duration_unit="working_days",
    )
    db.session.add(flytip_triage)
    db.session.commit()
    flytip = make_case()
    graffiti = make_case(code="graffiti")
    calendar = WorkingCalendar()
    row = _rows(flytip)["triage"]
    assert row.policy_id == flytip_triage.id
    assert row.due_at == calendar.due_after_working_days(row.started_at, 1)
    other = _rows(graffiti)["triage"]
    assert other.due_at == calendar.due_after_working_days(other.started_at, 3)


def test_start_clock_with_a_given_due_date_and_closures_from_the_database(app):
    default_policies()
    case = make_case(code="graffiti")
    row = services.start_clock(case, "partner_action", WEDNESDAY, action_id=7)
    # 10 working days from Wednesday 13 January 2027 is Wednesday 27 January, 17:00 London.
    assert row.due_at.astimezone(LONDON).date() == date(2027, 1, 27)
    assert services.start_clock(case, "partner_action", WEDNESDAY, action_id=7) is row  # already running
    other = services.start_clock(
        case, "partner_action", WEDNESDAY, action_id=8, due_at=WEDNESDAY + timedelta(days=2)
    )
    assert other is not row and other.due_at == WEDNESDAY + timedelta(days=2)
    db.session.commit()


def test_open_deadlines_for_the_case_page(app):
    case = make_case(officer_in(dartford()), code="graffiti")
    overdue = add_deadline(case, due_at=WEDNESDAY - timedelta(hours=1), kind="acknowledge")
    soon = add_deadline(case, due_at=WEDNESDAY + timedelta(days=6), kind="triage")  # Tuesday 19 January
    views = services.open_deadlines(case, WEDNESDAY)
    assert [v.id for v in views] == [overdue.id, soon.id]
    assert views[0].overdue and views[0].status == "Overdue"
    assert views[0].next_rung == "The assigned officer (the borough's managers while unassigned)"
    assert not views[1].overdue and views[1].working_days_left == 4  # Thu, Fri, Mon, Tue
    assert views[1].status == "4 working days left"


def test_overdue_and_due_soon_clauses(app):
    borough = dartford()
    officer = officer_in(borough)
    overdue_case = make_case(officer, code="graffiti")
    soon_case = make_case(officer, code="graffiti")
    later_case = make_case(officer, code="graffiti")
    met_case = make_case(officer, code="graffiti")
    add_deadline(overdue_case, due_at=WEDNESDAY - timedelta(minutes=1))
    # Due soon: by the end of Friday, two working days after Wednesday.
    add_deadline(soon_case, due_at=WEDNESDAY + timedelta(days=2, hours=7))
    add_deadline(later_case, due_at=WEDNESDAY + timedelta(days=5))
    met = add_deadline(met_case, due_at=WEDNESDAY - timedelta(days=1))
    services.meet(met_case, met.kind, WEDNESDAY)
    db.session.commit()

    def ids(clause) -> set[int]:
        return set(db.session.scalars(select(Case.id).where(clause)))

    assert ids(overdue_case_ids_clause(WEDNESDAY)) == {overdue_case.id}
    assert ids(due_soon_clause(WEDNESDAY)) == {soon_case.id}
    assert ids(due_soon_clause(WEDNESDAY, working_days=5)) == {soon_case.id, later_case.id}
    assert ids(due_soon_clause(WEDNESDAY, working_days=0)) == set()


def test_calendar_closures_come_from_the_database(app):
    from casework.auth.roles import Role
    from casework.deadlines import admin
    from tests.builders import make_user

    friday = date(2027, 1, 15)
    assert current_calendar().add_working_days(date(2027, 1, 14), 1) == friday
    admin.add_closure_day(make_user(Role.ADMIN), friday, "Staff training day")
    assert not current_calendar().is_working_day(friday)
    assert current_calendar().non_working_reason(friday) == "Council closure"
    assert current_calendar().add_working_days(date(2027, 1, 14), 1) == date(2027, 1, 18)
    case = make_case(code="graffiti")
    default_policies()
    row = services.start_clock(case, "acknowledge", WEDNESDAY)  # 2 working days: Thu, (Fri closed), Mon
    assert row.due_at.astimezone(LONDON).date() == date(2027, 1, 18)
    db.session.rollback()
