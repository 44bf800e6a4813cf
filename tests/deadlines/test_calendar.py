"""Working-day arithmetic around Easter, Christmas, New Year and one-off bank holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from casework.deadlines.calendar import WorkingCalendar

CAL = WorkingCalendar()


def test_weekends_and_bank_holidays_are_not_working_days():
    assert CAL.is_working_day(date(2026, 11, 26))  # a Thursday
    assert not CAL.is_working_day(date(2026, 11, 28))  # Saturday
    assert not CAL.is_working_day(date(2026, 4, 3))  # Good Friday
    assert not CAL.is_working_day(date(2026, 4, 6))  # Easter Monday
    assert CAL.non_working_reason(date(2026, 4, 6)) == "Easter Monday"
    assert CAL.non_working_reason(date(2026, 11, 28)) == "Saturday"


def test_easter_2026_is_skipped():
    # Thursday 2 April 2026 + 1 working day: Good Friday, the weekend and Easter Monday pass -> Tue 7 April.
    assert CAL.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert CAL.working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1


def test_christmas_and_new_year_2026():
    # Boxing Day 2026 is a Saturday, so the substitute day is Monday 28 December.
    assert not CAL.is_working_day(date(2026, 12, 28))
    # Thursday 24 Dec + 3 working days: 29, 30, 31 Dec -> Thursday 31 December.
    assert CAL.add_working_days(date(2026, 12, 24), 3) == date(2026, 12, 31)
    # + 4: New Year's Day (Friday) and the weekend pass -> Monday 4 January 2027.
    assert CAL.add_working_days(date(2026, 12, 24), 4) == date(2027, 1, 4)


def test_one_off_holidays_count():
    # The Coronation bank holiday, Monday 8 May 2023, and the Queen's state funeral, 19 September 2022.
    assert not CAL.is_working_day(date(2023, 5, 8))
    assert CAL.add_working_days(date(2023, 5, 5), 1) == date(2023, 5, 9)
    assert not CAL.is_working_day(date(2022, 9, 19))
    assert CAL.add_working_days(date(2022, 9, 16), 1) == date(2022, 9, 20)


def test_council_closure_days_are_skipped():
    closures = WorkingCalendar.with_closures([date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)])
    assert CAL.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert closures.add_working_days(date(2026, 12, 24), 1) == date(2027, 1, 4)
    assert closures.non_working_reason(date(2026, 12, 30)) == "Council closure"


def test_counting_backwards_and_negative_spans():
    assert CAL.add_working_days(date(2026, 4, 7), -1) == date(2026, 4, 2)
    assert CAL.working_days_between(date(2026, 4, 7), date(2026, 4, 2)) == -1
    assert CAL.add_working_days(date(2026, 4, 7), 0) == date(2026, 4, 7)


def test_deadline_falls_at_five_pm_london_time():
    start = datetime(2026, 3, 27, 10, 0, tzinfo=UTC)  # Friday, GMT
    due = CAL.due_after_working_days(start, 1)  # Monday 30 March, after the clocks went forward
    assert due == datetime(2026, 3, 30, 16, 0, tzinfo=UTC)  # 17:00 BST


def test_working_hours_skip_nights_weekends_and_holidays():
    start = datetime(2026, 4, 2, 15, 0, tzinfo=UTC)  # Thursday 16:00 BST
    due = CAL.due_after_working_hours(start, 3)  # 1 hour Thursday, then Tuesday 7 April 09:00 + 2h
    assert due == datetime(2026, 4, 7, 10, 0, tzinfo=UTC)  # 11:00 BST


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 60))
def test_add_then_count_round_trips(start, days):
    end = CAL.add_working_days(start, days)
    assert CAL.working_days_between(start, end) == days
    assert days == 0 or CAL.is_working_day(end)
    assert end - start >= timedelta(days=days)
