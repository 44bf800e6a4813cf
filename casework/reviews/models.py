"""ASB Case Review (the "Community Trigger"): applications, their qualifying complaints,
recommendations and appeals."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.auth.models import User
from casework.db_types import UTCDateTime, utcnow
from casework.extensions import db

if TYPE_CHECKING:
    from casework.cases.models import Case
    from casework.cases.party_models import Person
    from casework.partners.models import Agency
    from casework.places.models import Borough


class CaseReviewApplication(db.Model):
    """An application for an ASB Case Review, by the victim or on their behalf."""

    __tablename__ = "case_review_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("boroughs.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    victim_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    applicant_name: Mapped[str] = mapped_column(String(200), default="")
    on_behalf: Mapped[bool] = mapped_column(default=False)  # made on the victim's behalf
    applicant_relationship: Mapped[str] = mapped_column(String(100), default="")
    received_on: Mapped[date] = mapped_column(Date, index=True)
    behaviour: Mapped[str] = mapped_column(Text, default="")
    # received / acknowledged / threshold_met / threshold_not_met / meeting_held / outcome_sent / closed
    status: Mapped[str] = mapped_column(String(30), default="received")
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    threshold_decided_on: Mapped[date | None] = mapped_column(Date)
    threshold_met: Mapped[bool | None]
    threshold_reason: Mapped[str] = mapped_column(Text, default="")
    # A manager may decide the threshold met on the potential harm, below the count of complaints.
    met_on_potential_harm: Mapped[bool] = mapped_column(default=False, server_default=false())
    threshold_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    meeting_on: Mapped[date | None] = mapped_column(Date)
    outcome_sent_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    borough: Mapped[Borough] = relationship()
    case: Mapped[Case | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    threshold_decided_by: Mapped[User | None] = relationship(foreign_keys=[threshold_decided_by_id])
    victim: Mapped[Person | None] = relationship()
    complaints: Mapped[list[CaseReviewComplaint]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="CaseReviewComplaint.reported_on"
    )
    recommendations: Mapped[list[CaseReviewRecommendation]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="CaseReviewRecommendation.id"
    )
    appeals: Mapped[list[CaseReviewAppeal]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="CaseReviewAppeal.received_on"
    )


class CaseReviewComplaint(db.Model):
    """A complaint the applicant made about the behaviour: qualifying when made within a month of it."""

    __tablename__ = "case_review_complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("case_review_applications.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # Set when the complaint was taken from an incident logged in this system (not typed in).
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    behaviour_on: Mapped[date] = mapped_column(Date)
    reported_on: Mapped[date] = mapped_column(Date)
    reported_to: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[CaseReviewApplication] = relationship(back_populates="complaints")


class CaseReviewRecommendation(db.Model):
    """A recommendation of the review, owned by an agency and tracked to completion."""

    __tablename__ = "case_review_recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("case_review_applications.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completion_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[CaseReviewApplication] = relationship(back_populates="recommendations")
    agency: Mapped[Agency | None] = relationship()


class CaseReviewAppeal(db.Model):
    """An appeal against the threshold decision or the outcome."""

    __tablename__ = "case_review_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("case_review_applications.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    against: Mapped[str] = mapped_column(String(20), default="threshold", server_default="threshold")
    grounds: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date | None] = mapped_column(Date)
    upheld: Mapped[bool | None]
    decision: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[CaseReviewApplication] = relationship(back_populates="appeals")
