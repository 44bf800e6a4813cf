"""The daily digest: what is due today and overdue, per officer and manager, once a day, unless turned off."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casework.auth.models import User
from casework.auth.roles import Role
from casework.cases import services as case_services
from casework.deadlines.digest import send_digests
from casework.extensions import db
from tests.builders import make_user
from tests.cases.builders import dartford, gravesham, make_case, manager_in, officer_in
from tests.cases.case_page_helpers import as_user, post
from tests.deadlines.builders import WEDNESDAY, add_deadline, outbox

DAY = WEDNESDAY.date().isoformat()


@pytest.fixture
def scene(app):
    borough = dartford()
    officer, idle_officer = officer_in(borough), officer_in(borough)
    manager = manager_in(borough)
    people = {
        "officer": officer,
        "idle_officer": idle_officer,
        "manager": manager,
        "gravesham_manager": manager_in(gravesham()),
        "partnership": manager_in(None),
    }
    mine = make_case(officer, code="graffiti")
    case_services.assign(manager, mine, officer, mine.version)
    unassigned = make_case(officer, code="noise")
    add_deadline(mine, due_at=WEDNESDAY - timedelta(days=1), kind="acknowledge")  # overdue
    add_deadline(mine, due_at=WEDNESDAY + timedelta(hours=7), kind="triage")  # 17:00 today
    add_deadline(mine, due_at=WEDNESDAY + timedelta(days=1), kind="review")  # tomorrow: not listed
    add_deadline(unassigned, due_at=WEDNESDAY + timedelta(hours=3), kind="triage")
    return {**people, "mine": mine, "unassigned": unassigned}


def _digest(user: User):
    found = outbox(f"digest:{user.id}:")
    return found[0] if found else None


def test_each_officer_and_manager_gets_what_is_theirs(app, scene):
    sent = send_digests(WEDNESDAY)
    assert sent == 3  # the officer, the Dartford manager and the partnership manager

    officer = _digest(scene["officer"])
    assert officer.idempotency_key == f"digest:{scene['officer'].id}:{DAY}"
    assert officer.subject == "Deadlines for 13 January 2027: 1 overdue, 1 due today"
    assert scene["mine"].reference in officer.body_text
    assert scene["unassigned"].reference not in officer.body_text  # not assigned to them
    assert "Acknowledge the report, was due by 12 January 2027" in officer.body_text
    assert "Review the case" not in officer.body_text  # due tomorrow
    assert "cases assigned to you" in officer.body_text

    manager = _digest(scene["manager"])
    assert manager.subject.endswith("1 overdue, 2 due today")
    assert scene["unassigned"].reference in manager.body_text and "cases in Dartford" in manager.body_text
    assert "cases in every borough" in _digest(scene["partnership"]).body_text
    assert _digest(scene["idle_officer"]) is None  # nothing due: no e-mail
    assert _digest(scene["gravesham_manager"]) is None


def test_the_digest_goes_once_a_day_at_or_after_the_configured_hour(app, scene):
    app.config["DEADLINE_DIGEST_HOUR"] = 11
    assert send_digests(WEDNESDAY) == 0  # 10:00 London
    assert send_digests(WEDNESDAY + timedelta(hours=1)) == 3
    assert send_digests(WEDNESDAY + timedelta(hours=2)) == 0
    assert len(outbox("digest:")) == 3
    assert send_digests(WEDNESDAY + timedelta(days=1, hours=1)) == 3  # Thursday's
    assert len(outbox("digest:")) == 6


def test_no_digest_on_a_weekend(app, scene):
    saturday = WEDNESDAY + timedelta(days=3)
    assert send_digests(saturday) == 0
    assert outbox("digest:") == []


def test_users_who_turned_it_off_get_none(app, scene):
    scene["officer"].digest_opt_out = True
    db.session.commit()
    assert send_digests(WEDNESDAY) == 2
    assert _digest(scene["officer"]) is None


def test_the_digest_task_is_registered_and_does_nothing_out_of_hours(app):
    app.extensions["celery"].loader.import_default_modules()
    task = app.extensions["celery"].tasks["casework.deadlines.digest"]
    result = task.apply()
    assert result.successful(), result.traceback
    assert isinstance(result.get(), int)


def test_the_account_page_turns_the_digest_off_and_on(app, client, scene):
    officer = scene["officer"]
    as_user(client, officer)
    page = client.get("/account").get_data(as_text=True)
    assert "Daily deadline e-mail" in page and 'value="on" checked' in page

    response = post(client, "/account/digest", {"digest": "off"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, officer.id).digest_opt_out is True
    page = client.get("/account").get_data(as_text=True)
    assert "You will no longer get the daily deadline e-mail" in page
    assert 'value="off" checked' in page

    post(client, "/account/digest", {"digest": "on"})
    db.session.expire_all()
    assert db.session.get(User, officer.id).digest_opt_out is False


def test_a_bad_digest_choice_changes_nothing(app, client, scene):
    as_user(client, scene["officer"])
    response = post(client, "/account/digest", {"digest": "sometimes"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Select whether you want the daily deadline e-mail" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, scene["officer"].id).digest_opt_out is False


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PARTNER])
def test_only_officers_and_managers_have_the_setting(app, client, role):
    user = make_user(role)
    as_user(client, user)
    assert "Daily deadline e-mail" not in client.get("/account").get_data(as_text=True)
    assert post(client, "/account/digest", {"digest": "off"}).status_code == 403
