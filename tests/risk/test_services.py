"""What an assessment does: the case's risk, the history, the deadlines and the panel referral."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from casework.auth.roles import Role
from casework.cases import services as case_services
from casework.cases.models import Case, CaseEvent
from casework.deadlines import services as deadlines
from casework.deadlines.calendar import current_calendar
from casework.extensions import db
from casework.partners.models import Referral
from casework.risk import services
from casework.risk.models import RiskAssessment
from tests.builders import make_user
from tests.cases.builders import dartford, gravesham, make_case, officer_in
from tests.deadlines.builders import WEDNESDAY
from tests.partners.builders import panel
from tests.risk.builders import HIGH, LOW, MEDIUM, asb_case, assess, assessment_input


def open_kinds(case) -> dict[str, object]:
    return {row.kind: row for row in deadlines.open_rows(case)}


def referrals(case) -> list[Referral]:
    return list(db.session.scalars(select(Referral).where(Referral.case_id == case.id)))


def events(case, kind: str) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == kind)
    return list(db.session.scalars(query.order_by(CaseEvent.id)))


def test_a_standard_assessment_sets_the_case_risk_records_history_and_a_40_day_reassessment(app):
    case, officer, _ = asb_case()
    assessment = assess(officer, case, LOW, now=WEDNESDAY)
    db.session.expire_all()
    assert case.risk == "standard"
    assert (assessment.total_score, assessment.computed_level, assessment.level) == (
        0,
        "standard",
        "standard",
    )
    assert assessment.section_scores == {
        "personal": 0, "situational": 0, "incidental": 0, "repeat": 0, "impact": 0
    }  # fmt: skip
    assert assessment.assessed_by == officer and assessment.questionnaire_version == "2026.1"
    [event] = events(case, "risk_assessed")
    assert event.before == {"risk": None} and event.after["risk"] == "standard"
    assert "Victim risk assessed: Standard (score 0 of 67)" in event.summary
    reassess = open_kinds(case)["risk_reassessment"]
    assert reassess.due_at == current_calendar().due_after_working_days(WEDNESDAY, 40)
    assert "first_contact" not in open_kinds(case) and referrals(case) == []


def test_high_risk_starts_first_contact_shortens_the_review_refers_once_and_reassesses_in_10_days(app):
    csmap = panel("csmap")
    case, officer, _ = asb_case()
    review = open_kinds(case)["review"]
    old_due = review.due_at
    now = review.started_at + timedelta(hours=1)
    assess(officer, case, HIGH, now=now)
    db.session.expire_all()
    assert case.risk == "high"
    rows = open_kinds(case)
    calendar = current_calendar()
    assert rows["first_contact"].due_at == calendar.due_after_working_days(now, 1)
    assert rows["risk_reassessment"].due_at == calendar.due_after_working_days(now, 10)
    assert rows["review"].due_at == calendar.due_after_working_days(now, 5) < old_due
    assert rows["review"].policy.risk == "high"
    assert len(events(case, "deadline_retimed")) == 1
    [referral] = referrals(case)
    assert referral.panel == csmap and referral.status == "open" and referral.created_by is None
    assert "High-risk ASB victim" in referral.reason and "Winifred" not in referral.reason
    # The officer keeps the case: it is not moved to the panel, and the panel review runs until it decides.
    assert case.state == "under_investigation"
    assert rows["panel_review"].state is None and rows["panel_review"].referral_id == referral.id
    case_services.fire(officer, case, "take_enforcement_action", case.version)
    assert "panel_review" in open_kinds(case)

    # Reassessed high again, and then from medium back to high: still one live referral.
    assess(officer, case, HIGH, now=now + timedelta(days=1))
    assess(officer, case, MEDIUM, now=now + timedelta(days=2))
    assess(officer, case, HIGH, now=now + timedelta(days=3))
    assert len(referrals(case)) == 1
    assert any("already referred" in e.summary for e in events(case, "risk_panel"))
    assert db.session.scalar(select(func.count()).select_from(RiskAssessment)) == 4
    assert len(deadlines.open_rows(case, ["risk_reassessment"])) == 1


def test_high_risk_without_a_panel_set_up_says_a_referral_is_needed(app):
    case, officer, _ = asb_case()
    assess(officer, case, HIGH, now=WEDNESDAY)
    assert referrals(case) == []
    [note] = events(case, "risk_panel")
    assert "refer the case to the Community Safety Multi-Agency Panel" in note.summary


def test_the_panel_members_are_emailed_through_the_outbox(app):
    from casework.notifications.models import OutboxMessage

    panel("csmap")
    case, officer, _ = asb_case()
    assess(officer, case, HIGH, now=WEDNESDAY)
    messages = list(db.session.scalars(select(OutboxMessage)))
    assert messages and all("Winifred" not in str(m.context) for m in messages)


def test_a_floor_answer_makes_the_risk_high_whatever_the_total(app):
    case, officer, _ = asb_case()
    assessment = assess(officer, case, {**LOW, "m_harm": "yes"}, now=WEDNESDAY)
    assert (assessment.total_score, assessment.computed_level) == (8, "high")


def test_raising_the_level_by_judgement_needs_a_reason_and_is_recorded(app):
    case, officer, _ = asb_case()
    with pytest.raises(services.RiskError) as refused:
        assess(officer, case, LOW, level="high")
    assert (
        refused.value.field == "level_reason" and "raising the level from standard" in refused.value.message
    )
    assert db.session.scalar(select(func.count()).select_from(RiskAssessment)) == 0
    assessment = assess(
        officer, case, LOW, level="high", level_reason="Victim too frightened to answer fully"
    )
    assert (assessment.computed_level, assessment.level, assessment.overridden) == ("standard", "high", True)
    [event] = events(case, "risk_assessed")
    assert "set by professional judgement (scored standard)" in event.summary
    assert "Victim too frightened" in event.summary


def test_lowering_the_level_needs_a_recorded_reason(app):
    case, officer, _ = asb_case()
    with pytest.raises(services.RiskError, match="lowering the level from high"):
        assess(officer, case, HIGH, level="medium", level_reason="   ")
    assessment = assess(officer, case, HIGH, level="medium", level_reason="Perpetrator moved away last week")
    assert case.risk == "medium" and assessment.level_reason == "Perpetrator moved away last week"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"answers": {k: v for k, v in LOW.items() if k != "m_fear"}}, "m_fear"),
        ({"answers": {**LOW, "i_violence": "yes"}}, "i_violence"),
        ({"judgement": "  "}, "judgement"),
        ({"person_id": 999_999}, "person_id"),
        ({"level": "extreme"}, "level"),
        ({"judgement": "x" * 5001}, "judgement"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_saves_nothing(app, change, field):
    case, officer, _ = asb_case()
    data = assessment_input(case, LOW)
    for name, value in change.items():
        setattr(data, name, value)
    with pytest.raises(services.RiskError) as refused:
        services.assess(officer, case, data)
    assert refused.value.field == field
    db.session.rollback()
    assert case.risk is None and db.session.scalar(select(func.count()).select_from(RiskAssessment)) == 0


def test_who_may_assess(app):
    case, _officer, manager = asb_case()
    other_borough = officer_in(gravesham())
    partner = make_user(Role.PARTNER)
    admin = make_user(Role.ADMIN)
    data = assessment_input(case, LOW)
    for user in (other_borough, partner, admin):
        with pytest.raises(services.NotAllowed):
            services.assess(user, case, data)
    assert services.assess(manager, case, data).assessed_by == manager


def test_only_open_asb_cases_with_a_victim_are_assessed(app):
    case, officer, _manager = asb_case(victim=False)
    with pytest.raises(services.RiskError, match="Add the victim"):
        services.assess(officer, case, services.AssessmentInput(person_id=None, answers=LOW, judgement="x"))
    flytip = make_case(officer, code="flytipping", borough=dartford())
    with pytest.raises(services.NotAllowed, match="anti-social behaviour"):
        services.assess(officer, flytip, services.AssessmentInput(person_id=None, answers=LOW, judgement="x"))
    closed, officer2, manager2 = asb_case()
    case_services.fire(
        manager2, closed, "close", closed.version, case_services.workflow.TransitionInput(outcome="resolved")
    )
    with pytest.raises(services.NotAllowed, match="closed"):
        assess(officer2, closed, LOW)


def test_recording_first_contact_meets_the_deadline(app):
    case, officer, _ = asb_case()
    with pytest.raises(services.RiskError):
        services.record_first_contact(officer, case)
    assess(officer, case, HIGH, now=WEDNESDAY)
    [row] = services.record_first_contact(officer, case, now=WEDNESDAY + timedelta(hours=2))
    assert row.met_at is not None and "first_contact" not in open_kinds(case)
    assert events(case, "victim_contacted")


def test_a_deadline_already_due_sooner_is_left_as_it_is(app):
    case, officer, _ = asb_case()
    review = open_kinds(case)["review"]
    soon = current_calendar().due_after_working_days(review.started_at, 1)
    review.due_at = soon
    db.session.commit()
    assert services.bring_forward(case, review.started_at) == []
    assess(officer, case, HIGH, now=review.started_at + timedelta(minutes=5))
    db.session.expire_all()
    assert open_kinds(case)["review"].due_at == soon and events(case, "deadline_retimed") == []


def test_each_reassessment_meets_the_last_reassessment_deadline_and_times_the_next_by_level(app):
    case, officer, _ = asb_case()
    calendar = current_calendar()
    assess(officer, case, MEDIUM, now=WEDNESDAY)
    assert open_kinds(case)["risk_reassessment"].due_at == calendar.due_after_working_days(WEDNESDAY, 20)
    later = WEDNESDAY + timedelta(days=7)
    assess(officer, case, LOW, now=later)
    db.session.expire_all()
    assert case.risk == "standard"
    assert open_kinds(case)["risk_reassessment"].due_at == calendar.due_after_working_days(later, 40)
    assert len(events(case, "risk_assessed")) == 2
    met = [e.summary for e in events(case, "deadline_met") if e.after["kind"] == "risk_reassessment"]
    assert met == ["Deadline met (on time): Reassess the victim's risk: victim reassessed"]


def test_a_case_changed_by_someone_else_meanwhile_is_refused_and_nothing_is_saved(app):
    case, officer, _ = asb_case()
    data = assessment_input(case, HIGH)
    bump = update(Case).where(Case.id == case.id).values(version=Case.version + 1)
    db.session.execute(bump, execution_options={"synchronize_session": False})  # as another request would
    with pytest.raises(case_services.StaleCase):
        services.assess(officer, case, data)
    db.session.expire_all()
    assert db.session.get(Case, case.id).risk is None
    assert db.session.scalar(select(func.count()).select_from(RiskAssessment)) == 0
