"""The monthly Flycapture return to Defra (WasteDataFlow), counted in the database.

Rules (shown on the page as notes, so the figures can be checked):
- An incident belongs to the London month in which it was reported (`Incident.reported_at`), and to
  its case's borough. Every incident with flytipping details counts, including a repeat report on
  the same case, except the incidents of cases closed as a duplicate of another case.
- Waste types: an incident counts once under each waste type recorded on it, so the waste-type
  counts can add up to more than the number of incidents.
- Clearance cost: the recorded cost of the month's incidents that the council or its contractor has
  cleared; incidents cleared by the landowner, and those not yet cleared, cost the council nothing yet.
- Enforcement actions: actions on flytipping cases, counted in the month of their issue date under
  their Flycapture category (casework/enforcement/kinds.py); drafts do not count. FPNs paid are
  counted in the month they were paid.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Numeric, Select, Text, and_, case, cast, func, or_, select

from casework.cases.categories import FLYTIP_SIZES, LAND_TYPES, WASTE_TYPES
from casework.cases.incident_models import FlytipDetails, Incident
from casework.cases.models import Case, CaseType
from casework.enforcement.kinds import FLYCAPTURE_ACTIONS, KIND_BY_CODE
from casework.enforcement.models import EnforcementAction
from casework.extensions import db
from casework.reports.periods import Month
from casework.reports.report_params import BoroughChoice

COUNCIL_CLEARERS = ("council", "contractor")
CENT = Decimal("0.01")


def money(value: Any) -> Decimal:
    """A database sum as pounds and pence (SQLite returns floats for sums of decimals)."""
    return Decimal(str(value or 0)).quantize(CENT)


def counted_incident() -> ColumnElement[bool]:
    """Incidents that count: not on a case closed as a duplicate (the same flytip reported twice)."""
    return or_(Case.outcome.is_(None), Case.outcome != "duplicate")


def flytips_between(start: datetime, end: datetime, borough_id: int | None) -> list[ColumnElement[bool]]:
    """WHERE clauses for counted flytip incidents reported from `start` (inclusive) to `end` (exclusive).

    The query must join FlytipDetails, Incident and Case (see `flytip_query`).
    """
    clauses = [Incident.reported_at >= start, Incident.reported_at < end, counted_incident()]
    if borough_id is not None:
        clauses.append(Case.borough_id == borough_id)
    return clauses


def flytip_query(*columns: Any) -> Select:
    """SELECT `columns` FROM flytip details joined to their incident and case."""
    return (
        select(*columns)
        .select_from(FlytipDetails)
        .join(Incident, Incident.id == FlytipDetails.incident_id)
        .join(Case, Case.id == Incident.case_id)
    )


@dataclass(frozen=True)
class Line:
    """One row of a one-column table: a category and its count."""

    code: str
    label: str
    count: int


@dataclass(frozen=True)
class MatrixRow:
    """A land type's counts by size (in FLYTIP_SIZES order) and its total."""

    code: str
    label: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class ClearanceRow:
    """Clearance of one size band's incidents."""

    code: str
    label: str
    incidents: int
    cleared_by_council: int
    cost: Decimal
    cleared_by_landowner: int
    not_cleared: int


@dataclass(frozen=True)
class FlycaptureReturn:
    """Every table of one borough's (or all boroughs') return for one month."""

    borough: BoroughChoice
    month: Month
    complete: bool  # False while the month is still running
    sizes: tuple[tuple[str, str], ...]
    land_rows: list[MatrixRow]
    waste_rows: list[Line]
    multi_waste_incidents: int
    clearance_rows: list[ClearanceRow]
    action_rows: list[Line]
    fpns_issued: int
    fpns_paid: int
    fpn_amount_paid: Decimal

    @property
    def size_totals(self) -> list[int]:
        return [sum(row.counts[i] for row in self.land_rows) for i in range(len(self.sizes))]

    @property
    def total_incidents(self) -> int:
        return sum(row.total for row in self.land_rows)

    @property
    def waste_total(self) -> int:
        return sum(line.count for line in self.waste_rows)

    @property
    def clearance_cost(self) -> Decimal:
        return sum((row.cost for row in self.clearance_rows), Decimal("0.00"))

    @property
    def cleared_by_council(self) -> int:
        return sum(row.cleared_by_council for row in self.clearance_rows)

    @property
    def cleared_by_landowner(self) -> int:
        return sum(row.cleared_by_landowner for row in self.clearance_rows)

    @property
    def not_cleared(self) -> int:
        return sum(row.not_cleared for row in self.clearance_rows)

    @property
    def actions_total(self) -> int:
        return sum(line.count for line in self.action_rows)


