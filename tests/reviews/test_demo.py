"""The demo: an application mid-way with its threshold decision due soon, and finished ones with figures."""

from __future__ import annotations

from sqlalchemy import func, select

from casework.db_types import utcnow
from casework.deadlines.models import Deadline
from casework.demo import seed_demo
from casework.extensions import db
from casework.reviews import queries, services
from casework.reviews.models import CaseReviewApplication


def test_the_demo_has_a_review_mid_way_and_finished_ones_and_seeding_again_adds_none(app):
    added = seed_demo()
    again = seed_demo()

    applications = db.session.scalars(select(CaseReviewApplication).order_by(CaseReviewApplication.id)).all()
    assert added["case reviews"] == 3 and again["case reviews"] == 0
    assert db.session.scalar(select(func.count()).select_from(CaseReviewApplication)) == 3
    mid_way = next(a for a in applications if a.status == "acknowledged")
    threshold = db.session.scalar(
        select(Deadline).where(Deadline.case_id == mid_way.case_id, Deadline.kind == services.THRESHOLD)
    )
    assert threshold.is_open and threshold.due_at > utcnow()
    assert services.assessment(mid_way).qualifying >= 2
    assert sorted(a.status for a in applications) == ["acknowledged", "outcome_sent", "outcome_sent"]

    start, end = queries.publication_window(None, services.london_today(utcnow()))
    figures = queries.publication_figures(start, end)
    assert figures.applications >= 2 and figures.reviews_held >= 1 and figures.recommendations_made >= 2
