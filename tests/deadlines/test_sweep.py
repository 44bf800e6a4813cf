"""The sweep: reminders before due, escalation rung by rung after, each step once and only once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casework.auth.roles import Role
from casework.cases import services as case_services
from casework.cases.models import Case
from casework.db_types import utcnow
from casework.deadlines import sweep as sweeper
from casework.deadlines.sweep import sweep
from casework.extensions import db
from tests.builders import make_user
from tests.cases.builders import dartford, gravesham, make_case, manager_in, officer_in
from tests.deadlines.builders import WEDNESDAY, add_deadline, count_events, events, fresh, outbox


class SimulatedKill(BaseException):
    """What a worker killed mid-sweep looks like from inside: nothing after it runs."""


@pytest.fixture
def people():
    borough = dartford()
    return {
        "borough": borough,
        "officer": officer_in(borough),
        "manager": manager_in(borough),
        "other_manager": manager_in(gravesham()),
        "partnership": manager_in(None),
    }


def _investigated_case(people) -> Case:
    """A graffiti case under investigation, assigned to the officer (no policies: no clocks of its own)."""
    officer = people["officer"]
    case = make_case(officer, code="graffiti")
    case_services.fire(officer, case, "triage", case.version)
    case_services.assign(people["manager"], case, officer, case.version)
    case_services.fire(officer, case, "investigate", case.version)
    return case


def _keys(prefix: str) -> list[str]:
    return [message.idempotency_key for message in outbox(prefix)]


def test_a_reminder_goes_once_to_the_assigned_officer(app, people):
    case = _investigated_case(people)
    row = add_deadline(case, due_at=WEDNESDAY, remind_at=WEDNESDAY - timedelta(days=1))
    officer = people["officer"]

    assert sweep(WEDNESDAY - timedelta(days=1, minutes=1)).reminders == 0  # not yet
    first = sweep(WEDNESDAY - timedelta(hours=23))
    again = sweep(WEDNESDAY - timedelta(hours=22))

    assert (first.reminders, again.reminders) == (1, 0)
    assert _keys(f"deadline:{row.id}:") == [f"deadline:{row.id}:reminder:to:{officer.id}"]
    message = outbox(f"deadline:{row.id}:")[0]
    assert message.to_address == officer.email and message.case_id == case.id
    assert case.reference in message.subject and "Triage" in message.subject
    assert f"/cases/{case.reference}" in message.body_text
    reminders = events(case, "deadline_reminder")
    assert len(reminders) == 1
    assert reminders[0].summary.startswith(
        f"Reminder sent to the assigned officer, {officer.name}: Triage is due by"
    )
    row = fresh(row)
    assert row.reminders_sent == 1 and row.reminded_at is not None and row.remind_at is None


def test_an_unassigned_case_is_reminded_to_its_borough_managers(app, people):
    case = make_case(people["officer"], code="graffiti")
    second_manager = manager_in(people["borough"])
    row = add_deadline(case, due_at=WEDNESDAY, remind_at=WEDNESDAY - timedelta(hours=2))

    assert sweep(WEDNESDAY - timedelta(hours=1)).reminders == 1

    recipients = {message.to_address for message in outbox(f"deadline:{row.id}:")}
    assert recipients == {people["manager"].email, second_manager.email}  # not Gravesham's, not partnership
    assert "the Dartford managers" in events(case, "deadline_reminder")[0].summary


def test_several_reminder_lead_times_each_send_once(app, people):
    case = _investigated_case(people)
    from casework.deadlines import services

    row = services.start_clock(
        case,
        "review",
        WEDNESDAY - timedelta(days=7),
        due_at=WEDNESDAY + timedelta(days=1),  # Thursday 14 January, 10:00 UTC
        reminder_leads=[{"value": 1, "unit": "working_days"}, {"value": 2, "unit": "working_hours"}],
        ladder=[],
    )
    db.session.commit()
    assert row.remind_at == WEDNESDAY  # one working day before
    sweep(WEDNESDAY)
    sweep(WEDNESDAY + timedelta(minutes=5))
    # Two office hours before 10:00 Thursday: 09:00-10:00 Thursday and 16:00-17:00 Wednesday.
    assert fresh(row).remind_at == WEDNESDAY + timedelta(hours=6)
    sweep(WEDNESDAY + timedelta(hours=6))
    sweep(WEDNESDAY + timedelta(hours=7))
    assert _keys(f"deadline:{row.id}:") == [
        f"deadline:{row.id}:reminder:to:{people['officer'].id}",
        f"deadline:{row.id}:reminder:2:to:{people['officer'].id}",
    ]
    assert len(events(case, "deadline_reminder")) == 2
    assert fresh(row).remind_at is None


def test_an_overdue_deadline_gets_no_late_reminder(app, people):
    case = _investigated_case(people)
    row = add_deadline(case, due_at=WEDNESDAY, remind_at=WEDNESDAY - timedelta(days=1), escalate=False)
    result = sweep(WEDNESDAY + timedelta(hours=1))  # the sweep was down over the reminder time
    assert result.reminders == 0
    assert outbox("deadline:") == [] and events(case, "deadline_reminder") == []
    assert fresh(row).remind_at is None


def test_escalation_walks_the_ladder_one_rung_at_a_time_to_the_panel(app, people):
    case = _investigated_case(people)
    row = add_deadline(case, due_at=WEDNESDAY, kind="review")

    assert sweep(WEDNESDAY - timedelta(minutes=1)).escalations == 0
    # Rung 1 at the due time: the assigned officer.
    assert sweep(WEDNESDAY).escalations == 1
    assert sweep(WEDNESDAY + timedelta(hours=1)).escalations == 0  # the next rung is a working day later
    row = fresh(row)
    assert row.escalation_level == 1
    assert row.escalate_at == WEDNESDAY + timedelta(days=1)  # 8 office hours after 10:00 Wednesday
    assert _keys(f"deadline:{row.id}:rung:1") == [f"deadline:{row.id}:rung:1:to:{people['officer'].id}"]

    # Rung 2: the borough's managers; rung 3: the partnership managers.
    assert sweep(row.escalate_at).escalations == 1
    assert {m.to_address for m in outbox(f"deadline:{row.id}:rung:2")} == {people["manager"].email}
    row = fresh(row)
    assert sweep(row.escalate_at).escalations == 1
    assert {m.to_address for m in outbox(f"deadline:{row.id}:rung:3")} == {people["partnership"].email}
    escalated = [event.summary for event in events(case, "deadline_escalated")]
    assert len(escalated) == 3
    assert escalated[0].endswith(f"Escalated to the assigned officer, {people['officer'].name}")
    assert "Escalated to the Dartford managers" in escalated[1]
    assert "Escalated to the partnership managers" in escalated[2]
    assert all(summary.startswith("Overdue: Review the case was due by") for summary in escalated)

    # Rung 4: the panel. The case is referred (as the system) and the ladder is done.
    row = fresh(row)
    assert sweep(row.escalate_at).escalations == 1
    referral = events(case, "panel_escalation")
    assert len(referral) == 1
    assert referral[0].summary.startswith(
        "Escalated to panel Community Safety Multi-Agency Panel: referral needed"
    )
    assert db.session.get(Case, case.id).state == "referred_to_panel"
    moved = events(case, "transition:refer_to_panel")
    assert len(moved) == 1 and moved[0].actor_id is None
    row = fresh(row)
    assert row.escalation_level == 4 and row.escalate_at is None
    assert sweep(WEDNESDAY + timedelta(days=30)).escalations == 0
    assert len(outbox(f"deadline:{row.id}:")) == 3


def test_the_panel_rung_on_a_new_case_records_the_referral_needed_without_moving_it(app, people):
    case = make_case(people["officer"], code="graffiti")
    add_deadline(case, due_at=WEDNESDAY, kind="acknowledge", ladder=["panel:csmap"])
    assert sweep(WEDNESDAY).escalations == 1
    assert len(events(case, "panel_escalation")) == 1
    assert db.session.get(Case, case.id).state == "new"  # refer_to_panel does not leave from New
    assert events(case, "transition:refer_to_panel") == []


def test_a_met_deadline_is_neither_reminded_nor_escalated(app, people):
    case = _investigated_case(people)
    add_deadline(case, due_at=WEDNESDAY, kind="review", remind_at=WEDNESDAY - timedelta(days=1))
    case_services.fire(people["officer"], case, "take_enforcement_action", case.version)
    from casework.deadlines import services

    services.meet(case, "review", WEDNESDAY - timedelta(days=2))
    db.session.commit()
    result = sweep(WEDNESDAY + timedelta(days=10))
    assert (result.reminders, result.escalations) == (0, 0)
    assert outbox("deadline:") == []


def test_escalation_interval_in_minutes_for_demonstrations(app, people):
    app.config["DEADLINE_ESCALATION_INTERVAL_MINUTES"] = 3
    case = _investigated_case(people)
    row = add_deadline(case, due_at=WEDNESDAY, kind="review")
    sweep(WEDNESDAY)
    assert fresh(row).escalate_at == WEDNESDAY + timedelta(minutes=3)


def test_a_sweep_killed_mid_pass_loses_and_repeats_nothing(app, people, monkeypatch):
    cases = [_investigated_case(people) for _ in range(3)]
    kinds = ["acknowledge", "triage", "review", "clear_flytip", "panel_review", "first_contact"]
    rows = [
        add_deadline(cases[0], due_at=WEDNESDAY - timedelta(minutes=i), kind=k) for i, k in enumerate(kinds)
    ]
    rows += [add_deadline(case, due_at=WEDNESDAY - timedelta(hours=1)) for case in cases[1:]]
    calls = {"n": 0}
    real = sweeper.people_for

    def dies_on_the_fourth(case, rung):
        calls["n"] += 1
        if calls["n"] == 4:
            raise SimulatedKill()
        return real(case, rung)

    monkeypatch.setattr(sweeper, "people_for", dies_on_the_fourth)
    with pytest.raises(SimulatedKill):
        sweep(WEDNESDAY, batch_size=2)
    db.session.rollback()  # what the dead worker's connection does: its open transaction goes

    assert count_events("deadline_escalated") == 3
    assert len(outbox("deadline:")) == 3
    monkeypatch.setattr(sweeper, "people_for", real)

    result = sweep(WEDNESDAY, batch_size=2)
    assert result.escalations == len(rows) - 3
    assert sweep(WEDNESDAY).escalations == 0
    assert count_events("deadline_escalated") == len(rows)
    keys = _keys("deadline:")
    assert len(keys) == len(set(keys)) == len(rows)
    for row in rows:
        assert fresh(row).escalation_level == 1
        assert len(_keys(f"deadline:{row.id}:rung:1:")) == 1


def test_one_broken_row_does_not_stop_the_others_and_is_retried(app, people, monkeypatch):
    case = _investigated_case(people)
    broken, fine = (
        add_deadline(case, due_at=WEDNESDAY - timedelta(hours=h), kind=k)
        for h, k in ((2, "review"), (1, "triage"))
    )
    real = sweeper.people_for
    broken_id = broken.id

    def breaks_one(case_, rung):
        if case_.id == case.id and calls.setdefault("first", True):
            calls["first"] = False
            raise ValueError("template went missing")
        return real(case_, rung)

    calls: dict = {}
    monkeypatch.setattr(sweeper, "people_for", breaks_one)
    result = sweep(WEDNESDAY)
    assert (result.escalations, result.failed) == (1, 1)
    assert str(broken_id) in result.errors[0]
    assert fresh(broken).escalation_level == 0 and fresh(fine).escalation_level == 1
    monkeypatch.setattr(sweeper, "people_for", real)
    assert sweep(WEDNESDAY).escalations == 1
    assert fresh(broken).escalation_level == 1


def test_a_sweep_does_not_start_while_another_holds_the_lock(app, people):
    case = _investigated_case(people)
    add_deadline(case, due_at=WEDNESDAY)
    with sweeper._sweep_lock() as got:
        assert got
        # Another sweep, from another worker: the lock is per connection (PostgreSQL) or per open
        # file (SQLite), so even this same process is refused.
        other = _other_sweep_sees_lock(app)
        assert other.locked_out and other.escalations == 0
    assert sweep(WEDNESDAY).escalations == 1


def _other_sweep_sees_lock(app):
    import threading

    box = {}

    def run():
        with app.app_context():
            try:
                box["result"] = sweep(WEDNESDAY)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return box["result"]


def test_the_sweep_task_runs_a_pass(app, people):
    app.extensions["celery"].loader.import_default_modules()
    task = app.extensions["celery"].tasks["casework.deadlines.sweep"]
    case = _investigated_case(people)
    row = add_deadline(case, due_at=utcnow() - timedelta(hours=1))  # the task uses the real clock
    result = task.apply()
    assert result.successful(), result.traceback
    assert result.get()["escalations"] == 1
    assert fresh(row).escalation_level == 1


def test_nobody_to_tell_still_records_the_step(app):
    admin = make_user(Role.ADMIN)
    assert admin  # no officers' managers anywhere: only the case's own officer exists
    borough = dartford()
    officer = officer_in(borough)
    case = make_case(officer, code="graffiti")
    add_deadline(case, due_at=WEDNESDAY, ladder=["officer_manager"])
    assert sweep(WEDNESDAY).escalations == 1
    assert events(case, "deadline_escalated")[0].summary.endswith("Escalated to nobody (no active managers)")
    assert outbox("deadline:") == []
