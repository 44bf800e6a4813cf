"""Partner agencies and their contacts, panels, referrals and panel meetings.

Imported by casework.auth.models (users belong to an agency), so nothing here imports the case or
user models at the top: foreign keys and relationships name their tables and classes as strings.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db_types import UTCDateTime, utcnow
from casework.extensions import db

if TYPE_CHECKING:
    from casework.auth.models import User
    from casework.cases.models import Case

# Referral statuses. Open and accepted referrals are live: they open the case to the partner.
OPEN, ACCEPTED, DECLINED, CLOSED = "open", "accepted", "declined", "closed"
REFERRAL_STATUSES: tuple[tuple[str, str], ...] = (
    (OPEN, "Waiting for a reply"),
    (ACCEPTED, "Accepted"),
    (DECLINED, "Declined"),
    (CLOSED, "Closed"),
)
LIVE_STATUSES = (OPEN, ACCEPTED)
ACTION_OPEN, ACTION_DONE, ACTION_CANCELLED = "open", "done", "cancelled"
MEETING_SCHEDULED, MEETING_HELD, MEETING_CANCELLED = "scheduled", "held", "cancelled"
PRESENT, APOLOGIES = "present", "apologies"


class Agency(db.Model):
    """A partner agency (statutory partner or other) whose users see what is referred to it."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(50), default="")
    statutory: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)

    contacts: Mapped[list[AgencyContact]] = relationship(
        back_populates="agency", order_by="AgencyContact.name"
    )

    @property
    def active_contacts(self) -> list[AgencyContact]:
        return [contact for contact in self.contacts if contact.active]

    def __str__(self) -> str:
        return self.name


class AgencyContact(db.Model):
    """Someone at an agency who is e-mailed what is referred to it (often a shared mailbox)."""

    __tablename__ = "agency_contacts"
    __table_args__ = (UniqueConstraint("agency_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship(back_populates="contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"


panel_members = Table(
    "panel_members",
    db.metadata,
    Column("panel_id", ForeignKey("panels.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Panel(db.Model):
    """A multi-agency panel of the partnership: its member agencies, chair and how often it meets."""

    __tablename__ = "panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(500), default="")
    cadence: Mapped[str] = mapped_column(String(100), default="")  # in words: "Monthly"
    cadence_days: Mapped[int | None]  # days between meetings; None when convened as needed
    chair_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    chair_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency_contacts.id", ondelete="SET NULL")
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[Agency]] = relationship(secondary=panel_members, order_by="Agency.name")
    chair_user: Mapped[User | None] = relationship("User")
    chair_contact: Mapped[AgencyContact | None] = relationship()
    meetings: Mapped[list[PanelMeeting]] = relationship(
        back_populates="panel", order_by="PanelMeeting.starts_at.desc()"
    )

    @property
    def chair_name(self) -> str:
        if self.chair_user is not None:
            return self.chair_user.name
        if self.chair_contact is not None:
            return f"{self.chair_contact.name} ({self.chair_contact.agency.name})"
        return "No chair set"

    def __str__(self) -> str:
        return self.name


class Referral(db.Model):
    """A case referred to a panel or straight to an agency: why, what is asked, and by when."""

    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_agency_status", "agency_id", "status"),
        Index("ix_referrals_panel_status", "panel_id", "status"),
        Index("ix_referrals_case_status", "case_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panels.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    reason: Mapped[str] = mapped_column(Text)
    asked: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    sharing: Mapped[str] = mapped_column(String(20), default="minimal")
    status: Mapped[str] = mapped_column(String(20), default=OPEN)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    close_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the system
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship("Case")
    panel: Mapped[Panel | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    created_by: Mapped[User | None] = relationship("User", foreign_keys=[created_by_id])
    responded_by: Mapped[User | None] = relationship("User", foreign_keys=[responded_by_id])
    closed_by: Mapped[User | None] = relationship("User", foreign_keys=[closed_by_id])
    actions: Mapped[list[ReferralAction]] = relationship(
        back_populates="referral", order_by="(ReferralAction.due_on, ReferralAction.id)"
    )
    updates: Mapped[list[ReferralUpdate]] = relationship(
        back_populates="referral", order_by="ReferralUpdate.at.desc(), ReferralUpdate.id.desc()"
    )

    @property
    def target_name(self) -> str:
        if self.panel is not None:
            return self.panel.name
        return self.agency.name if self.agency is not None else "Nobody"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def status_label(self) -> str:
        return dict(REFERRAL_STATUSES).get(self.status, self.status)

    @property
    def open_actions(self) -> list[ReferralAction]:
        return [action for action in self.actions if action.status == ACTION_OPEN]


class ReferralAction(db.Model):
    """Something one agency is asked to do for a referral, by a date (from the referral or a meeting)."""

    __tablename__ = "referral_actions"
    __table_args__ = (Index("ix_referral_actions_agency_status", "agency_id", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    description: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ACTION_OPEN)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_note: Mapped[str] = mapped_column(Text, default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("panel_meetings.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    referral: Mapped[Referral] = relationship(back_populates="actions")
    agency: Mapped[Agency] = relationship()
    done_by: Mapped[User | None] = relationship("User", foreign_keys=[done_by_id])
    meeting: Mapped[PanelMeeting | None] = relationship(back_populates="actions")

    @property
    def is_open(self) -> bool:
        return self.status == ACTION_OPEN


class ReferralUpdate(db.Model):
    """A note of progress on a referral, from a partner or from the council."""

    __tablename__ = "referral_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    referral: Mapped[Referral] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship("User")


class PartnerCaseView(db.Model):
    """A partner user opened a shared case (or one of its files): the access record (UK GDPR)."""

    __tablename__ = "partner_case_views"
    __table_args__ = (
        Index("ix_partner_case_views_case", "case_id", "viewed_at"),
        Index("ix_partner_case_views_user", "user_id", "viewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    what: Mapped[str] = mapped_column(String(60), default="case")  # "case" or "evidence:<id>"
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship("User")
    agency: Mapped[Agency | None] = relationship()


class PanelMeeting(db.Model):
    """A meeting of a panel: when and where, who came, what it decided and the actions it set."""

    __tablename__ = "panel_meetings"
    __table_args__ = (Index("ix_panel_meetings_panel_starts", "panel_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default=MEETING_SCHEDULED)
    agenda_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    panel: Mapped[Panel] = relationship(back_populates="meetings")
    attendance: Mapped[list[MeetingAttendance]] = relationship(
        back_populates="meeting", order_by="MeetingAttendance.id"
    )
    decisions: Mapped[list[MeetingDecision]] = relationship(
        back_populates="meeting", order_by="MeetingDecision.id"
    )
    actions: Mapped[list[ReferralAction]] = relationship(
        back_populates="meeting", order_by="ReferralAction.id"
    )


class MeetingAttendance(db.Model):
    """One person at (or sending apologies to) a panel meeting, and the agency they came for."""

    __tablename__ = "meeting_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meetings.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=PRESENT)  # present or apologies
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[PanelMeeting] = relationship(back_populates="attendance")
    agency: Mapped[Agency | None] = relationship()


class MeetingDecision(db.Model):
    """What a panel meeting decided, on one referral (or generally, with no referral)."""

    __tablename__ = "meeting_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meetings.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[PanelMeeting] = relationship(back_populates="decisions")
    referral: Mapped[Referral | None] = relationship()
