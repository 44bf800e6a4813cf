"""Incidents reported on a case, their location, and Flycapture details for flytips."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.auth.models import User
from casework.db_types import UTCDateTime, utcnow
from casework.extensions import db
from casework.places.models import Ward

if TYPE_CHECKING:
    from casework.cases.models import Case


class Incident(db.Model):
    """One report of something that happened, with where it happened."""

    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_postcode", "postcode"),
        Index("ix_incidents_grid", "easting", "northing"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    channel: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str | None] = mapped_column(String(10))
    uprn: Mapped[str | None] = mapped_column(String(12))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    easting: Mapped[int | None]
    northing: Mapped[int | None]
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="incidents")
    ward: Mapped[Ward | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    flytip: Mapped[FlytipDetails | None] = relationship(
        back_populates="incident", uselist=False, cascade="all, delete-orphan"
    )


class FlytipDetails(db.Model):
    """What Defra's Flycapture return asks of each flytipping incident."""

    __tablename__ = "flytip_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), unique=True)
    size: Mapped[str] = mapped_column(String(30))
    land_type: Mapped[str] = mapped_column(String(30))
    waste_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    clearance_requested_on: Mapped[date | None] = mapped_column(Date)
    cleared_on: Mapped[date | None] = mapped_column(Date)
    cleared_by: Mapped[str | None] = mapped_column(String(20))
    clearance_cost: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    evidence_found: Mapped[bool] = mapped_column(default=False)
    evidence_description: Mapped[str] = mapped_column(Text, default="")

    incident: Mapped[Incident] = relationship(back_populates="flytip")

    @property
    def is_cleared(self) -> bool:
        return self.cleared_on is not None and self.cleared_by is not None


class ClearanceCost(db.Model):
    """The council's default clearance cost for each Flycapture size (admins edit it)."""

    __tablename__ = "clearance_costs"

    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[str] = mapped_column(String(30), unique=True)
    cost: Mapped[Decimal] = mapped_column(Numeric(10, 2))
