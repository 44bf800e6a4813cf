"""The threshold computation at its boundaries: the count, a month after the behaviour, six months back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from casework.reviews.threshold import Rules, add_months, assess, check_complaint

RULES = Rules()  # three in six months, each within a month of the behaviour
RECEIVED = date(2027, 6, 15)


@dataclass
class Complaint:
    behaviour_on: date
    reported_on: date


days = st.dates(min_value=date(2001, 1, 1), max_value=date(2090, 12, 31))


def test_add_months_keeps_the_day_or_clamps_to_the_end_of_the_month():
    assert add_months(date(2027, 1, 15), 1) == date(2027, 2, 15)
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2027, 8, 31), -6) == date(2027, 2, 28)
    assert add_months(date(2027, 12, 10), 1) == date(2028, 1, 10)
    assert add_months(date(2027, 1, 10), -1) == date(2026, 12, 10)


@given(days, st.integers(min_value=-120, max_value=120))
def test_add_months_moves_by_whole_months_and_never_past_the_day(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day


@given(days)
def test_a_complaint_exactly_a_month_after_the_behaviour_counts_and_a_day_later_does_not(behaviour):
    received = add_months(behaviour, 2)
    on_the_day = Complaint(behaviour, add_months(behaviour, 1))
    day_late = Complaint(behaviour, add_months(behaviour, 1) + timedelta(days=1))

    assert check_complaint(on_the_day, received, RULES).qualifies
    late = check_complaint(day_late, received, RULES)
    assert not late.qualifies
    assert late.reason == "Made more than a month after the behaviour"


@given(days)
def test_a_complaint_exactly_six_months_before_the_application_counts_and_a_day_older_does_not(received):
    edge = add_months(received, -6)
    exactly = Complaint(edge, edge)
    older = Complaint(edge - timedelta(days=1), edge - timedelta(days=1))

    assert check_complaint(exactly, received, RULES).qualifies
    too_old = check_complaint(older, received, RULES)
    assert not too_old.qualifies
    assert too_old.reason == "Made more than 6 months before the application"


def test_three_qualifying_complaints_meet_the_threshold_and_two_do_not():
    three = [Complaint(date(2027, m, 1), date(2027, m, 3)) for m in (3, 4, 5)]

    assert assess(three, RECEIVED, RULES).met
    assert assess(three, RECEIVED, RULES).qualifying == 3
    assert not assess(three[:2], RECEIVED, RULES).met
    assert assess(three[:2], RECEIVED, RULES).qualifying == 2


def test_complaints_that_do_not_count_are_not_made_up_for_by_their_number():
    late = [Complaint(date(2027, m, 1), date(2027, m, 20) + timedelta(days=20)) for m in (1, 2, 3, 4)]
    result = assess(late, RECEIVED, RULES)

    assert result.qualifying == 0
    assert not result.met
    assert result.window_start == date(2026, 12, 15)


def test_complaints_after_the_application_or_before_their_behaviour_do_not_count():
    after = check_complaint(Complaint(date(2027, 6, 14), date(2027, 6, 16)), RECEIVED, RULES)
    backwards = check_complaint(Complaint(date(2027, 6, 10), date(2027, 6, 9)), RECEIVED, RULES)

    assert (after.qualifies, after.reason) == (False, "Made after the application was received")
    assert not backwards.qualifies


@given(st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=12))
def test_the_configured_threshold_is_the_one_applied(minimum, window):
    rules = Rules(min_complaints=minimum, window_months=window, report_within_months=1)
    complaints = [
        Complaint(RECEIVED - timedelta(days=i + 1), RECEIVED - timedelta(days=i)) for i in range(minimum)
    ]

    assert assess(complaints, RECEIVED, rules).met
    assert not assess(complaints[:-1], RECEIVED, rules).met
    assert f"{minimum} or more" in rules.describe()
