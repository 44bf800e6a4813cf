"""The Celery side as beat and the worker see it: names, the schedule and the Flask-aware task base."""

from __future__ import annotations

import inspect
import pkgutil
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from flask import has_app_context
from sqlalchemy import delete, select, text

import workers.tasks
from casework import create_app
from casework.extensions import db
from casework.system.models import Heartbeat
from tests.conftest import make_config
from workers.celery_app import TASK_MODULES

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_app(app):
    """The app's Celery with the task modules loaded, as `celery worker` loads them."""
    celery = app.extensions["celery"]
    celery.loader.import_default_modules()
    return celery


@pytest.fixture
def detached_app(database_url, tmp_path):
    """An app with NO context pushed, as in a worker process; its heartbeats are removed afterwards."""
    app = create_app(make_config(database_url, tmp_path / "instance"))
    app.extensions["celery"].loader.import_default_modules()
    yield app
    with app.app_context():
        db.session.execute(delete(Heartbeat))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def our_tasks(celery) -> dict:
    return {name: task for name, task in celery.tasks.items() if not name.startswith("celery.")}


def test_every_scheduled_task_is_registered_and_accepts_its_arguments(celery_app):
    schedule = celery_app.conf.beat_schedule
    assert schedule, "the beat schedule is empty"
    for entry_name, entry in schedule.items():
        assert entry["task"] in celery_app.tasks, f"beat entry {entry_name!r} names an unknown task"
        task = celery_app.tasks[entry["task"]]
        # A schedule passing arguments the task cannot take would fail on every beat.
        inspect.signature(task.run).bind(*entry.get("args", ()), **entry.get("kwargs", {}))


def test_schedule_intervals_come_from_configuration(database_url, tmp_path):
    app = create_app(make_config(database_url, tmp_path / "instance", BEAT_HEARTBEAT_SECONDS=7))
    celery = app.extensions["celery"]
    assert celery.conf.beat_schedule["heartbeat"]["schedule"] == timedelta(seconds=7)
    # Celery mis-schedules across the daylight-saving change unless it runs on UTC.
    assert celery.conf.timezone == "UTC"
    assert celery.conf.enable_utc is True


def test_every_task_module_is_loaded_by_the_worker():
    found = {name for _, name, _ in pkgutil.walk_packages(workers.tasks.__path__, "workers.tasks.")}
    found |= {
        ".".join(path.relative_to(BASE_DIR).with_suffix("").parts)
        for path in (BASE_DIR / "casework").rglob("tasks.py")
    }
    missing = found - set(TASK_MODULES)
    assert not missing, f"task modules the worker never imports (add them to TASK_MODULES): {missing}"


def test_every_casework_task_has_an_explicit_stable_name(celery_app):
    tasks = our_tasks(celery_app)
    assert "casework.system.heartbeat" in tasks
    for name, task in tasks.items():
        assert name.startswith("casework."), f"task {name!r} must be named casework.<area>.<what>"
        generated = celery_app.gen_task_name(task.run.__name__, task.run.__module__)
        assert name != generated, f"task {name!r} takes its name from its module path; give it name=..."


def test_task_runs_in_the_app_context_and_leaves_no_session_behind(detached_app):
    task = detached_app.extensions["celery"].tasks["casework.system.heartbeat"]
    source = f"test-{uuid4().hex}"
    assert not has_app_context()

    result = task.apply(args=(source,))

    assert result.successful(), result.traceback
    assert not has_app_context()
    with detached_app.app_context():
        # A session left open after the task holds a pooled connection until the pool runs dry.
        assert db.engine.pool.checkedout() == 0
        row = db.session.get(Heartbeat, result.get())
        assert row is not None and row.source == source


def test_a_failing_task_also_gives_its_connection_back(detached_app):
    celery = detached_app.extensions["celery"]

    @celery.task(name="casework.tests.fails_mid_transaction", shared=False)
    def fails_mid_transaction() -> None:
        db.session.add(Heartbeat(source="never committed"))
        db.session.execute(text("SELECT 1"))
        raise RuntimeError("boom")

    result = fails_mid_transaction.apply()

    assert result.failed()
    with detached_app.app_context():
        assert db.engine.pool.checkedout() == 0
        assert db.session.scalars(select(Heartbeat.source)).all() == []
