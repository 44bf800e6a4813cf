"""Each clock on the ladder, run by the real deadline sweep and the unpaid-FPN task with `now` given."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from casework.deadlines.sweep import sweep
from casework.enforcement import services
from casework.extensions import db
from tests.enforcement.builders import NOW, all_clocks, cpw, fpn, history, mail_to, open_clocks, world


def test_a_cpw_starts_a_compliance_check_due_on_its_compliance_date_at_nine(app):
    w = world()
    action = cpw(w, comply_by=date(2027, 1, 20))
    [clock] = open_clocks(w.case, "compliance_check")
    assert clock.due_at == datetime(2027, 1, 20, 9, 0, tzinfo=UTC)  # 09:00 London in January (GMT)
    assert "Community Protection Warning to Sam Smith" in clock.label
    assert clock.action_id == action.id
    assert clock.ladder == ["assigned_officer", "officer_manager"]


def test_the_officer_is_reminded_the_day_before_and_told_when_the_compliance_date_comes(app):
    w = world()
    cpw(w, comply_by=date(2027, 1, 20))
    sweep(datetime(2027, 1, 18, 12, 0, tzinfo=UTC))
    assert mail_to(w.officer.email) == []  # nothing yet, two working days before

    sweep(datetime(2027, 1, 19, 9, 1, tzinfo=UTC))  # one working day before
    [reminder] = mail_to(w.officer.email)
    assert reminder.template == "deadline_reminder"
    assert "Check compliance" in reminder.subject and w.case.reference in reminder.subject

    sweep(datetime(2027, 1, 20, 9, 1, tzinfo=UTC))  # the compliance date has come: the officer is told
    messages = mail_to(w.officer.email)
    assert [m.template for m in messages] == ["deadline_reminder", "deadline_escalation"]
    assert mail_to(w.manager.email) == []  # the managers only a working day later

    sweep(datetime(2027, 1, 21, 9, 1, tzinfo=UTC))
    assert [m.template for m in mail_to(w.manager.email)] == ["deadline_escalation"]


def test_recording_compliance_meets_the_clock_and_nothing_more_is_sent(app):
    w = world()
    action = cpw(w, comply_by=date(2027, 1, 20))
    later = datetime(2027, 1, 20, 11, 0, tzinfo=UTC)
    services.record_compliance(w.officer, action, True, date(2027, 1, 20), "Music stopped", now=later)
    assert open_clocks(w.case) == []
    [clock] = all_clocks(w.case, "compliance_check")
    assert clock.met_at == later
    assert action.status == "complied"
    sweep(datetime(2027, 1, 25, 9, 0, tzinfo=UTC))
    assert mail_to(w.officer.email) == []


def test_a_breach_is_recorded_and_the_check_is_met(app):
    w = world()
    action = cpw(w, comply_by=date(2027, 1, 20))
    services.record_compliance(
        w.officer, action, False, date(2027, 1, 21), now=datetime(2027, 1, 21, 10, tzinfo=UTC)
    )
    assert action.status == "breached"
    assert open_clocks(w.case, "compliance_check") == []
    assert "breached" in history(w.case)[-1].summary


def test_cpn_and_statutory_notice_each_have_their_own_check_in_turn(app):
    w = world()
    notice = services.record_action(
        w.officer,
        w.case,
        services.ActionInput(
            kind="s46_notice",
            issued_on=date(2027, 1, 13),
            person_id=w.person.id,
            compliance_date=date(2027, 2, 10),
            requirements="Use the wheeled bin provided",
        ),
        now=NOW,
    )
    cpn = services.record_action(
        w.officer,
        w.case,
        services.ActionInput(
            kind="cpn",
            issued_on=date(2027, 1, 13),
            person_id=w.person.id,
            compliance_date=date(2027, 1, 27),
            requirements="Clear the front garden",
        ),
        now=NOW,
    )
    clocks = {clock.action_id: clock for clock in open_clocks(w.case, "compliance_check")}
    assert clocks[cpn.id].due_at == datetime(2027, 1, 27, 9, 0, tzinfo=UTC)  # each action its own clock
    assert clocks[notice.id].due_at == datetime(2027, 2, 10, 9, 0, tzinfo=UTC)
    services.record_compliance(
        w.officer, cpn, True, date(2027, 1, 27), now=datetime(2027, 1, 27, 12, tzinfo=UTC)
    )
    [clock] = open_clocks(w.case, "compliance_check")
    assert clock.action_id == notice.id and clock.due_at == datetime(2027, 2, 10, 9, 0, tzinfo=UTC)
    assert "waste receptacles" in clock.label


def test_fpn_payment_is_due_fourteen_days_after_issue(app):
    w = world("flytipping")
    action = fpn(w, issued=date(2027, 1, 13))
    assert action.payment_due == date(2027, 1, 27)
    [clock] = open_clocks(w.case, "fpn_payment")
    assert clock.due_at == datetime(2027, 1, 27, 23, 59, tzinfo=UTC)
    assert action.amount == Decimal("400.00") and action.early_amount == Decimal("250.00")


def test_an_fpn_paid_in_full_meets_its_clock(app):
    w = world("flytipping")
    action = fpn(w)
    services.record_payment(
        w.officer, action, date(2027, 1, 26), Decimal("400"), now=datetime(2027, 1, 26, 12, tzinfo=UTC)
    )
    assert action.status == "paid"
    [clock] = all_clocks(w.case, "fpn_payment")
    assert clock.met_at is not None
    assert services.mark_unpaid_fpns(datetime(2027, 2, 1, tzinfo=UTC)) == 0
    assert action.status == "paid"


def test_the_early_amount_settles_only_within_the_early_period(app):
    w = world("flytipping")
    action = fpn(w)
    late = datetime(2027, 1, 25, 12, tzinfo=UTC)
    try:
        services.record_payment(w.officer, action, date(2027, 1, 25), Decimal("250"), now=late)
    except services.EnforcementError as error:
        assert "at least £400.00" in error.message and error.field == "paid_amount"
    else:
        raise AssertionError("an early amount paid after the early period was accepted")
    db.session.rollback()
    services.record_payment(w.officer, action, date(2027, 1, 20), Decimal("250"), now=late)
    assert action.status == "paid"
    assert all_clocks(w.case, "fpn_payment")[0].met_at == late


def test_an_fpn_still_unpaid_after_its_due_date_turns_unpaid_with_a_prosecution_review(app):
    w = world("flytipping")
    action = fpn(w, issued=date(2027, 1, 13))
    # On the last day to pay, nothing happens.
    assert services.mark_unpaid_fpns(datetime(2027, 1, 27, 22, 0, tzinfo=UTC)) == 0
    assert action.status == "issued"
    # The morning after, it is unpaid and goes to prosecution review.
    after = datetime(2027, 1, 28, 0, 5, tzinfo=UTC)
    assert services.mark_unpaid_fpns(after) == 1
    db.session.expire_all()
    assert action.status == "unpaid"
    [payment] = all_clocks(w.case, "fpn_payment")
    assert payment.cancelled_at == after and "not paid" in payment.end_note
    [review] = open_clocks(w.case, "prosecution_review")
    assert review.due_at.date() == date(2027, 2, 11)  # 10 working days on
    assert review.action_id == action.id
    assert services.mark_unpaid_fpns(after) == 0  # once only
    assert any("not paid by 27 January 2027" in e.summary for e in history(w.case))


def test_paying_late_meets_the_prosecution_review(app):
    w = world("flytipping")
    action = fpn(w, issued=date(2027, 1, 13))
    services.mark_unpaid_fpns(datetime(2027, 1, 28, 1, 0, tzinfo=UTC))
    db.session.expire_all()
    services.record_payment(
        w.officer, action, date(2027, 1, 29), Decimal("400"), now=datetime(2027, 1, 29, 9, tzinfo=UTC)
    )
    assert action.status == "paid"
    assert open_clocks(w.case) == []
    assert all_clocks(w.case, "prosecution_review")[0].met_at is not None


def test_the_beat_task_runs_the_same_service(app):
    from workers.tasks.enforcement import unpaid_fixed_penalties

    w = world("flytipping")
    action = fpn(w, issued=date(2026, 1, 5), now=datetime(2026, 1, 5, 10, tzinfo=UTC))
    assert unpaid_fixed_penalties.run() == 1  # real time: a year after it was due
    db.session.expire_all()
    assert action.status == "unpaid" and [c.kind for c in open_clocks(w.case)] == ["prosecution_review"]


def test_withdrawing_cancels_its_own_clock_and_leaves_the_others(app):
    w = world()
    first = cpw(w, comply_by=date(2027, 1, 20))
    second = cpw(w, comply_by=date(2027, 2, 3))
    services.withdraw(w.officer, first, "Issued to the wrong address", now=NOW)
    [clock] = open_clocks(w.case, "compliance_check")
    assert clock.action_id == second.id and clock.due_at.date() == date(2027, 2, 3)
    assert first.status == "withdrawn"


def test_closing_the_case_ends_the_clocks(app):
    from casework.cases import services as case_services
    from casework.cases.workflow import TransitionInput

    w = world()
    cpw(w)
    case_services.fire(w.manager, w.case, "close", None, TransitionInput(outcome="resolved"))
    assert open_clocks(w.case) == []


def test_a_prosecution_answers_the_review_of_the_unpaid_fpn(app):
    w = world("flytipping")
    action = fpn(w, issued=date(2027, 1, 13))
    services.mark_unpaid_fpns(datetime(2027, 1, 28, 1, 0, tzinfo=UTC))
    db.session.expire_all()
    later = datetime(2027, 2, 2, 10, 0, tzinfo=UTC)
    services.record_action(
        w.officer,
        w.case,
        services.ActionInput(
            kind="prosecution",
            issued_on=date(2027, 2, 2),
            person_id=w.person.id,
            offence="flytipping",
            court="Medway Magistrates' Court",
        ),
        now=later,
    )
    assert open_clocks(w.case) == []
    [review] = all_clocks(w.case, "prosecution_review")
    assert review.met_at == later and review.end_note == "prosecution started"
    assert action.status == "unpaid"  # still unpaid: the court decides now
