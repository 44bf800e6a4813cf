"""The managers' dashboard: the figures, each counted by one grouped query in the manager's scope.

What is counted (the page says the same in words):
- Open cases by type and state, now.
- Overdue and due soon, now: the case queue's own definitions (`casework.cases.queries.due_clauses`),
  so each figure is the number of cases the queue lists behind its link.
- Service-level compliance per kind of deadline in the period: a deadline counts in the period in
  which it was met (on time when met by its due time, late otherwise); one still not met counts as
  missed in the period in which it fell due (once due), unless it was cancelled before it fell due.
  Deadlines cancelled before their due time (the case closed, the flytip cleared by someone else...)
  are not counted at all.
- Incidents per ward per month in the period, by the time they were reported, months in London time.
- Hotspots: the postcodes with the most incidents reported in the last HOTSPOT_DAYS days (a recent
  view for tasking, whatever the period), at least two incidents each.
- Enforcement actions issued in the period (by issue date; drafts left out), by kind and status, with
  fixed penalties paid and unpaid and prosecutions proved.

The period is the last 12 months (this month so far and the 11 before), this financial year (from
1 April, the councils' year) or the last financial year. Months are computed in Python (Europe/London)
and bucketed in SQL with a CASE expression, so the same queries run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from casework.auth.models import User
from casework.cases import queries, workflow
from casework.cases.incident_models import Incident
from casework.cases.models import Case, CaseType
from casework.cases.scope import case_scope
from casework.deadlines.models import Deadline
from casework.deadlines.policies import kind_label
from casework.enforcement.kinds import KIND_BY_CODE, PROSECUTION_OUTCOMES, PROVED_OUTCOMES
from casework.enforcement.models import EnforcementAction
from casework.extensions import db
from casework.places.models import Borough, Ward
from casework.reports.periods import Month

PERIODS: tuple[tuple[str, str], ...] = (
    ("12m", "Last 12 months"),
    ("fy", "This financial year"),
    ("last_fy", "Last financial year"),
)
# How the period reads inside a sentence ("incidents reported in the last 12 months").
PERIOD_PHRASES = {
    "12m": "the last 12 months",
    "fy": "this financial year",
    "last_fy": "the last financial year",
}
DEFAULT_PERIOD = "12m"
HOTSPOT_DAYS = 90
HOTSPOT_LIMIT = 10
HOTSPOT_MINIMUM = 2
CHART_WARDS = 10  # the ward chart shows the busiest wards; the table lists every ward
FINANCIAL_YEAR_START_MONTH = 4

# Enforcement statuses in the order of an action's life (EnforcementAction.status).
STATUSES: tuple[tuple[str, str], ...] = (
    ("issued", "Issued"),
    ("complied", "Complied"),
    ("breached", "Breached"),
    ("paid", "Paid"),
    ("unpaid", "Unpaid"),
    ("concluded", "Concluded"),
    ("withdrawn", "Withdrawn"),
)
LEFT_OUT_STATUSES = ("draft",)


# ---- the period ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The months a dashboard covers: `start` to `end` (UTC, end excluded), and its label."""

    code: str
    name: str
    months: tuple[Month, ...]

    @property
    def start_day(self) -> date:
        return self.months[0].first_day

    @property
    def end_day(self) -> date:
        """The first London day after the period."""
        return self.months[-1].plus(1).first_day

    @property
    def start(self) -> datetime:
        return self.months[0].start

    @property
    def end(self) -> datetime:
        return self.months[-1].end

    @property
    def label(self) -> str:
        """'Last 12 months (December 2025 to November 2026)'."""
        return f"{self.name} ({self.months[0].label} to {self.months[-1].label})"

    @property
    def lower_label(self) -> str:
        """'the last 12 months (December 2025 to November 2026)', for use inside a sentence."""
        return f"{PERIOD_PHRASES[self.code]} ({self.months[0].label} to {self.months[-1].label})"


def period_for(code: str, now: datetime) -> Period:
    """The period `code` (one of PERIODS) as seen at `now`: only months that have begun are listed."""
    this_month = Month.of(now)
    if code == "12m":
        first = this_month.plus(-11)
    else:
        first = this_month.plus(-((this_month.month - FINANCIAL_YEAR_START_MONTH) % 12))
        if code == "last_fy":
            first = first.plus(-12)
    last = min(first.plus(11), this_month)
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = month.plus(1)
    return Period(code, dict(PERIODS)[code], tuple(months))


