"""The only code that changes users: sign-in, sign-out, passwords, accounts.

Every security event (sign-in, failed sign-in, sign-out, deactivation, password change) is written
to the `casework.security` log with the user and the client address.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from casework.auth.models import PasswordToken, User, new_session_token
from casework.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from casework.auth.roles import Role
from casework.db_types import utcnow
from casework.extensions import db

security_log = logging.getLogger("casework.security")


class AccountError(ValueError):
    """A change to an account that cannot be made, with a message for the page."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def normalise_email(email: str) -> str:
    """E-mail addresses compare without case or surrounding spaces."""
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The user with this e-mail address, active or not."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def load_user_by_session_token(token: str) -> User | None:
    """The active user whose current session token this is (Flask-Login's user loader)."""
    if not token:
        return None
    return db.session.scalar(select(User).where(User.session_token == token, User.active.is_(True)))


def authenticate(email: str, password: str, address: str) -> User | None:
    """The user when the e-mail and password match an active account, else None (logged)."""
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not (user and ok and user.active):
        reason = "unknown email" if user is None else ("inactive" if ok else "wrong password")
        security_log.warning(
            "sign-in failed email=%s reason=%s address=%s", normalise_email(email), reason, address
        )
        return None
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    user.last_sign_in_at = utcnow()
    db.session.commit()
    security_log.info("sign-in user=%s id=%s address=%s", user.email, user.id, address)
    return user


def end_all_sessions(user: User) -> None:
    """Rotate the session token: every browser signed in as this user is signed out."""
    user.session_token = new_session_token()


def sign_out(user: User, address: str) -> None:
    """End every session of the user (sign-out everywhere) and log it."""
    end_all_sessions(user)
    db.session.commit()
    security_log.info("sign-out user=%s id=%s address=%s", user.email, user.id, address)


def change_password(user: User, current: str, new: str, address: str) -> None:
    """Change a user's own password after checking the current one; ends every session."""
    if not verify_password(user.password_hash, current):
        raise AccountError("Your current password is wrong", field="current_password")
    _set_password(user, new)
    db.session.commit()
    security_log.info("password changed user=%s id=%s address=%s", user.email, user.id, address)


def _set_password(user: User, new: str) -> None:
    problem = password_problem(new, user.email)
    if problem:
        raise AccountError(problem, field="password")
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    end_all_sessions(user)


@dataclass
class AccountDetails:
    """What an admin enters for an account."""

    email: str
    name: str
    role: Role
    borough_id: int | None = None
    agency_id: int | None = None
    active: bool = True  # False for accounts that never sign in (an Open311 client's service account)


def _check_scope(details: AccountDetails) -> None:
    if details.role == Role.PARTNER and details.agency_id is None:
        raise AccountError("Select the agency this partner user works for", field="agency_id")
    if details.role != Role.PARTNER:
        details.agency_id = None
    if details.role in (Role.PARTNER, Role.ADMIN):
        details.borough_id = None


def create_user(details: AccountDetails, password: str | None = None) -> User:
    """Create an account; without a password the user sets one through a one-time link."""
    email = normalise_email(details.email)
    if find_user_by_email(email):
        raise AccountError("An account with this email address already exists", field="email")
    _check_scope(details)
    user = User(
        email=email,
        name=details.name.strip(),
        role=details.role.value,
        borough_id=details.borough_id,
        agency_id=details.agency_id,
        active=details.active,
    )
    if password is not None:
        _set_password(user, password)
    db.session.add(user)
    db.session.commit()
    security_log.info("account created user=%s role=%s", user.email, user.role)
    return user


def update_user(user: User, details: AccountDetails, actor: User) -> None:
    """Change an account's name, e-mail, role or scope; a change of role or scope signs it out."""
    email = normalise_email(details.email)
    other = find_user_by_email(email)
    if other is not None and other.id != user.id:
        raise AccountError("An account with this email address already exists", field="email")
    _check_scope(details)
    if user.id == actor.id and details.role != Role.ADMIN:
        raise AccountError("You cannot remove your own administrator role", field="role")
    access_before = (user.role, user.borough_id, user.agency_id)
    user.email, user.name, user.role = email, details.name.strip(), details.role.value
    user.borough_id, user.agency_id = details.borough_id, details.agency_id
    if (user.role, user.borough_id, user.agency_id) != access_before:
        end_all_sessions(user)
    db.session.commit()
    security_log.info("account updated user=%s by=%s", user.email, actor.email)


def set_active(user: User, active: bool, actor: User, address: str) -> None:
    """Deactivate (ending every session and password link) or reactivate an account."""
    if user.id == actor.id and not active:
        raise AccountError("You cannot deactivate your own account")
    user.active = active
    end_all_sessions(user)
    if not active:
        _retire_password_tokens(user)
    db.session.commit()
    verb = "reactivated" if active else "deactivated"
    security_log.info("account %s user=%s by=%s address=%s", verb, user.email, actor.email, address)


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _retire_password_tokens(user: User) -> None:
    """Stop every unused link of the user from working."""
    now = utcnow()
    unused = select(PasswordToken).where(PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None))
    for token in db.session.scalars(unused):
        token.used_at = now


def issue_password_token(user: User, actor: User | None) -> str:
    """A one-time set-password token for the user; earlier unused tokens stop working."""
    _retire_password_tokens(user)
    raw = secrets.token_urlsafe(32)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    db.session.add(
        PasswordToken(
            user_id=user.id,
            token_hash=_token_hash(raw),
            expires_at=utcnow() + timedelta(hours=hours),
            created_by_id=actor.id if actor else None,
        )
    )
    db.session.commit()
    security_log.info("password link issued user=%s by=%s", user.email, actor.email if actor else "-")
    return raw


def email_password_link(user: User, link: str, new_account: bool) -> None:
    """E-mail the user their set-password link through the outbox (committed here).

    The outbox sends it after the commit, with retries; the admin's page shows the link as well,
    for when e-mail is slow or the address is wrong.
    """
    from casework.notifications.services import queue_message

    hours = current_app.config["PASSWORD_RESET_HOURS"]
    service = current_app.config["SERVICE_NAME"]
    first = (
        f"An account has been made for you on {service}."
        if new_account
        else f"An administrator has sent you a link to set a new password for {service}."
    )
    queue_message(
        key=f"password-link:{_token_hash(link)}",
        to_address=user.email,
        to_name=user.name,
        template="notice",
        context={
            "subject": f"Set your password for {service}",
            "greeting_name": user.name,
            "paragraphs": [
                first,
                f"Use the link below to set your password. It works once and expires in {hours} hours.",
                "If you did not expect this e-mail, tell your council's administrator.",
            ],
            "link_url": link,
            "link_text": "Set your password",
        },
    )
    db.session.commit()


def find_password_token(raw: str) -> PasswordToken | None:
    """The unused, unexpired token for this link, or None."""
    token = db.session.scalar(select(PasswordToken).where(PasswordToken.token_hash == _token_hash(raw)))
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    if not token.user.active:
        return None
    return token


def use_password_token(raw: str, new_password: str, address: str) -> User:
    """Set a password through a one-time link; the link then stops working."""
    token = find_password_token(raw)
    if token is None:
        raise AccountError("This link has expired or has already been used")
    _set_password(token.user, new_password)
    token.used_at = utcnow()
    db.session.commit()
    security_log.info("password set by link user=%s address=%s", token.user.email, address)
    return token.user
