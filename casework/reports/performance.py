"""The scrutiny committee's performance report: indicators over rolling 12-month blocks per borough.

Each indicator is counted in the database per borough (GROUP BY), for the latest 12 complete months
and the 12 before, and the partnership total is the sum of the boroughs. Definitions (also shown on
the page):
- Incidents logged: every incident reported in the block (London time), by its case's borough.
- Flytips: flytipping incidents as the Flycapture return counts them (duplicates left out).
- Cases opened / closed: cases opened in the block; cases closed in the block and still closed,
  leaving out those closed as a duplicate of another case.
- Time to close: calendar days from opening to closing of those closed cases (median and mean),
  counted in the database to the nearest tenth of a day.
- Flytips cleared within the service level: "Clear the flytip" deadlines that fell due in the block
  (cancelled ones left out), and the share met by their due time.
- Enforcement actions: actions issued in the block (drafts left out), by family of kinds.
- FPNs paid: of the FPNs issued in the block, those paid by now (recent FPNs may still be in their
  payment period). Prosecutions proved: prosecutions whose outcome (guilty plea or conviction) was
  recorded in the block.
- Case reviews: applications received in the block and what became of them
  (casework.reviews.queries.publication_figures).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from casework.cases.incident_models import Incident
from casework.cases.models import Case
from casework.deadlines.models import Deadline
from casework.enforcement.kinds import PROVED_OUTCOMES
from casework.enforcement.models import EnforcementAction
from casework.extensions import db
from casework.places.models import Borough
from casework.reports.flycapture import FPN_KINDS, flytip_query, flytips_between
from casework.reports.periods import Block
from casework.reviews.queries import publication_figures

COUNT, DAYS, PERCENT = "count", "days", "percent"

# Families of enforcement action kinds, for the committee (the kinds themselves: enforcement/kinds.py).
FAMILIES: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("family_warnings", "Warnings and behaviour agreements", frozenset({"warning_letter", "abc", "cpw"})),
    ("family_notices", "Notices (CPN and statutory notices)",
     frozenset({"cpn", "s34_notice", "s46_notice", "s71_notice"})),
    ("family_fpn", "Fixed penalty notices", frozenset(FPN_KINDS)),
    (
        "family_investigation",
        "Investigations, inspections, searches and seizures",
        frozenset({"investigation", "duty_of_care_inspection", "stop_and_search", "vehicle_seized"}),
    ),
    ("family_court", "Cautions, injunctions and closures",
     frozenset({"formal_caution", "injunction", "closure"})),
    ("family_prosecution", "Prosecutions", frozenset({"prosecution"})),
)  # fmt: skip
OTHER_FAMILY = "family_other"


@dataclass(frozen=True)
class Indicator:
    """One line of the report."""

    code: str
    label: str
    unit: str = COUNT
    indent: bool = False  # shown as a part of the line above


INDICATORS: tuple[Indicator, ...] = (
    Indicator("incidents", "Incidents logged"),
    Indicator("flytips", "Flytipping incidents (as returned to Defra)"),
    Indicator("cases_opened", "Cases opened"),
    Indicator("cases_closed", "Cases closed"),
    Indicator("median_days", "Median calendar days to close", DAYS),
    Indicator("mean_days", "Mean calendar days to close", DAYS),
    Indicator("clearance_due", "Flytip clearance deadlines due"),
    Indicator("clearance_on_time", "Flytips cleared within the service level", PERCENT),
    Indicator("actions", "Enforcement actions"),
    *(Indicator(code, label, indent=True) for code, label, _kinds in FAMILIES),
    Indicator(OTHER_FAMILY, "Other actions", indent=True),
    Indicator("fpns_issued", "Fixed penalty notices issued"),
    Indicator("fpns_paid", "Fixed penalty notices paid"),
    Indicator("fpn_paid_rate", "Share of fixed penalty notices paid", PERCENT),
    Indicator("prosecutions", "Prosecutions started"),
    Indicator("prosecutions_proved", "Prosecutions proved"),
    Indicator("cr_applications", "Case review applications"),
    Indicator("cr_threshold_met", "Case reviews: threshold met"),
    Indicator("cr_reviews_held", "Case reviews held"),
    Indicator("cr_recommendations", "Case review recommendations made"),
)
FAMILY_OF = {kind: code for code, _label, kinds in FAMILIES for kind in kinds}


@dataclass
class Figures:
    """One scope's counts over one block, and how many closed cases took each time (tenths of a day)."""

    counts: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    close_tenths: Counter[int] = field(default_factory=Counter)

    def add(self, other: Figures) -> None:
        for code, value in other.counts.items():
            self.counts[code] += value
        self.close_tenths.update(other.close_tenths)

    def value(self, code: str) -> float | int | None:
        """The indicator's value; None when it cannot be worked out (nothing to divide by)."""
        if code == "median_days":
            return _median_days(self.close_tenths)
        if code == "mean_days":
            closed = sum(self.close_tenths.values())
            total = sum(tenths * n for tenths, n in self.close_tenths.items())
            return round(total / closed / 10, 1) if closed else None
        if code == "clearance_on_time":
            return _rate(self.counts["clearance_met"], self.counts["clearance_due"])
        if code == "fpn_paid_rate":
            return _rate(self.counts["fpns_paid"], self.counts["fpns_issued"])
        return self.counts[code]


