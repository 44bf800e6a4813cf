"""Boroughs of the partnership and their wards."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import db


class Borough(db.Model):
    """A borough of the partnership; every case belongs to one."""

    __tablename__ = "boroughs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str] = mapped_column(String(5), unique=True)  # prefix of case references, e.g. DAR
    wards: Mapped[list[Ward]] = relationship(back_populates="borough", order_by="Ward.name")

    def __str__(self) -> str:
        return self.name


class Ward(db.Model):
    """An electoral ward within a borough."""

    __tablename__ = "wards"
    __table_args__ = (UniqueConstraint("borough_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    borough_id: Mapped[int] = mapped_column(ForeignKey("boroughs.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    borough: Mapped[Borough] = relationship(back_populates="wards")

    def __str__(self) -> str:
        return self.name
