"""Two users move the same case at the same moment on PostgreSQL, with service levels in force: one
wins, the other is told the case changed (not an error page), and the clocks move once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casework.cases import services
from casework.deadlines.models import Deadline
from casework.extensions import db
from tests.cases.builders import dartford, make_case, manager_in, officer_in
from tests.cases.test_locking_race import _race
from tests.deadlines.builders import count_events, default_policies
from tests.services import postgres_url, unavailable


@pytest.fixture(autouse=True)
def _postgresql(app):
    postgres_url()
    if db.engine.dialect.name != "postgresql":
        unavailable("the race needs the suite on PostgreSQL (DATABASE_URL)")


def test_two_users_triage_at_once_and_the_clocks_move_once(app):
    default_policies()
    borough = dartford()
    officer, manager = officer_in(borough), manager_in(borough)
    case = make_case(officer, code="graffiti")

    def triage(user, loaded, version):
        return services.fire(user, loaded, "triage", version)

    results = _race(app, case.id, [(officer.id, triage), (manager.id, triage)])
    assert sorted(results) == ["ok", "stale"], results
    assert count_events("deadline_met") == 2  # acknowledge and triage, once each
    db.session.expire_all()
    open_rows = db.session.scalar(
        select(func.count())
        .select_from(Deadline)
        .where(Deadline.case_id == case.id, Deadline.met_at.is_(None))
    )
    assert open_rows == 0