# ---- the filter --------------------------------------------------------------------------------


@dataclass
class DashboardFilter:
    """The dashboard's choices, as read from the query string."""

    period: str = DEFAULT_PERIOD
    borough: str | None = None  # a partnership manager's choice of borough (its code)
    borough_id: int | None = None


def parse_filter(args: Mapping[str, Any], boroughs: list[Borough]) -> tuple[DashboardFilter, list[str]]:
    """The filter from query arguments; values that cannot be used are ignored and described."""
    problems: list[str] = []
    result = DashboardFilter()
    period = str(args.get("period") or DEFAULT_PERIOD).strip().lower()
    if period in dict(PERIODS):
        result.period = period
    else:
        problems.append(f"The period “{period[:20]}” was ignored: showing the last 12 months")
    borough = str(args.get("borough") or "").strip().upper()
    by_code = {b.code: b for b in boroughs}
    if borough in by_code and len(boroughs) > 1:
        result.borough, result.borough_id = borough, by_code[borough].id
    elif borough and borough not in by_code:
        problems.append(f"The borough filter “{borough[:10]}” was ignored: it is not a borough you work in")
    return result, problems


def _case_clauses(user: User, f: DashboardFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [case_scope(user)]
    if f.borough_id is not None:
        clauses.append(Case.borough_id == f.borough_id)
    return clauses


# ---- open cases, overdue, due soon ---------------------------------------------------------------------


@dataclass
class TypeRow:
    """One case type's open cases: per state, overdue and due soon."""

    code: str
    name: str
    by_state: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    due_soon: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_state.values())


@dataclass
class OpenCases:
    """Open cases now, by type (rows) and state (columns), with the deadline figures."""

    rows: list[TypeRow]
    states: list[workflow.State]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.rows)

    @property
    def due_soon(self) -> int:
        return sum(row.due_soon for row in self.rows)

    def state_total(self, code: str) -> int:
        return sum(row.by_state.get(code, 0) for row in self.rows)


def _open_clause() -> ColumnElement[bool]:
    return Case.state.in_(sorted(workflow.OPEN_STATES))


def open_cases(user: User, f: DashboardFilter, now: datetime) -> OpenCases:
    """Open cases by type and state, and per type those overdue and due soon (the queue's filters)."""
    clauses = [*_case_clauses(user, f), _open_clause()]
    by_type_state = select(Case.case_type_id, Case.state, func.count()).where(*clauses)
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for type_id, state, count in db.session.execute(by_type_state.group_by(Case.case_type_id, Case.state)):
        found[type_id][state] = count
    due: dict[str, dict[int, int]] = {}
    for choice in ("overdue", "soon"):
        query = select(Case.case_type_id, func.count()).where(*clauses, *queries.due_clauses(choice, now))
        due[choice] = dict(db.session.execute(query.group_by(Case.case_type_id)).tuples().all())
    types = db.session.scalars(select(CaseType).order_by(CaseType.sort_order, CaseType.name))
    rows = [
        TypeRow(t.code, t.name, found[t.id], due["overdue"].get(t.id, 0), due["soon"].get(t.id, 0))
        for t in types
        if t.id in found
    ]
    states = [state for state in workflow.STATES if state.is_open]
    return OpenCases(rows=rows, states=states)


# ---- service-level compliance --------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceRow:
    """One kind of deadline in the period: met on time, met late, missed (still not met)."""

    kind: str
    label: str
    on_time: int
    late: int
    missed: int

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.missed

    @property
    def percent(self) -> int | None:
        """Whole per cent met on time (rounded down, so 99.6% never shows as 100%); None when none."""
        return self.on_time * 100 // self.total if self.total else None


