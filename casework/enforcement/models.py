"""Enforcement actions taken on a case, from a warning letter to a prosecution.

One table for every kind (casework/enforcement/kinds.py): the columns that reports count (dates, FPN
amounts and payment, prosecution outcome, fine and costs, publication) are typed; the rest of a
kind's own fields live in `details`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.auth.models import User
from casework.db_types import UTCDateTime, utcnow
from casework.extensions import db

if TYPE_CHECKING:
    from casework.cases.models import Case
    from casework.cases.party_models import Person

MONEY = Numeric(10, 2)


class EnforcementAction(db.Model):
    """One step of enforcement on a case: who issued it, its dates, its own fields and its outcome."""

    __tablename__ = "enforcement_actions"
    __table_args__ = (
        Index("ix_enforcement_actions_case", "case_id"),
        Index("ix_enforcement_actions_kind_issued", "kind", "issued_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(40))
    # draft / issued / complied / breached / paid / unpaid / withdrawn / concluded (per kind)
    status: Mapped[str] = mapped_column(String(20), default="issued")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))  # whom it is against
    issued_on: Mapped[date] = mapped_column(Date)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    compliance_date: Mapped[date | None] = mapped_column(Date)  # CPW, CPN, statutory notices
    offence: Mapped[str | None] = mapped_column(String(40))  # FPN, caution, prosecution
    amount: Mapped[Decimal | None] = mapped_column(MONEY)  # FPN amount
    early_amount: Mapped[Decimal | None] = mapped_column(MONEY)  # FPN early-payment amount
    payment_due: Mapped[date | None] = mapped_column(Date)  # FPN: 14 days after issue
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    court: Mapped[str | None] = mapped_column(String(200))  # prosecution
    outcome: Mapped[str | None] = mapped_column(String(40))
    outcome_on: Mapped[date | None] = mapped_column(Date)
    fine: Mapped[Decimal | None] = mapped_column(MONEY)
    costs: Mapped[Decimal | None] = mapped_column(MONEY)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # public /prosecutions
    public_name: Mapped[str | None] = mapped_column(String(200))  # only once the court result is public
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship()
    person: Mapped[Person | None] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def kind_label(self) -> str:
        from casework.enforcement.kinds import KIND_BY_CODE

        kind = KIND_BY_CODE.get(self.kind)
        return kind.label if kind else self.kind

    def detail_date(self, key: str) -> date | None:
        """A date kept in `details` as ISO text (checked_on, ends_on), as a date."""
        value = (self.details or {}).get(key)
        return date.fromisoformat(value) if value else None

    @property
    def hearing_dates(self) -> list[date]:
        """A prosecution's hearing dates, in order."""
        return [date.fromisoformat(value) for value in (self.details or {}).get("hearings", [])]

    @property
    def is_live(self) -> bool:
        """Still running: not withdrawn and not resolved."""
        return self.status == "issued"


class WasteCarrierCheck(db.Model):
    """An officer's check of a waste carrier against the Environment Agency's public register."""

    __tablename__ = "waste_carrier_checks"
    __table_args__ = (Index("ix_waste_carrier_checks_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    carrier_name: Mapped[str] = mapped_column(String(200), default="")
    registration_number: Mapped[str] = mapped_column(String(20))  # CBDU123456 / CBDL12345
    tier: Mapped[str] = mapped_column(String(10))  # upper / lower
    result: Mapped[str] = mapped_column(String(20))  # registered / not_registered / expired / not_found
    checked_on: Mapped[date] = mapped_column(Date)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    checked_by: Mapped[User | None] = relationship()
