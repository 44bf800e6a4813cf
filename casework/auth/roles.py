"""The roles a user can hold."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a user does in the partnership; scope (borough or agency) is held on the user."""

    OFFICER = "officer"
    MANAGER = "manager"
    PARTNER = "partner"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.OFFICER: "Enforcement officer",
    Role.MANAGER: "Manager",
    Role.PARTNER: "Partner agency user",
    Role.ADMIN: "Administrator",
}

# Roles whose scope is a borough, or every borough when none is set.
BOROUGH_ROLES = frozenset({Role.OFFICER, Role.MANAGER})
