"""Users and one-time password tokens."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.auth.roles import BOROUGH_ROLES, Role
from casework.db_types import UTCDateTime, utcnow
from casework.extensions import db
from casework.partners.models import Agency
from casework.places.models import Borough


def new_session_token() -> str:
    """A fresh random token; changing it ends every session of the user."""
    return secrets.token_urlsafe(32)


class User(db.Model):
    """A person who signs in: officer, manager, partner user or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    borough_id: Mapped[int | None] = mapped_column(ForeignKey("boroughs.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # No daily deadline digest e-mail. A server default too, so rows inserted by plain SQL get one.
    digest_opt_out: Mapped[bool] = mapped_column(default=False, server_default=false())

    borough: Mapped[Borough | None] = relationship()
    agency: Mapped[Agency | None] = relationship()

    # Flask-Login protocol. get_id returns the session token, not the id, so that rotating the
    # token ends every session (Flask-Login's alternative-token pattern).
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.session_token

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def has_role(self, *roles: Role) -> bool:
        return self.role_enum in roles

    @property
    def is_partnership_wide(self) -> bool:
        """Officers and managers with no borough work across the whole partnership."""
        return self.role_enum in BOROUGH_ROLES and self.borough_id is None

    @property
    def scope_label(self) -> str:
        if self.role_enum == Role.PARTNER:
            return self.agency.name if self.agency else "No agency"
        if self.role_enum == Role.ADMIN:
            return "Whole system"
        return self.borough.name if self.borough else "All boroughs"

    @property
    def role_label(self) -> str:
        if self.role_enum == Role.MANAGER and self.borough_id is None:
            return "Partnership manager"
        return self.role_enum.label

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class PasswordToken(db.Model):
    """A one-time link to set a password (new account or reset); only its hash is stored."""

    __tablename__ = "password_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
