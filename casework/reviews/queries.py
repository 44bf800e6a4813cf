"""Read-only questions about ASB case reviews, for the reports and the yearly publication."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort
from sqlalchemy import ColumnElement, false, func, select, true
from sqlalchemy.orm import selectinload

from casework.auth.models import User
from casework.auth.roles import Role
from casework.deadlines.models import Deadline
from casework.extensions import db
from casework.places.models import Borough
from casework.reviews.models import CaseReviewApplication, CaseReviewRecommendation
from casework.reviews.services import ACTIVE, CLOCKS
from casework.reviews.threshold import add_months

MONTH_RE = re.compile(r"(\d{4})-(\d{1,2})")


@dataclass(frozen=True)
class PublicationFigures:
    """The figures an area must publish at least every 12 months."""

    applications: int
    threshold_met: int
    reviews_held: int
    recommendations_made: int


def publication_figures(start: date, end: date, borough_id: int | None = None) -> PublicationFigures:
    """Applications received from `start` to `end` inclusive, and what became of them."""
    base = select(CaseReviewApplication.id).where(
        CaseReviewApplication.received_on >= start, CaseReviewApplication.received_on <= end
    )
    if borough_id is not None:
        base = base.where(CaseReviewApplication.borough_id == borough_id)
    ids = base.subquery()

    def count(*conditions) -> int:
        query = (
            select(func.count())
            .select_from(CaseReviewApplication)
            .where(CaseReviewApplication.id.in_(select(ids.c.id)), *conditions)
        )
        return db.session.scalar(query) or 0

    recommendations = db.session.scalar(
        select(func.count())
        .select_from(CaseReviewRecommendation)
        .where(CaseReviewRecommendation.application_id.in_(select(ids.c.id)))
    )
    return PublicationFigures(
        applications=count(),
        threshold_met=count(CaseReviewApplication.threshold_met.is_(True)),
        reviews_held=count(CaseReviewApplication.meeting_on.is_not(None)),
        recommendations_made=recommendations or 0,
    )


# ---- applications in the user's scope ----------------------------------------------------------


def scope_clause(user: User) -> ColumnElement[bool]:
    """Officers and managers see their borough's applications (partnership managers all); others none."""
    if user.role_enum not in (Role.OFFICER, Role.MANAGER):
        return false()
    return true() if user.borough_id is None else CaseReviewApplication.borough_id == user.borough_id


def applications_for(user: User, shown: str = "open") -> list[CaseReviewApplication]:
    """The applications the user may see: those with steps to come, or all; newest first."""
    query = select(CaseReviewApplication).where(scope_clause(user))
    if shown == "open":
        query = query.where(CaseReviewApplication.status.in_(sorted(ACTIVE)))
    query = query.options(
        selectinload(CaseReviewApplication.case), selectinload(CaseReviewApplication.victim)
    )
    order = (CaseReviewApplication.received_on.desc(), CaseReviewApplication.id.desc())
    return list(db.session.scalars(query.order_by(*order)))


def application_or_404(user: User, reference: str) -> CaseReviewApplication:
    """The application with this reference if the user may see it; otherwise 404."""
    query = select(CaseReviewApplication).where(
        scope_clause(user), CaseReviewApplication.reference == reference.strip().upper()
    )
    application = db.session.scalar(query)
    if application is None:
        abort(404)
    return application


def clocks_of(application: CaseReviewApplication) -> list[Deadline]:
    """Every case review deadline of the application (open, met and cancelled), oldest first."""
    if application.case_id is None:
        return []
    query = select(Deadline).where(
        Deadline.case_id == application.case_id,
        Deadline.kind.in_(CLOCKS),
        Deadline.label.contains(f"({application.reference})"),
    )
    return list(db.session.scalars(query.order_by(Deadline.started_at, Deadline.id)))


def next_due(applications: list[CaseReviewApplication]) -> dict[int, Deadline]:
    """For each application, its open case review deadline that falls due first."""
    found: dict[int, Deadline] = {}
    for application in applications:
        open_rows = [row for row in clocks_of(application) if row.is_open]
        if open_rows:
            found[application.id] = min(open_rows, key=lambda row: row.due_at)
    return found


# ---- the yearly publication --------------------------------------------------------------------


@dataclass(frozen=True)
class PublicationRow:
    """One borough's figures (borough None: the total)."""

    name: str
    borough_id: int | None
    figures: PublicationFigures


def publication_window(start_month: str | None, today: date) -> tuple[date, date] | None:
    """12 months from the first of `start_month` (YYYY-MM); None when it is not a month.

    Without a month: the last 12 complete months before `today`.
    """
    if not start_month:
        first_of_this_month = today.replace(day=1)
        start = add_months(first_of_this_month, -12)
    else:
        match = MONTH_RE.fullmatch(start_month.strip())
        if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
            return None
        start = date(int(match.group(1)), int(match.group(2)), 1)
    return start, add_months(start, 12) - timedelta(days=1)


def publication_table(user: User, start: date, end: date) -> list[PublicationRow]:
    """Figures per borough in the user's scope, then the total (partnership-wide users only)."""
    boroughs = db.session.scalars(select(Borough).order_by(Borough.name)).all()
    if user.borough_id is not None:
        boroughs = [b for b in boroughs if b.id == user.borough_id]
    rows = [PublicationRow(b.name, b.id, publication_figures(start, end, b.id)) for b in boroughs]
    if user.borough_id is None:
        rows.append(PublicationRow("Total", None, publication_figures(start, end, None)))
    return rows