def _sum_of(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def compliance(user: User, f: DashboardFilter, period: Period, now: datetime) -> list[ComplianceRow]:
    """Deadlines decided in the period, per kind (see the module's description)."""
    until = min(period.end, now)
    met = Deadline.met_at.is_not(None)
    met_in_period = and_(met, Deadline.met_at >= period.start, Deadline.met_at < period.end)
    missed_in_period = and_(
        Deadline.met_at.is_(None),
        Deadline.due_at >= period.start,
        Deadline.due_at < until,
        or_(Deadline.cancelled_at.is_(None), Deadline.cancelled_at > Deadline.due_at),
    )
    query = (
        select(
            Deadline.kind,
            _sum_of(and_(met, Deadline.met_at <= Deadline.due_at)),
            _sum_of(and_(met, Deadline.met_at > Deadline.due_at)),
            _sum_of(Deadline.met_at.is_(None)),
        )
        .join(Case, Case.id == Deadline.case_id)
        .where(*_case_clauses(user, f), or_(met_in_period, missed_in_period))
        .group_by(Deadline.kind)
    )
    rows = [
        ComplianceRow(kind, kind_label(kind), int(on_time), int(late), int(missed))
        for kind, on_time, late, missed in db.session.execute(query)
    ]
    return sorted(rows, key=lambda row: (-row.total, row.label))


# ---- incidents per ward per month, and hotspots --------------------------------------------------


@dataclass
class WardRow:
    """One ward's incidents in each month of the period."""

    name: str
    borough: str
    by_month: list[int]

    @property
    def total(self) -> int:
        return sum(self.by_month)


@dataclass
class Incidents:
    """Incidents in the period per ward and month (every ward in scope, even with none)."""

    months: tuple[Month, ...]
    wards: list[WardRow]

    @property
    def month_totals(self) -> list[int]:
        return [sum(row.by_month[n] for row in self.wards) for n in range(len(self.months))]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.wards)

    @property
    def busiest(self) -> list[WardRow]:
        ranked = sorted((row for row in self.wards if row.total), key=lambda row: (-row.total, row.name))
        return ranked[:CHART_WARDS]


def _month_bucket(column, months: tuple[Month, ...]):
    """The index of the month `column` falls in (rows are already limited to the period)."""
    return case(*[(column < month.end, n) for n, month in enumerate(months)], else_=len(months) - 1)


def incidents(user: User, f: DashboardFilter, period: Period) -> Incidents:
    """Incidents reported in the period, per ward and month, in the user's scope."""
    bucketed = (
        select(
            Incident.ward_id.label("ward_id"),
            _month_bucket(Incident.reported_at, period.months).label("month"),
        )
        .join(Case, Case.id == Incident.case_id)
        .where(
            *_case_clauses(user, f), Incident.reported_at >= period.start, Incident.reported_at < period.end
        )
        .subquery()
    )
    # Grouped over a subquery, so the CASE expression's parameters need not be repeated in GROUP BY.
    grouped = select(bucketed.c.ward_id, bucketed.c.month, func.count()).group_by(
        bucketed.c.ward_id, bucketed.c.month
    )
    counts: dict[int | None, list[int]] = defaultdict(lambda: [0] * len(period.months))
    for ward_id, month, count in db.session.execute(grouped):
        counts[ward_id][int(month)] += count
    wards_query = select(Ward, Borough.name).join(Borough, Borough.id == Ward.borough_id)
    borough_id = f.borough_id or user.borough_id
    if borough_id is not None:
        # The wards in scope, and any other ward an incident in scope was recorded in.
        counted = [ward_id for ward_id in counts if ward_id is not None]
        wards_query = wards_query.where(or_(Ward.borough_id == borough_id, Ward.id.in_(counted)))
    rows = [
        WardRow(ward.name, borough, counts.get(ward.id, [0] * len(period.months)))
        for ward, borough in db.session.execute(wards_query.order_by(Borough.name, Ward.name))
    ]
    if None in counts:
        rows.append(WardRow("Ward not recorded", "", counts[None]))
    return Incidents(months=period.months, wards=rows)


@dataclass(frozen=True)
class Hotspot:
    """A postcode with several recent incidents."""

    postcode: str
    incidents: int
    ward: str
    address: str


def hotspots(user: User, f: DashboardFilter, now: datetime) -> list[Hotspot]:
    """The postcodes with the most incidents reported in the last HOTSPOT_DAYS days (at least two)."""
    ward = aliased(Ward)
    count = func.count(Incident.id)
    query = (
        select(Incident.postcode, count, func.min(ward.name), func.min(Incident.address))
        .join(Case, Case.id == Incident.case_id)
        .outerjoin(ward, ward.id == Incident.ward_id)
        .where(
            *_case_clauses(user, f),
            Incident.reported_at >= now - timedelta(days=HOTSPOT_DAYS),
            Incident.reported_at <= now,
            Incident.postcode.is_not(None),
            Incident.postcode != "",
        )
        .group_by(Incident.postcode)
        .having(count >= HOTSPOT_MINIMUM)
        .order_by(count.desc(), Incident.postcode)
        .limit(HOTSPOT_LIMIT)
    )
    return [
        Hotspot(postcode, number, ward_name or "", address or "")
        for postcode, number, ward_name, address in db.session.execute(query)
    ]


