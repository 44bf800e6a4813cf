"""Letter templates (the council's wording, with every version kept) and the letters produced."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.auth.models import User
from casework.db_types import UTCDateTime, utcnow
from casework.extensions import db

if TYPE_CHECKING:
    from casework.cases.models import Case
    from casework.cases.record_models import Evidence
    from casework.enforcement.models import EnforcementAction


class LetterTemplate(db.Model):
    """The current wording of one kind of letter; `version` counts its saved versions."""

    __tablename__ = "letter_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    updated_by: Mapped[User | None] = relationship()
    versions: Mapped[list[LetterTemplateVersion]] = relationship(
        back_populates="template", order_by="LetterTemplateVersion.version.desc()"
    )


class LetterTemplateVersion(db.Model):
    """One saved version of a template's wording; letters point at the version they were made from."""

    __tablename__ = "letter_template_versions"
    __table_args__ = (UniqueConstraint("template_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("letter_templates.id"))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    template: Mapped[LetterTemplate] = relationship(back_populates="versions")
    saved_by: Mapped[User | None] = relationship()


class Letter(db.Model):
    """A letter produced for an enforcement action: its filled-in text, frozen, and its PDF evidence."""

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("enforcement_actions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    template_version_id: Mapped[int] = mapped_column(ForeignKey("letter_template_versions.id"))
    title: Mapped[str] = mapped_column(String(200))
    # Letterhead, recipient, date and references as printed; the body as filled in. Never changed.
    heading: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    body: Mapped[str] = mapped_column(Text)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"))
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    action: Mapped[EnforcementAction] = relationship()
    template_version: Mapped[LetterTemplateVersion] = relationship()
    evidence: Mapped[Evidence] = relationship()
    generated_by: Mapped[User | None] = relationship()
