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