# ---- enforcement -----------------------------------------------------------------------------------


@dataclass
class EnforcementRow:
    """One kind of enforcement action issued in the period, by status."""

    kind: str
    label: str
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass
class Enforcement:
    """Enforcement actions issued in the period, by kind and status, and the headline outcomes."""

    rows: list[EnforcementRow]
    statuses: list[tuple[str, str]]
    fpn_paid: int = 0
    fpn_unpaid: int = 0
    prosecutions: int = 0
    prosecutions_proved: int = 0
    prosecution_outcomes: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def fpns(self) -> int:
        return sum(row.total for row in self.rows if row.kind == "fpn")


def status_label(code: str) -> str:
    return dict(STATUSES).get(code) or code.replace("_", " ").capitalize()


def enforcement(user: User, f: DashboardFilter, period: Period) -> Enforcement:
    """Actions issued in the period (by issue date, drafts left out), per kind, status and outcome."""
    query = (
        select(EnforcementAction.kind, EnforcementAction.status, EnforcementAction.outcome, func.count())
        .join(Case, Case.id == EnforcementAction.case_id)
        .where(
            *_case_clauses(user, f),
            EnforcementAction.issued_on >= period.start_day,
            EnforcementAction.issued_on < period.end_day,
            EnforcementAction.status.not_in(LEFT_OUT_STATUSES),
        )
        .group_by(EnforcementAction.kind, EnforcementAction.status, EnforcementAction.outcome)
    )
    rows: dict[str, EnforcementRow] = {}
    outcomes: dict[str, int] = defaultdict(int)
    result = Enforcement(rows=[], statuses=[])
    for kind, status, outcome, count in db.session.execute(query):
        label = KIND_BY_CODE[kind].label if kind in KIND_BY_CODE else kind.replace("_", " ").capitalize()
        row = rows.setdefault(kind, EnforcementRow(kind, label))
        row.by_status[status] = row.by_status.get(status, 0) + count
        if kind == "fpn":
            result.fpn_paid += count if status == "paid" else 0
            result.fpn_unpaid += count if status == "unpaid" else 0
        if kind == "prosecution":
            result.prosecutions += count
            if outcome:
                outcomes[outcome] += count
            if outcome in PROVED_OUTCOMES:
                result.prosecutions_proved += count
    order = {kind: n for n, kind in enumerate(KIND_BY_CODE)}
    result.rows = sorted(rows.values(), key=lambda row: (order.get(row.kind, len(order)), row.label))
    seen = {status for row in result.rows for status in row.by_status}
    known = [(code, name) for code, name in STATUSES if code in seen]
    result.statuses = known + [(code, status_label(code)) for code in sorted(seen - dict(STATUSES).keys())]
    result.prosecution_outcomes = [
        (name, outcomes[code]) for code, name in PROSECUTION_OUTCOMES if outcomes[code]
    ]
    return result


# ---- the whole dashboard -------------------------------------------------------------------------


@dataclass
class Dashboard:
    """Every figure of the dashboard, for one user, filter and moment."""

    period: Period
    open: OpenCases
    compliance: list[ComplianceRow]
    incidents: Incidents
    hotspots: list[Hotspot]
    enforcement: Enforcement
    now: datetime

    @property
    def compliance_total(self) -> ComplianceRow:
        rows = self.compliance
        return ComplianceRow(
            "all",
            "All deadlines",
            sum(r.on_time for r in rows),
            sum(r.late for r in rows),
            sum(r.missed for r in rows),
        )


def build(user: User, f: DashboardFilter, now: datetime) -> Dashboard:
    """The dashboard for `user` with filter `f` at `now`."""
    period = period_for(f.period, now)
    return Dashboard(
        period=period,
        open=open_cases(user, f, now),
        compliance=compliance(user, f, period, now),
        incidents=incidents(user, f, period),
        hotspots=hotspots(user, f, now),
        enforcement=enforcement(user, f, period),
        now=now,
    )
