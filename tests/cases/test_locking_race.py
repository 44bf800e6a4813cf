"""Optimistic locking under a real race on PostgreSQL: two users act on one case at the same moment.

Each side runs in its own thread with its own app context, so its own session and connection, as two
web requests would. Exactly one change wins; the other gets StaleCase, and the history shows one event.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from casework.auth.models import User
from casework.cases import services
from casework.cases.models import Case, CaseEvent
from casework.extensions import db
from tests.cases.builders import dartford, make_case, manager_in, officer_in
from tests.cases.case_page_helpers import as_user, case_url, reload
from tests.conftest import csrf_token
from tests.services import postgres_url, unavailable

Action = Callable[[User, Case, int], object]


@pytest.fixture(autouse=True)
def _postgresql(app):
    postgres_url()
    if db.engine.dialect.name != "postgresql":
        unavailable("the locking race needs the suite on PostgreSQL (DATABASE_URL)")


def _race(app, case_id: int, attempts: list[tuple[int, Action]]) -> list[str]:
    """Run each (user id, action) in its own thread and session, all from the same loaded version."""
    ready = threading.Barrier(len(attempts), timeout=20)
    results: list[str] = [""] * len(attempts)

    def attempt(index: int, user_id: int, action: Action) -> None:
        with app.app_context():
            try:
                user, case = db.session.get(User, user_id), db.session.get(Case, case_id)
                version = case.version
                ready.wait()  # both sides have loaded the same version before either writes
                action(user, case, version)
                results[index] = "ok"
            except services.StaleCase:
                results[index] = "stale"
            except Exception as error:  # reported by the assertion below, with the other side's result
                results[index] = f"error: {error!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i, *pair)) for i, pair in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _events(case_id: int, kind: str) -> int:
    db.session.expire_all()
    return db.session.query(CaseEvent).filter_by(case_id=case_id, kind=kind).count()


def test_two_users_fire_a_transition_at_once(app):
    borough = dartford()
    first, second = officer_in(borough), manager_in(borough)
    case = make_case(first)
    start_version = case.version

    def triage(user, loaded, version):
        return services.fire(user, loaded, "triage", version)

    results = _race(app, case.id, [(first.id, triage), (second.id, triage)])
    assert sorted(results) == ["ok", "stale"], results
    assert _events(case.id, "transition:triage") == 1
    case = reload(case)
    assert case.state == "triaged" and case.version == start_version + 1


def test_two_managers_assign_at_once(app):
    borough = dartford()
    first_manager, second_manager = manager_in(borough), manager_in(borough)
    officers = [officer_in(borough), officer_in(borough)]
    case = make_case(officers[0])

    def assign_to(officer_id: int) -> Action:
        def action(user, loaded, version):
            return services.assign(user, loaded, db.session.get(User, officer_id), version)

        return action

    results = _race(
        app,
        case.id,
        [(first_manager.id, assign_to(officers[0].id)), (second_manager.id, assign_to(officers[1].id))],
    )
    assert sorted(results) == ["ok", "stale"], results
    assert _events(case.id, "assigned") == 1
    winner = officers[results.index("ok")]
    assert reload(case).assigned_to_id == winner.id


def test_transition_and_assignment_race(app):
    """Different changes to the same case also collide: the loser must look again."""
    borough = dartford()
    officer, manager = officer_in(borough), manager_in(borough)
    case = make_case(officer)

    def triage(user, loaded, version):
        return services.fire(user, loaded, "triage", version)

    def assign(user, loaded, version):
        return services.assign(user, loaded, db.session.get(User, officer.id), version)

    results = _race(app, case.id, [(officer.id, triage), (manager.id, assign)])
    assert sorted(results) == ["ok", "stale"], results
    assert _events(case.id, "transition:triage") + _events(case.id, "assigned") == 1


def test_race_through_the_web_pages(app, monkeypatch):
    """Two browsers send the same action at the same moment: one succeeds, one is told the case changed."""
    borough = dartford()
    officer, manager = officer_in(borough), manager_in(borough)
    case = make_case(officer)
    clients = [as_user(app.test_client(), officer), as_user(app.test_client(), manager)]
    tokens = [csrf_token(client, case_url(case)) for client in clients]
    version = case.version

    # Hold each request just after its version check, so both pass it before either commits and the
    # database (not the check) decides: this is the race the version column exists for.
    ready = threading.Barrier(2, timeout=20)
    check = services._check_version

    def check_then_wait(loaded, expected):
        check(loaded, expected)
        ready.wait()

    monkeypatch.setattr(services, "_check_version", check_then_wait)
    statuses: list[int] = [0, 0]
    pages: list[str] = ["", ""]

    def send(index: int) -> None:
        data = {"csrf_token": tokens[index], "version": version}
        response = clients[index].post(case_url(case, "/transition/triage"), data=data)
        statuses[index], pages[index] = response.status_code, response.get_data(as_text=True)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [302, 409], statuses
    loser = pages[statuses.index(409)]
    assert "This case changed since you opened it" in loser
    assert _events(case.id, "transition:triage") == 1
