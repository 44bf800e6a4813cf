"""Each case review clock, counted in working days over the Easter, May and Christmas bank holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from casework.deadlines.models import Deadline, ServiceLevelPolicy
from casework.deadlines.sweep import sweep
from casework.extensions import db
from casework.formatting import LONDON
from casework.reviews import services
from tests.cases.builders import dartford, manager_in, officer_in
from tests.reviews.builders import add_report, apply, at, victim_case

# Wednesday 24 March 2027: Good Friday (26 March) and Easter Monday (29 March) fall inside the first clocks.
RECEIVED = date(2027, 3, 24)


def due_day(row: Deadline) -> date:
    assert row.due_at.astimezone(LONDON).hour == 17  # the end of the working day, London time
    return row.due_at.astimezone(LONDON).date()


def clock(application, kind: str) -> Deadline:
    db.session.expire_all()
    rows = db.session.scalars(
        select(Deadline).where(Deadline.case_id == application.case_id, Deadline.kind == kind)
    ).all()
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture
def people(app):
    borough = dartford()
    return officer_in(borough), manager_in(borough)


@pytest.fixture
def application(people):
    officer, _manager = people
    case = victim_case(officer, reported=date(2027, 3, 1))
    for day in (date(2027, 2, 10), date(2027, 3, 10)):
        add_report(officer, case, day)
    return apply(officer, case, RECEIVED)


def test_acknowledgement_is_due_in_3_working_days_and_threshold_in_10_over_easter(application):
    # Thu 25, (Good Friday, Easter Monday), Tue 30, Wed 31 March.
    assert due_day(clock(application, services.ACKNOWLEDGE)) == date(2027, 3, 31)
    # ... Thu 1, Fri 2, Mon 5 to Fri 9 April.
    assert due_day(clock(application, services.THRESHOLD)) == date(2027, 4, 9)
    assert clock(application, services.THRESHOLD).label.endswith(f"({application.reference})")


def test_the_victims_reports_become_the_complaints_and_meet_the_threshold(application):
    assessment = services.assessment(application)

    assert [c.reported_on for c in application.complaints] == [
        date(2027, 2, 10),
        date(2027, 3, 1),
        date(2027, 3, 10),
    ]
    assert assessment.qualifying == 3 and assessment.met


def test_each_step_meets_its_clock_and_starts_the_next(people, application):
    officer, _ = people
    services.acknowledge(officer, application, date(2027, 3, 25), at(date(2027, 3, 25)))
    assert clock(application, services.ACKNOWLEDGE).met_at is not None

    services.decide_threshold(
        officer, application, True, "Three reports", date(2027, 4, 9), at(date(2027, 4, 9), 16)
    )
    threshold = clock(application, services.THRESHOLD)
    assert threshold.met_at <= threshold.due_at  # on time, on the last day
    # 20 working days from Fri 9 April, over the Early May bank holiday (Mon 3 May): Mon 10 May.
    assert due_day(clock(application, services.MEETING)) == date(2027, 5, 10)

    services.record_meeting(officer, application, date(2027, 5, 27), "Plan agreed", at(date(2027, 5, 27)))
    assert clock(application, services.MEETING).met_at is not None
    # 5 working days after Thu 27 May, over the Spring bank holiday (Mon 31 May): Fri 4 June.
    assert due_day(clock(application, services.OUTCOME)) == date(2027, 6, 4)

    services.record_outcome_sent(officer, application, date(2027, 6, 3), at(date(2027, 6, 3)))
    assert clock(application, services.OUTCOME).met_at is not None
    assert application.status == "outcome_sent"


def test_a_step_recorded_for_an_earlier_day_meets_the_clock_on_that_day(people, application):
    officer, _ = people
    services.acknowledge(officer, application, date(2027, 3, 31), at(date(2027, 4, 6)))

    met = clock(application, services.ACKNOWLEDGE).met_at
    assert met.astimezone(LONDON).date() == date(2027, 3, 31)
    assert met <= clock(application, services.ACKNOWLEDGE).due_at


def test_an_appeal_is_due_in_15_working_days_over_christmas(people):
    officer, _manager = people
    case = victim_case(officer, reported=date(2027, 11, 1))
    received = date(2027, 12, 1)
    app_ = apply(officer, case, received)
    services.acknowledge(officer, app_, received, at(received))
    services.decide_threshold(officer, app_, False, "One report", date(2027, 12, 10), at(date(2027, 12, 10)))
    services.receive_appeal(
        officer, app_, "threshold", date(2027, 12, 20), "More happened", at(date(2027, 12, 20))
    )

    # Tue 21 to Fri 24, (27 and 28 December: substitute days), Wed 29 to Fri 31, (Mon 3 January 2028:
    # New Year's Day substitute), Tue 4 to Thu 13 January.
    assert due_day(clock(app_, services.APPEAL)) == date(2028, 1, 13)


def test_the_clocks_follow_the_service_levels_the_admin_sets(people):
    officer, _ = people
    policy = db.session.scalar(
        select(ServiceLevelPolicy).where(ServiceLevelPolicy.kind == services.ACKNOWLEDGE)
    )
    policy.duration_value = 1
    db.session.commit()
    case = victim_case(officer, reported=date(2027, 3, 1))

    app_ = apply(officer, case, RECEIVED)

    assert due_day(clock(app_, services.ACKNOWLEDGE)) == date(2027, 3, 25)


def test_without_a_service_level_the_default_working_days_still_apply(people):
    officer, _ = people
    db.session.execute(db.delete(ServiceLevelPolicy))
    db.session.commit()
    case = victim_case(officer, reported=date(2027, 3, 1))

    app_ = apply(officer, case, RECEIVED)

    assert due_day(clock(app_, services.ACKNOWLEDGE)) == date(2027, 3, 31)
    assert due_day(clock(app_, services.THRESHOLD)) == date(2027, 4, 9)


def test_closing_an_application_cancels_its_open_clocks(people, application):
    officer, _ = people
    services.close(officer, application, datetime(2027, 3, 26, 10, tzinfo=UTC))

    assert clock(application, services.ACKNOWLEDGE).cancelled_at is not None
    assert clock(application, services.THRESHOLD).cancelled_at is not None


def test_the_sweep_reminds_and_escalates_a_threshold_decision_like_any_deadline(people, application):
    officer, _ = people
    services.acknowledge(officer, application, date(2027, 3, 25), at(date(2027, 3, 25)))

    sweep(at(date(2027, 4, 6)))
    assert clock(application, services.THRESHOLD).reminded_at is None
    sweep(at(date(2027, 4, 8)))  # two working days' lead before Fri 9 April
    reminded = clock(application, services.THRESHOLD)
    assert reminded.reminded_at is not None and reminded.escalation_level == 0
    sweep(at(date(2027, 4, 12)))  # the decision was missed
    assert clock(application, services.THRESHOLD).escalation_level == 1


def test_a_decision_recorded_in_time_stops_the_chasing(people, application):
    officer, _ = people
    services.acknowledge(officer, application, date(2027, 3, 25), at(date(2027, 3, 25)))
    services.decide_threshold(
        officer, application, False, "Two reports", date(2027, 4, 6), at(date(2027, 4, 6))
    )

    sweep(at(date(2027, 4, 12)))

    row = clock(application, services.THRESHOLD)
    assert row.reminded_at is None and row.escalation_level == 0
    assert clock(application, services.ACKNOWLEDGE).escalation_level == 0
