"""Open311 clients, their API keys, the service requests they sent and the updates they posted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.auth.models import User
from casework.cases.incident_models import Incident
from casework.cases.models import Case
from casework.cases.record_models import Note
from casework.db_types import UTCDateTime, utcnow
from casework.extensions import db
from casework.places.models import Borough

client_boroughs = Table(
    "open311_client_boroughs",
    db.metadata,
    Column("client_id", ForeignKey("open311_clients.id"), primary_key=True),
    Column("borough_id", ForeignKey("boroughs.id"), primary_key=True),
)


class Open311Client(db.Model):
    """A system that sends reports (FixMyStreet, the council's web form), with the channel it stands for.

    Cases it opens are written by its own service account: a deactivated officer account with no
    password, so it can never sign in or be assigned work, but the case history names the client.
    """

    __tablename__ = "open311_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    channel: Mapped[str] = mapped_column(String(30))
    service_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    service_user: Mapped[User] = relationship(foreign_keys=[service_user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    boroughs: Mapped[list[Borough]] = relationship(secondary=client_boroughs, order_by="Borough.name")
    keys: Mapped[list[Open311Key]] = relationship(back_populates="client", order_by="Open311Key.issued_at")

    def __str__(self) -> str:
        return self.name


class Open311Key(db.Model):
    """An API key of a client: only its SHA-256 is kept; the key itself is shown once, at issue."""

    __tablename__ = "open311_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("open311_clients.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))  # the key's first characters, to tell keys apart
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    client: Mapped[Open311Client] = relationship(back_populates="keys")
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])


class Open311Request(db.Model):
    """A service request received over Open311: the incident it became, on a new or an existing case."""

    __tablename__ = "open311_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_request_id: Mapped[str] = mapped_column(String(40), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("open311_clients.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    service_code: Mapped[str] = mapped_column(String(40))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    description: Mapped[str] = mapped_column(Text, default="")  # as the reporter wrote it (public)
    address_string: Mapped[str] = mapped_column(String(300), default="")
    media_url: Mapped[str] = mapped_column(String(1000), default="")
    opened_case: Mapped[bool] = mapped_column(default=True)  # False: added to a matching open case

    client: Mapped[Open311Client] = relationship()
    case: Mapped[Case] = relationship()
    incident: Mapped[Incident] = relationship()


class Open311CitizenUpdate(db.Model):
    """An update a client posted about a request (kept as a note); unique per client and update_id."""

    __tablename__ = "open311_citizen_updates"
    __table_args__ = (UniqueConstraint("client_id", "update_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("open311_clients.id"))
    update_id: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[int] = mapped_column(ForeignKey("open311_requests.id"), index=True)
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    client: Mapped[Open311Client] = relationship()
    request: Mapped[Open311Request] = relationship()
    note: Mapped[Note | None] = relationship()
