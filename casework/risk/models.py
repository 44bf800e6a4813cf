"""Risk assessments of ASB victims."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db_types import UTCDateTime, utcnow
from casework.extensions import db

if TYPE_CHECKING:
    from casework.auth.models import User
    from casework.cases.models import Case
    from casework.cases.party_models import Person


class RiskAssessment(db.Model):
    """One assessment of a victim on a case: the answers, the scores, the level and who decided it.

    `computed_level` is what the questionnaire scored (bands and floors); `level` is the level the
    officer set, which differs from it only with a recorded `level_reason`. Rows are never changed
    after they are written: a reassessment is a new row, and the case's risk follows the latest.
    """

    __tablename__ = "risk_assessments"
    __table_args__ = (Index("ix_risk_assessments_case_at", "case_id", "assessed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    section_scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    total_score: Mapped[int]
    computed_level: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20))
    level_reason: Mapped[str] = mapped_column(Text, default="")
    judgement: Mapped[str] = mapped_column(Text, default="")
    previous_level: Mapped[str | None] = mapped_column(String(20))
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    person: Mapped[Person] = relationship()
    assessed_by: Mapped[User | None] = relationship()

    @property
    def overridden(self) -> bool:
        return self.level != self.computed_level
