"""Who may see and work which cases: enforced in queries, never by hiding links."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.models import Case


def case_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause limiting cases to those `user` may see.

    Officers and managers see their borough's cases (all boroughs when they have none); partner users
    see none until referrals open that door; administrators manage accounts, not cases.
    """
    if user.role_enum in (Role.OFFICER, Role.MANAGER):
        return true() if user.borough_id is None else Case.borough_id == user.borough_id
    return false()


def can_see(user: User, case: Case) -> bool:
    """True when `user` may open `case` (the same rule as `case_scope`, on one loaded case)."""
    if user.role_enum in (Role.OFFICER, Role.MANAGER):
        return user.borough_id is None or user.borough_id == case.borough_id
    return False


def can_work(user: User, case: Case) -> bool:
    """True when `user` may change `case`: staff who can see it."""
    return user.role_enum in (Role.OFFICER, Role.MANAGER) and can_see(user, case)
