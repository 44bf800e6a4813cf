"""Working days in England and Wales: Monday to Friday, less bank holidays and council closure days.

Bank holidays come from the `holidays` package (UK, subdivision ENG, which includes one-off days such
as a coronation or a state funeral). Closure days are the council's own (admins edit them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from casework.formatting import LONDON

# Deadlines in working days fall due at the end of the working day, in London time.
END_OF_DAY = time(17, 0)
OFFICE_OPENS = time(9, 0)


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays of one year."""
    return frozenset(holidays.UK(subdiv="ENG", years=[year]).keys())


@dataclass(frozen=True)
class WorkingCalendar:
    """A calendar of working days; `closures` are the council's extra closure days."""

    closures: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def with_closures(cls, closures: Iterable[date]) -> WorkingCalendar:
        return cls(frozenset(closures))

    def is_working_day(self, day: date) -> bool:
        """True for Monday to Friday that is neither a bank holiday nor a closure day."""
        return day.weekday() < 5 and day not in bank_holidays(day.year) and day not in self.closures

    def non_working_reason(self, day: date) -> str | None:
        """Why a day is not a working day ('Saturday', 'Christmas Day', 'Council closure'), or None."""
        if day.weekday() >= 5:
            return day.strftime("%A")
        names = holidays.UK(subdiv="ENG", years=[day.year])
        if day in names:
            return names.get(day)
        return "Council closure" if day in self.closures else None

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (before it, when negative); 0 gives `start`."""
        step = 1 if days >= 0 else -1
        remaining, current = abs(days), start
        while remaining:
            current += timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when `end` is earlier.

        So `working_days_between(d, add_working_days(d, n)) == n` for every n >= 0.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, otherwise the next one."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def due_after_working_days(self, start: datetime, days: int) -> datetime:
        """An aware UTC deadline: the end of the working day `days` working days after `start`."""
        local_start = start.astimezone(LONDON).date()
        due_day = self.add_working_days(local_start, days)
        return datetime.combine(due_day, END_OF_DAY, tzinfo=LONDON).astimezone(start.tzinfo)

    def due_after_working_hours(self, start: datetime, hours: float) -> datetime:
        """An aware deadline `hours` office hours (09:00-17:00 London, working days) after `start`."""
        remaining = timedelta(hours=hours)
        local = start.astimezone(LONDON)
        while True:
            day = local.date()
            opens = datetime.combine(day, OFFICE_OPENS, tzinfo=LONDON)
            closes = datetime.combine(day, END_OF_DAY, tzinfo=LONDON)
            if self.is_working_day(day) and local < closes:
                begin = max(local, opens)
                if begin + remaining <= closes:
                    return (begin + remaining).astimezone(start.tzinfo)
                remaining -= closes - begin
            local = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=LONDON)

    def before_working_days(self, due: datetime, days: int) -> datetime:
        """The same London time of day, `days` working days before `due` (for reminder times)."""
        local = due.astimezone(LONDON)
        day = self.add_working_days(local.date(), -days)
        return datetime.combine(day, local.time(), tzinfo=LONDON).astimezone(due.tzinfo)

    def before_working_hours(self, due: datetime, hours: float) -> datetime:
        """The time `hours` office hours (09:00-17:00 London, working days) before `due`."""
        remaining = timedelta(hours=hours)
        local = due.astimezone(LONDON)
        while True:
            day = local.date()
            opens = datetime.combine(day, OFFICE_OPENS, tzinfo=LONDON)
            closes = datetime.combine(day, END_OF_DAY, tzinfo=LONDON)
            if self.is_working_day(day) and local > opens:
                end = min(local, closes)
                if end - remaining >= opens:
                    return (end - remaining).astimezone(due.tzinfo)
                remaining -= end - opens
            local = datetime.combine(day - timedelta(days=1), time(23, 59), tzinfo=LONDON)

    def end_of_working_day(self, day: date) -> datetime:
        """The end of the working day `day` (17:00 London), as an aware datetime."""
        return datetime.combine(day, END_OF_DAY, tzinfo=LONDON)


def current_calendar() -> WorkingCalendar:
    """The working calendar with the council's closure days from the database.

    Cached on `flask.g`, so once per request or task; changing closures clears it.
    """
    from flask import g

    calendar = g.get("_working_calendar")
    if calendar is None:
        from casework.deadlines.models import ClosureDay
        from casework.extensions import db

        closures = db.session.scalars(db.select(ClosureDay.day)).all()
        calendar = g._working_calendar = WorkingCalendar.with_closures(closures)
    return calendar


def forget_current_calendar() -> None:
    """Drop the cached calendar (after closure days change)."""
    from flask import g

    g.pop("_working_calendar", None)


calendar_now = current_calendar