def _median_days(histogram: Counter[int]) -> float | None:
    """The median of a histogram of tenths of a day, in days."""
    n = sum(histogram.values())
    if not n:
        return None
    ordered = sorted(histogram.items())

    def nth(k: int) -> int:  # the k-th smallest value, from 0
        seen = 0
        for value, count in ordered:
            seen += count
            if seen > k:
                return value
        raise IndexError(k)

    middle = nth(n // 2) if n % 2 else (nth(n // 2 - 1) + nth(n // 2)) / 2
    return round(middle / 10, 1)


class tenths_of_days_between(FunctionElement):  # named like the SQL functions it stands for
    """Tenths of a day from the first timestamp to the second, rounded, worked out in the database.

    There is no portable SQL for the difference of two timestamps, so it is compiled per dialect (the
    two the product runs on); both are tested.
    """

    type = Integer()
    inherit_cache = True
    name = "tenths_of_days_between"


@compiles(tenths_of_days_between)
def _tenths_sqlite(element, compiler, **kw) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(ROUND((julianday({end}) - julianday({start})) * 10) AS INTEGER)"


@compiles(tenths_of_days_between, "postgresql")
def _tenths_postgresql(element, compiler, **kw) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(ROUND(CAST(EXTRACT(EPOCH FROM ({end} - {start})) / 8640 AS NUMERIC)) AS INTEGER)"


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Line:
    """One indicator for one scope: the previous block, the latest, and the change."""

    indicator: Indicator
    previous: float | int | None
    latest: float | int | None

    @property
    def change(self) -> float | int | None:
        if self.previous is None or self.latest is None:
            return None
        change = self.latest - self.previous
        return round(change, 1) if isinstance(change, float) else change

    @property
    def change_percent(self) -> float | None:
        """Change as a percentage of the previous figure, for counts only."""
        if self.indicator.unit != COUNT or not self.previous or self.latest is None:
            return None
        return round(100 * (self.latest - self.previous) / self.previous, 1)


@dataclass(frozen=True)
class ScopeReport:
    """The report's table for one borough, or for the partnership."""

    code: str
    name: str
    lines: list[Line]


@dataclass(frozen=True)
class PerformanceReport:
    """The whole report: its two blocks and a table per borough (and the partnership total)."""

    latest: Block
    previous: Block
    scopes: list[ScopeReport]


# ---- formatting, shared by the page and the CSV ----------------------------------------------------


def format_value(unit: str, value: float | int | None) -> str:
    """A value for people: '12', '4.5 days', '62.5%'; 'Not available' when there is nothing to divide."""
    if value is None:
        return "Not available"
    if unit == DAYS:
        return f"{value:.1f} days"
    if unit == PERCENT:
        return f"{value:.1f}%"
    return f"{value:,}"


def format_change(line: Line) -> str:
    """'+3 (+12.5%)', '-1.5 days', '+4.0 percentage points', or 'No change' / 'Not available'."""
    change = line.change
    if change is None:
        return "Not available"
    if change == 0:
        return "No change"
    unit = line.indicator.unit
    if unit == DAYS:
        return f"{change:+.1f} days"
    if unit == PERCENT:
        return f"{change:+.1f} percentage points"
    percent = line.change_percent
    return f"{change:+,}" + (f" ({percent:+.1f}%)" if percent is not None else "")


# ---- counting ---------------------------------------------------------------------------------------


Key = tuple[int, int]  # (0 for the previous block or 1 for the latest, borough id)


@dataclass(frozen=True)
class _Span:
    """Both blocks at once: each query reads the 24 months once and labels each row with its block."""

    previous: Block
    latest: Block

    def within(self, column: Any, dates: bool = False) -> list[ColumnElement[bool]]:
        if dates:
            return [column >= self.previous.first_day, column <= self.latest.last_day]
        return [column >= self.previous.start, column < self.latest.end]

    def which(self, column: Any, dates: bool = False) -> ColumnElement[int]:
        boundary = self.latest.first_day if dates else self.latest.start
        return case((column < boundary, 0), else_=1)


def _grouped(query, which: ColumnElement[int], out: dict[Key, Figures], code: str) -> None:
    for block, borough_id, n in db.session.execute(query.group_by(which, Case.borough_id)):
        out[block, borough_id].counts[code] += int(n or 0)


def _count_cases(span: _Span, ids: list[int], out: dict[Key, Figures]) -> None:
    in_scope = Case.borough_id.in_(ids)
    which = span.which(Incident.reported_at)
    incidents = (
        select(which, Case.borough_id, func.count())
        .select_from(Incident)
        .join(Case, Case.id == Incident.case_id)
        .where(in_scope, *span.within(Incident.reported_at))
    )
    _grouped(incidents, which, out, "incidents")
    flytips = flytip_query(which, Case.borough_id, func.count()).where(
        in_scope, *flytips_between(span.previous.start, span.latest.end, None)
    )
    _grouped(flytips, which, out, "flytips")
    which = span.which(Case.created_at)
    opened = select(which, Case.borough_id, func.count()).where(in_scope, *span.within(Case.created_at))
    _grouped(opened, which, out, "cases_opened")
    which = span.which(Case.closed_at)
    tenths = tenths_of_days_between(Case.created_at, Case.closed_at)
    closed = (
        select(which, Case.borough_id, tenths, func.count())
        .where(in_scope, Case.state == "closed", Case.outcome != "duplicate", *span.within(Case.closed_at))
        .group_by(which, Case.borough_id, tenths)
    )
    for block, borough_id, time_taken, n in db.session.execute(closed):
        out[block, borough_id].counts["cases_closed"] += n
        out[block, borough_id].close_tenths[int(time_taken)] += n


def _count_clearance(span: _Span, ids: list[int], out: dict[Key, Figures]) -> None:
    on_time = and_(Deadline.met_at.is_not(None), Deadline.met_at <= Deadline.due_at)
    which = span.which(Deadline.due_at)
    query = (
        select(which, Case.borough_id, func.count(), func.sum(case((on_time, 1), else_=0)))
        .select_from(Deadline)
        .join(Case, Case.id == Deadline.case_id)
        .where(
            Case.borough_id.in_(ids),
            Deadline.kind == "clear_flytip",
            Deadline.cancelled_at.is_(None),
            *span.within(Deadline.due_at),
        )
        .group_by(which, Case.borough_id)
    )
    for block, borough_id, due, met in db.session.execute(query):
        out[block, borough_id].counts["clearance_due"] += int(due or 0)
        out[block, borough_id].counts["clearance_met"] += int(met or 0)


def _actions(*columns: Any) -> Select:
    return select(*columns).select_from(EnforcementAction).join(Case, Case.id == EnforcementAction.case_id)


def _count_actions(span: _Span, ids: list[int], out: dict[Key, Figures]) -> None:
    paid = EnforcementAction.paid_on.is_not(None)
    which = span.which(EnforcementAction.issued_on, dates=True)
    query = (
        _actions(
            which, Case.borough_id, EnforcementAction.kind, func.count(), func.sum(case((paid, 1), else_=0))
        )
        .where(
            Case.borough_id.in_(ids),
            EnforcementAction.status != "draft",
            *span.within(EnforcementAction.issued_on, dates=True),
        )
        .group_by(which, Case.borough_id, EnforcementAction.kind)
    )
    for block, borough_id, kind, n, n_paid in db.session.execute(query):
        counts = out[block, borough_id].counts
        counts["actions"] += n
        counts[FAMILY_OF.get(kind, OTHER_FAMILY)] += n
        if kind in FPN_KINDS:
            counts["fpns_issued"] += n
            counts["fpns_paid"] += int(n_paid or 0)
        if kind == "prosecution":
            counts["prosecutions"] += n
    which = span.which(EnforcementAction.outcome_on, dates=True)
    proved = _actions(which, Case.borough_id, func.count()).where(
        Case.borough_id.in_(ids),
        EnforcementAction.kind == "prosecution",
        EnforcementAction.outcome.in_(PROVED_OUTCOMES),
        *span.within(EnforcementAction.outcome_on, dates=True),
    )
    _grouped(proved, which, out, "prosecutions_proved")


def _count_reviews(span: _Span, ids: list[int], out: dict[Key, Figures]) -> None:
    for index, block in enumerate((span.previous, span.latest)):
        for borough_id in ids:
            figures = publication_figures(block.first_day, block.last_day, borough_id)
            counts = out[index, borough_id].counts
            counts["cr_applications"] += figures.applications
            counts["cr_threshold_met"] += figures.threshold_met
            counts["cr_reviews_held"] += figures.reviews_held
            counts["cr_recommendations"] += figures.recommendations_made


def _scope(code: str, name: str, previous: Figures, latest: Figures) -> ScopeReport:
    lines = [Line(i, previous.value(i.code), latest.value(i.code)) for i in INDICATORS]
    return ScopeReport(code, name, lines)


def _total(figures: Iterable[Figures]) -> Figures:
    total = Figures()
    for each in figures:
        total.add(each)
    return total


def performance_report(boroughs: list[Borough], latest: Block, with_total: bool) -> PerformanceReport:
    """The report for `boroughs` over `latest` and the block before it, with a partnership total."""
    span = _Span(latest.before(), latest)
    ids = [borough.id for borough in boroughs]
    out: dict[Key, Figures] = defaultdict(Figures)
    for count in (_count_cases, _count_clearance, _count_actions, _count_reviews):
        count(span, ids, out)
    scopes = [_scope(b.code, b.name, out[0, b.id], out[1, b.id]) for b in boroughs]
    if with_total:
        before = _total(out[0, borough_id] for borough_id in ids)
        now = _total(out[1, borough_id] for borough_id in ids)
        scopes.append(_scope("all", "Partnership total", before, now))
    return PerformanceReport(latest=latest, previous=span.previous, scopes=scopes)


def csv_rows(report: PerformanceReport, generated: str) -> list[list[str]]:
    """The report as CSV: one row per scope and indicator, with plain numbers (blank when not available)."""
    rows = [
        ["Performance report for the scrutiny committee"],
        ["Generated", generated],
        [],
        [
            "Borough",
            "Indicator",
            "Unit",
            f"Previous 12 months ({report.previous.label})",
            f"Latest 12 months ({report.latest.label})",
            "Change",
            "Change (%)",
        ],
    ]
    for scope in report.scopes:
        for line in scope.lines:
            rows.append(
                [
                    scope.name,
                    line.indicator.label,
                    line.indicator.unit,
                    _plain(line.previous),
                    _plain(line.latest),
                    _plain(line.change),
                    _plain(line.change_percent),
                ]
            )
    return rows


def _plain(value: float | int | None) -> str:
    return "" if value is None else str(value)
