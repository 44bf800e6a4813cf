"""Password hashing with argon2id (argon2-cffi)."""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_PASSWORD_LENGTH = 12

# Verified against when the e-mail is unknown, so both failures cost the same time.
_DUMMY_HASH: dict[tuple, str] = {}


def hasher() -> PasswordHasher:
    """The hasher with the configured parameters (argon2-cffi's RFC 9106 defaults unless set)."""
    params = current_app.config.get("ARGON2_PARAMS") or {}
    return PasswordHasher(**params)


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches; a missing or corrupt hash never matches."""
    ph = hasher()
    if not stored_hash:
        with contextlib.suppress(VerificationError):
            ph.verify(_dummy_hash(ph), password)
        return False
    try:
        return ph.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with other parameters than the configured ones."""
    return hasher().check_needs_rehash(stored_hash)


def _dummy_hash(ph: PasswordHasher) -> str:
    key = (ph.time_cost, ph.memory_cost, ph.parallelism)
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = ph.hash("dummy password for timing")
    return _DUMMY_HASH[key]


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is not acceptable, in plain English, or None when it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > 256:
        return "Password must be 256 characters or fewer"
    if email and password.strip().lower() == email.strip().lower():
        return "Password must not be your email address"
    if len(set(password)) < 5:
        return "Password is too easy to guess: use a mix of words or characters"
    return None
