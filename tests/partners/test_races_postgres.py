"""Two partner users answer the same referral at the same moment, and two workers send the same
agendas at once, on PostgreSQL: each change and each e-mail happens once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, time

import pytest
from sqlalchemy import func, select

from casework.auth.models import User
from casework.cases.models import CaseEvent
from casework.extensions import db
from casework.formatting import LONDON
from casework.notifications.models import OutboxMessage
from casework.partners import services
from casework.partners.meetings import schedule_meeting, send_agendas
from casework.partners.models import Referral
from tests.cases.builders import manager_in
from tests.partners.builders import (
    fire_service,
    investigated_case,
    panel,
    partner_of,
    police,
    refer,
    working_day,
)
from tests.services import postgres_url, unavailable


@pytest.fixture(autouse=True)
def _postgresql(app):
    postgres_url()
    if db.engine.dialect.name != "postgresql":
        unavailable("the race needs the suite on PostgreSQL (DATABASE_URL)")


def _together(app, jobs: list[Callable[[], object]]) -> list[str]:
    """Run each job in its own thread, app context and session, released at the same moment."""
    ready = threading.Barrier(len(jobs), timeout=20)
    results = [""] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        with app.app_context():
            try:
                ready.wait()
                job()
                results[index] = "ok"
            except services.ReferralError as error:
                results[index] = f"refused: {error.message}"
            except Exception as error:  # reported by the assertion, with the other side's result
                results[index] = f"error: {error!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_partners_accept_at_once_and_one_acceptance_is_recorded(app):
    case, manager = investigated_case()
    kent_police, kfrs = police(), fire_service()
    referral_id = refer(case, manager, to_panel=panel(members=[kent_police, kfrs])).id
    user_ids = [partner_of(kent_police).id, partner_of(kfrs).id]

    def accept(user_id: int) -> Callable[[], object]:
        return lambda: services.accept(db.session.get(User, user_id), db.session.get(Referral, referral_id))

    results = _together(app, [accept(uid) for uid in user_ids])

    assert sorted(results) == ["ok", "refused: This referral has already been answered"], results
    db.session.expire_all()
    accepted = db.session.scalar(
        select(func.count())
        .select_from(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind == "referral_accepted")
    )
    assert accepted == 1 and db.session.get(Referral, referral_id).responded_by_id in user_ids


def test_two_agenda_runs_at_once_queue_each_message_once(app):
    chair = manager_in(None)
    csmap = panel(chair=chair)
    case, manager = investigated_case()
    refer(case, manager, to_panel=csmap, actions=[(police(), "Patrol", working_day(1))])
    schedule_meeting(chair, csmap, datetime.combine(working_day(2), time(10), tzinfo=LONDON), "Civic Centre")
    now = datetime.now(LONDON)

    results = _together(app, [lambda: send_agendas(now), lambda: send_agendas(now)])

    assert results == ["ok", "ok"], results
    db.session.expire_all()
    keys = list(
        db.session.scalars(
            select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.startswith("agenda:"))
        )
    )
    assert len(keys) == len(set(keys)) == sum(len(a.contacts) for a in csmap.members) + 1
