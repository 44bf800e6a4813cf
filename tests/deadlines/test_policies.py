"""Service levels as data: the most specific matching policy wins; durations and ladders parse."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from casework.deadlines.calendar import WorkingCalendar
from casework.deadlines.models import ServiceLevelPolicy
from casework.deadlines.policies import (
    DEFAULT_POLICIES,
    CaseFacts,
    Duration,
    PolicyError,
    most_specific,
    parse_durations,
    parse_ladder,
)
from casework.formatting import LONDON

ASB_PERSONAL = CaseFacts(case_type_id=8, case_type_group="asb", risk="high", priority_id=1, state="new")


@pytest.fixture(autouse=True)
def _mappers(app):
    """The app imports every area's models, which the mappers need (no database work here)."""


def policy(id_: int, **conditions) -> ServiceLevelPolicy:
    values = {"kind": "first_contact", "duration_value": 1, "duration_unit": "working_days", "active": True}
    return ServiceLevelPolicy(id=id_, **{**values, **conditions})


def test_the_most_specific_matching_policy_wins():
    general = policy(1)
    group = policy(2, case_type_group="asb")
    case_type = policy(3, case_type_id=8)
    other_type = policy(4, case_type_id=9, risk="high", priority_id=1)
    assert most_specific([general], ASB_PERSONAL) is general
    assert most_specific([general, group], ASB_PERSONAL) is group
    assert (
        most_specific([general, group, case_type], ASB_PERSONAL) is case_type
    )  # a type is more than a group
    assert most_specific([general, group, case_type, other_type], ASB_PERSONAL) is case_type  # does not match


def test_more_conditions_beat_fewer_and_risk_breaks_ties():
    by_type = policy(1, case_type_id=8)
    by_risk_and_group = policy(2, risk="high", case_type_group="asb")
    by_risk = policy(3, risk="high")
    by_priority = policy(4, priority_id=1)
    assert most_specific([by_type, by_risk_and_group], ASB_PERSONAL) is by_risk_and_group
    assert most_specific([by_priority, by_risk], ASB_PERSONAL) is by_risk
    # A specific type (type and group) against high risk alone: two conditions beat one.
    assert most_specific([by_risk, by_type], ASB_PERSONAL) is by_type


def test_inactive_and_mismatching_policies_never_win():
    inactive = policy(1, case_type_id=8, active=False)
    wrong_state = policy(2, state="triaged")
    medium = policy(3, risk="medium")
    assert most_specific([inactive, wrong_state, medium], ASB_PERSONAL) is None


def test_a_case_without_risk_matches_only_policies_without_risk():
    facts = CaseFacts(case_type_id=8, case_type_group="asb", risk=None, priority_id=None, state="new")
    general, high = policy(1), policy(2, risk="high")
    assert most_specific([general, high], facts) is general


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("1 working day", [Duration(1, "working_days")]),
        ("4 working hours, 2 days", [Duration(2, "working_days"), Duration(4, "working_hours")]),
        ("3h; 1d", [Duration(1, "working_days"), Duration(3, "working_hours")]),
        ("1 day, 1 working day", [Duration(1, "working_days")]),
    ],
)
def test_reminder_lead_times_parse(text, expected):
    assert parse_durations(text) == expected


@pytest.mark.parametrize("text", ["tomorrow", "1 week", "-1 day", "0 hours", "1.5 days"])
def test_bad_reminder_lead_times_are_refused_in_plain_english(text):
    with pytest.raises(PolicyError, match=r"working days or hours|at least 1 working hour"):
        parse_durations(text)


def test_ladders_parse_and_a_panel_comes_last():
    assert parse_ladder("assigned_officer, Officer_Manager,panel:csmap") == [
        "assigned_officer",
        "officer_manager",
        "panel:csmap",
    ]
    with pytest.raises(PolicyError, match="last rung"):
        parse_ladder("panel:csmap, officer_manager")
    with pytest.raises(PolicyError, match="not a rung"):
        parse_ladder("the boss")
    with pytest.raises(PolicyError, match="only once"):
        parse_ladder("officer_manager, officer_manager")
    with pytest.raises(PolicyError, match="panel code"):
        parse_ladder("panel:")


def test_durations_before_and_after_agree_over_a_bank_holiday():
    calendar = WorkingCalendar()
    start = datetime(2026, 12, 23, 11, 0, tzinfo=UTC)  # Wednesday before Christmas
    due = Duration(3, "working_days").after(calendar, start)
    assert due.astimezone(LONDON) == datetime(2026, 12, 30, 17, 0, tzinfo=LONDON)  # Thu 24, Tue 29, Wed 30
    assert Duration(1, "working_days").before(calendar, due).astimezone(LONDON) == datetime(
        2026, 12, 29, 17, 0, tzinfo=LONDON
    )
    # 4 office hours before 10:00 on Tuesday 29 December: 1 hour that morning, 3 on Thursday 24th.
    morning = datetime(2026, 12, 29, 10, 0, tzinfo=UTC)
    reminder = Duration(4, "working_hours").before(calendar, morning)
    assert reminder.astimezone(LONDON) == datetime(2026, 12, 24, 14, 0, tzinfo=LONDON)
    assert calendar.due_after_working_hours(reminder, 4) == morning


def test_default_ladders_end_at_the_multi_agency_panel_and_reminders_fit():
    from casework.deadlines.policies import default_policy_rows

    rows = default_policy_rows()
    assert len(rows) == len(DEFAULT_POLICIES)
    for row in rows:
        # Every council ladder ends at the multi-agency panel; a late partner action goes to the panel chair.
        assert row.ladder[-1] == ("panel_chair" if row.kind == "partner_action" else "panel:csmap"), row.kind
        duration = Duration(row.duration_value, row.duration_unit)
        assert all(Duration.from_json(lead).hours < duration.hours for lead in row.reminder_leads), row.kind
    kinds = {row.kind for row in rows}
    assert kinds >= {
        "acknowledge",
        "first_contact",
        "triage",
        "review",
        "clear_flytip",
        "partner_action",
        "panel_review",
    }
    assert {k for k in kinds if k.startswith("case_review_")} == {
        "case_review_acknowledge",
        "case_review_threshold",
        "case_review_meeting",
        "case_review_outcome",
        "case_review_appeal",
    }