def _with_unknown(pairs: tuple[tuple[str, str], ...], seen: set[str]) -> tuple[tuple[str, str], ...]:
    """The national list, plus any code found in the data that the list does not know (never dropped)."""
    known = {code for code, _label in pairs}
    return pairs + tuple((code, code) for code in sorted(seen - known))


def _land_by_size(
    month: Month, borough_id: int | None
) -> tuple[tuple[tuple[str, str], ...], list[MatrixRow]]:
    query = flytip_query(FlytipDetails.land_type, FlytipDetails.size, func.count()).where(
        *flytips_between(month.start, month.end, borough_id)
    )
    counts = {
        (land, size): n
        for land, size, n in db.session.execute(query.group_by(FlytipDetails.land_type, FlytipDetails.size))
    }
    sizes = _with_unknown(FLYTIP_SIZES, {size for _land, size in counts})
    lands = _with_unknown(LAND_TYPES, {land for land, _size in counts})
    rows = [
        MatrixRow(code, label, tuple(counts.get((code, size), 0) for size, _l in sizes))
        for code, label in lands
    ]
    return sizes, rows


def _waste(month: Month, borough_id: int | None) -> tuple[list[Line], int]:
    # Grouped by the stored list (as text: PostgreSQL cannot group json values): a few dozen
    # combinations at most, expanded here into one count per waste type.
    combination = cast(FlytipDetails.waste_types, Text)
    query = flytip_query(combination, func.count()).where(
        *flytips_between(month.start, month.end, borough_id)
    )
    per_type: Counter[str] = Counter()
    several = 0
    for text, n in db.session.execute(query.group_by(combination)):
        kinds = set(json.loads(text) if text else [])
        for kind in kinds:
            per_type[kind] += n
        several += n if len(kinds) > 1 else 0
    pairs = _with_unknown(WASTE_TYPES, set(per_type))
    return [Line(code, label, per_type.get(code, 0)) for code, label in pairs], several


def _clearance(month: Month, borough_id: int | None) -> list[ClearanceRow]:
    cleared = FlytipDetails.cleared_on.is_not(None)
    by_council = and_(cleared, FlytipDetails.cleared_by.in_(COUNCIL_CLEARERS))
    by_landowner = and_(cleared, FlytipDetails.cleared_by == "landowner")
    query = flytip_query(
        FlytipDetails.size,
        func.count(),
        func.sum(case((by_council, 1), else_=0)),
        func.sum(case((by_council, cast(FlytipDetails.clearance_cost, Numeric(12, 2))), else_=None)),
        func.sum(case((by_landowner, 1), else_=0)),
        func.sum(case((cleared, 0), else_=1)),
    ).where(*flytips_between(month.start, month.end, borough_id))
    found = {row[0]: row[1:] for row in db.session.execute(query.group_by(FlytipDetails.size))}
    rows = []
    for code, label in _with_unknown(FLYTIP_SIZES, set(found)):
        n, council, cost, landowner, open_ = found.get(code, (0, 0, None, 0, 0))
        rows.append(
            ClearanceRow(code, label, n, int(council or 0), money(cost), int(landowner or 0), int(open_ or 0))
        )
    return rows


def flytipping_actions(borough_id: int | None, *columns: Any) -> Select:
    """SELECT `columns` FROM enforcement actions on flytipping cases (drafts left out)."""
    query = (
        select(*columns)
        .select_from(EnforcementAction)
        .join(Case, Case.id == EnforcementAction.case_id)
        .join(CaseType, CaseType.id == Case.case_type_id)
        .where(CaseType.group == "flytipping", EnforcementAction.status != "draft")
    )
    if borough_id is not None:
        query = query.where(Case.borough_id == borough_id)
    return query


FPN_KINDS = tuple(code for code, kind in KIND_BY_CODE.items() if kind.flycapture == "fixed_penalty_notice")


def _actions(month: Month, borough_id: int | None) -> tuple[list[Line], int]:
    query = (
        flytipping_actions(borough_id, EnforcementAction.kind, func.count())
        .where(EnforcementAction.issued_on >= month.first_day, EnforcementAction.issued_on <= month.last_day)
        .group_by(EnforcementAction.kind)
    )
    per_category: Counter[str] = Counter()
    fpns = 0
    for kind, n in db.session.execute(query):
        category = KIND_BY_CODE[kind].flycapture if kind in KIND_BY_CODE else None
        if category is not None:
            per_category[category] += n
        fpns += n if kind in FPN_KINDS else 0
    return [Line(code, label, per_category.get(code, 0)) for code, label in FLYCAPTURE_ACTIONS], fpns


