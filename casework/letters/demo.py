"""Demo letters for the demo enforcement actions."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases.scope import can_work
from casework.enforcement.models import EnforcementAction
from casework.extensions import db
from casework.formatting import LONDON
from casework.letters import services
from casework.letters.models import Letter
from casework.letters.wording import WORDING_BY_CODE


def seed_demo_letters(added: dict[str, int]) -> None:
    """Add the area's demo data when it is missing (idempotent); count what is added in `added`."""
    services.ensure_templates()
    done = set(db.session.execute(select(Letter.action_id, Letter.code)).tuples())
    actions = db.session.scalars(select(EnforcementAction).order_by(EnforcementAction.id)).all()
    for action in actions:
        for code in services.letter_codes_for(action):
            if code not in WORDING_BY_CODE or (action.id, code) in done:
                continue
            actor = _author(action)
            if actor is None:
                continue
            when = datetime.combine(action.issued_on, time(10, 0), tzinfo=LONDON)
            try:
                services.produce_letter(actor, action.case, action, code, now=when)
            except services.LetterError:
                continue  # an action without what its letter needs: the demo shows it can be fixed
            added["letters"] = added.get("letters", 0) + 1


def _author(action: EnforcementAction) -> User | None:
    """Who produced the demo letter: the issuing officer, else a member of staff of the borough."""
    for user in (action.issued_by, action.created_by):
        if user is not None and can_work(user, action.case):
            return user
    staff = select(User).where(User.role.in_([Role.OFFICER.value, Role.MANAGER.value])).order_by(User.id)
    return next((user for user in db.session.scalars(staff) if can_work(user, action.case)), None)
