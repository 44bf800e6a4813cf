"""The agenda e-mail: sent to the panel's members a configurable number of working days before each
meeting, once per meeting and member however often the beat task runs."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from casework.extensions import db
from casework.formatting import LONDON
from casework.notifications.models import OutboxMessage
from casework.partners.meetings import schedule_meeting, send_agendas, set_status
from casework.partners.models import PanelMeeting
from tests.cases.builders import manager_in
from tests.partners.builders import investigated_case, panel, refer, working_day


def _at(day) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=LONDON)


def _agenda_keys() -> list[str]:
    db.session.expire_all()
    query = select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.startswith("agenda:"))
    return sorted(db.session.scalars(query))


def _setup():
    chair = manager_in(None)
    csmap = panel(chair=chair)
    case, manager = investigated_case()
    refer(case, manager, to_panel=csmap)
    return chair, csmap, case


def test_the_agenda_goes_once_to_each_member_contact_and_the_chair_when_it_is_due(app):
    chair, csmap, case = _setup()
    soon = schedule_meeting(chair, csmap, _at(working_day(3)), "Civic Centre")
    later = schedule_meeting(chair, csmap, _at(working_day(10)), "Civic Centre")
    now = datetime.now(LONDON)

    assert send_agendas(now) == 1
    assert send_agendas(now) == 0  # stamped: nothing more to do
    db.session.execute(
        PanelMeeting.__table__.update().values(agenda_sent_at=None)
    )  # as if the stamp were lost
    db.session.commit()
    assert send_agendas(now + timedelta(minutes=5)) == 1  # runs again, but every key exists already

    contacts = [c.id for agency in csmap.members for c in agency.contacts]
    expected = sorted([f"agenda:{soon.id}:{cid}" for cid in contacts] + [f"agenda:{soon.id}:user:{chair.id}"])
    assert _agenda_keys() == expected
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == expected[0]))
    assert case.reference in message.body_text and f"/meetings/{soon.id}" in message.body_text
    assert db.session.get(PanelMeeting, later.id).agenda_sent_at is None


def test_the_number_of_working_days_before_is_configurable(app):
    chair, csmap, _case = _setup()
    meeting = schedule_meeting(chair, csmap, _at(working_day(6)), "Civic Centre")
    now = datetime.now(LONDON)

    assert send_agendas(now) == 0
    app.config["PANEL_AGENDA_WORKING_DAYS"] = 6
    assert send_agendas(now) == 1
    assert all(key.startswith(f"agenda:{meeting.id}:") for key in _agenda_keys())


def test_cancelled_and_past_meetings_get_no_agenda(app):
    chair, csmap, _case = _setup()
    cancelled = schedule_meeting(chair, csmap, _at(working_day(2)), "Civic Centre")
    set_status(chair, cancelled, "cancelled")
    schedule_meeting(chair, csmap, datetime.now(LONDON) + timedelta(hours=1), "Civic Centre")

    assert send_agendas(datetime.now(LONDON) + timedelta(hours=2)) == 0
    assert _agenda_keys() == []


def test_the_beat_task_queues_the_agendas(app):
    chair, csmap, _case = _setup()
    schedule_meeting(chair, csmap, _at(working_day(1)), "Civic Centre")
    celery = app.extensions["celery"]
    celery.loader.import_default_modules()
    task = celery.tasks["casework.partners.send_agendas"]

    first = task.apply()
    second = task.apply()

    assert first.successful() and first.get() == 1 and second.get() == 0
    assert len(_agenda_keys()) == sum(len(a.contacts) for a in csmap.members) + 1
    assert celery.conf.beat_schedule["panel-agendas"]["task"] == "casework.partners.send_agendas"