def _fpns_paid(month: Month, borough_id: int | None) -> tuple[int, Decimal]:
    query = flytipping_actions(
        borough_id, func.count(), func.sum(cast(EnforcementAction.paid_amount, Numeric(12, 2)))
    ).where(
        EnforcementAction.kind.in_(FPN_KINDS),
        EnforcementAction.paid_on >= month.first_day,
        EnforcementAction.paid_on <= month.last_day,
    )
    n, amount = db.session.execute(query).one()
    return int(n or 0), money(amount)


def flycapture_return(choice: BoroughChoice, month: Month, now: datetime) -> FlycaptureReturn:
    """The return for a borough (or all boroughs) and a month, as at `now`."""
    borough_id = choice.borough_id
    sizes, land_rows = _land_by_size(month, borough_id)
    waste_rows, several = _waste(month, borough_id)
    action_rows, fpns = _actions(month, borough_id)
    paid, amount = _fpns_paid(month, borough_id)
    return FlycaptureReturn(
        borough=choice,
        month=month,
        complete=now >= month.end,
        sizes=sizes,
        land_rows=land_rows,
        waste_rows=waste_rows,
        multi_waste_incidents=several,
        clearance_rows=_clearance(month, borough_id),
        action_rows=action_rows,
        fpns_issued=fpns,
        fpns_paid=paid,
        fpn_amount_paid=amount,
    )


def _pounds(value: Decimal) -> str:
    return f"{value:.2f}"


def csv_rows(report: FlycaptureReturn, generated: str) -> list[list[str]]:
    """The return as CSV rows, one section per table of the Defra return, with header rows and totals."""
    sizes = [label for _code, label in report.sizes]
    rows: list[list[str]] = [
        ["Flycapture return (Defra WasteDataFlow)"],
        ["Borough", report.borough.name],
        ["Month", report.month.label],
        ["Period", f"{report.month.first_day:%d/%m/%Y} to {report.month.last_day:%d/%m/%Y} (UK time)"],
        ["Generated", generated],
        ["Month complete", "Yes" if report.complete else "No: the month has not ended"],
        [],
        ["Table 1: Number of incidents by land type and size"],
        ["Land type", *sizes, "Total"],
    ]
    rows += [[row.label, *map(str, row.counts), str(row.total)] for row in report.land_rows]
    rows.append(["Total", *map(str, report.size_totals), str(report.total_incidents)])
    rows += [[], ["Table 2: Number of incidents by waste type"], ["Waste type", "Incidents"]]
    rows += [[line.label, str(line.count)] for line in report.waste_rows]
    rows.append(["Total (an incident counts under each of its waste types)", str(report.waste_total)])
    rows.append(["Incidents with more than one waste type", str(report.multi_waste_incidents)])
    rows.append(["Total incidents", str(report.total_incidents)])
    rows += [
        [],
        ["Table 3: Clearance costs by size"],
        [
            "Size",
            "Incidents",
            "Cleared by the council or its contractor",
            "Total clearance cost (GBP)",
            "Cleared by the landowner",
            "Not yet cleared",
        ],
    ]
    rows += [
        [
            row.label,
            str(row.incidents),
            str(row.cleared_by_council),
            _pounds(row.cost),
            str(row.cleared_by_landowner),
            str(row.not_cleared),
        ]
        for row in report.clearance_rows
    ]
    rows.append(
        [
            "Total",
            str(report.total_incidents),
            str(report.cleared_by_council),
            _pounds(report.clearance_cost),
            str(report.cleared_by_landowner),
            str(report.not_cleared),
        ]
    )
    rows += [[], ["Table 4: Enforcement actions by type"], ["Enforcement action", "Number of actions"]]
    rows += [[line.label, str(line.count)] for line in report.action_rows]
    rows.append(["Total", str(report.actions_total)])
    rows += [
        [],
        ["Table 5: Fixed penalty notices"],
        ["Measure", "Value"],
        ["Fixed penalty notices issued", str(report.fpns_issued)],
        ["Fixed penalty notices paid in the month", str(report.fpns_paid)],
        ["Amount paid (GBP)", _pounds(report.fpn_amount_paid)],
    ]
    return rows
