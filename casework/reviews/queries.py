"""Read-only questions about ASB case reviews, for the reports and the yearly publication."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from casework.extensions import db
from casework.reviews.models import CaseReviewApplication, CaseReviewRecommendation


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
