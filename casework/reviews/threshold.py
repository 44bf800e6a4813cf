"""The case review threshold, worked out from an application's complaints (pure functions, no database).

A complaint qualifies when it was made within a month of the behaviour and within the window (six
months) before the application; the threshold is met by count when at least the configured number
(three) qualify. Months are calendar months: one month after 31 January is 28 (or 29) February.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (earlier when negative), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Rules:
    """The configured threshold."""

    min_complaints: int = 3
    window_months: int = 6
    report_within_months: int = 1

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Rules:
        return cls(
            min_complaints=int(config.get("CASE_REVIEW_MIN_COMPLAINTS", 3)),
            window_months=int(config.get("CASE_REVIEW_WINDOW_MONTHS", 6)),
            report_within_months=int(config.get("CASE_REVIEW_REPORT_WITHIN_MONTHS", 1)),
        )

    def describe(self) -> str:
        """The rule in plain English, for the page."""
        months = "a month" if self.report_within_months == 1 else f"{self.report_within_months} months"
        return (
            f"{self.min_complaints} or more qualifying complaints in the {self.window_months} months before "
            f"the application, each made within {months} of the behaviour"
        )


class ComplaintLike(Protocol):
    behaviour_on: date
    reported_on: date


@dataclass(frozen=True)
class ComplaintCheck:
    """One complaint and whether it counts, with the reason when it does not."""

    complaint: Any
    qualifies: bool
    reason: str


@dataclass(frozen=True)
class Assessment:
    """The threshold computation for an application."""

    rules: Rules
    received_on: date
    window_start: date
    checks: tuple[ComplaintCheck, ...]

    @property
    def qualifying(self) -> int:
        return sum(check.qualifies for check in self.checks)

    @property
    def met(self) -> bool:
        return self.qualifying >= self.rules.min_complaints


def check_complaint(complaint: ComplaintLike, received_on: date, rules: Rules) -> ComplaintCheck:
    """Whether one complaint qualifies for an application received on `received_on`."""
    window_start = add_months(received_on, -rules.window_months)
    latest_report = add_months(complaint.behaviour_on, rules.report_within_months)
    months = "a month" if rules.report_within_months == 1 else f"{rules.report_within_months} months"
    if complaint.reported_on < complaint.behaviour_on:
        reason = "Reported before the behaviour it describes: check the dates"
    elif complaint.reported_on > received_on:
        reason = "Made after the application was received"
    elif complaint.reported_on < window_start:
        reason = f"Made more than {rules.window_months} months before the application"
    elif complaint.reported_on > latest_report:
        reason = f"Made more than {months} after the behaviour"
    else:
        return ComplaintCheck(complaint, True, f"Made within {months} of the behaviour and within the window")
    return ComplaintCheck(complaint, False, reason)


def assess(complaints: Iterable[ComplaintLike], received_on: date, rules: Rules) -> Assessment:
    """Check each complaint against the rules: how many qualify, and whether that is enough."""
    checks = tuple(check_complaint(c, received_on, rules) for c in complaints)
    return Assessment(rules, received_on, add_months(received_on, -rules.window_months), checks)
