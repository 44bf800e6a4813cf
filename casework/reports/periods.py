"""Calendar months and 12-month blocks in Europe/London time, as UTC ranges the database can filter on.

Reports place a timestamp in the London month it falls in (an incident at 23:30 UTC on 31 July is on
1 August in London). The boundaries are computed here, in Python, so every query filters by a plain
range (`start <= column < end`) and no database-specific date function is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import total_ordering

from casework.formatting import LONDON

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodError(ValueError):
    """A month parameter that is not a month we can report on; the message says why, for people."""


@total_ordering
@dataclass(frozen=True)
class Month:
    """A calendar month."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """'2026-07' as a Month; PeriodError with a plain-English message otherwise."""
        match = MONTH_RE.match(text.strip())
        if not match:
            raise PeriodError("Enter the month as a year and month, like 2026-07")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise PeriodError("The month must be between 01 and 12, like 2026-07")
        if year < 2000:
            raise PeriodError("The year must be 2000 or later")
        return cls(year, month)

    @classmethod
    def of(cls, moment: datetime) -> Month:
        """The London month an aware datetime falls in."""
        local = moment.astimezone(LONDON)
        return cls(local.year, local.month)

    def __lt__(self, other: Month) -> bool:
        return (self.year, self.month) < (other.year, other.month)

    def plus(self, months: int) -> Month:
        """The month `months` later (earlier when negative)."""
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.plus(1).first_day - timedelta(days=1)

    @property
    def start(self) -> datetime:
        """Midnight London time on the first day, as an aware UTC datetime."""
        return london_midnight(self.first_day)

    @property
    def end(self) -> datetime:
        """Midnight London time on the first day of the next month (exclusive), in UTC."""
        return self.plus(1).start

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.first_day:%B %Y}"

    @property
    def short_label(self) -> str:
        return f"{self.first_day:%b %Y}"


def london_midnight(day: date) -> datetime:
    """The start of a London day as an aware UTC datetime (handles the clock changes)."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def last_complete_month(now: datetime) -> Month:
    """The latest month that has ended, in London time."""
    return Month.of(now).plus(-1)


@dataclass(frozen=True)
class Block:
    """Consecutive months from `first` to `last` inclusive (a rolling 12-month block)."""

    first: Month
    last: Month

    @classmethod
    def ending(cls, last: Month, months: int = 12) -> Block:
        return cls(last.plus(1 - months), last)

    def before(self) -> Block:
        """The block of the same length just before this one."""
        length = (self.last.year * 12 + self.last.month) - (self.first.year * 12 + self.first.month) + 1
        return Block.ending(self.first.plus(-1), length)

    @property
    def start(self) -> datetime:
        return self.first.start

    @property
    def end(self) -> datetime:
        return self.last.end

    @property
    def first_day(self) -> date:
        return self.first.first_day

    @property
    def last_day(self) -> date:
        return self.last.last_day

    @property
    def label(self) -> str:
        return f"{self.first.short_label} to {self.last.short_label}"
