"""/health as a load balancer and an operator's monitoring see it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from casework import create_app
from casework.db_types import utcnow
from casework.extensions import db
from casework.system.models import Heartbeat
from config import TestConfig
from tests.conftest import make_config
from tests.services import redis_url

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def filesystem_broker(folder) -> dict:
    queue = folder / "queue"
    return {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "processed_folder": str(folder / "processed"),
        },
    }


def health_app(database_url, tmp_path, **celery):
    """An app (not signed in, no context pushed) whose Celery broker is the one given."""
    config = make_config(database_url, tmp_path / "instance", CELERY={**TestConfig.CELERY, **celery})
    return create_app(config)


@pytest.fixture
def embedded_broker_client(app, database_url, tmp_path):
    """A client whose app uses kombu's filesystem broker in tmp_path (the embedded default)."""
    return health_app(database_url, tmp_path, **filesystem_broker(tmp_path / "broker")).test_client()


def test_health_is_ok_without_sign_in_with_database_and_embedded_broker(embedded_broker_client):
    response = embedded_broker_client.get("/health")

    assert response.status_code == 200
    assert response.is_json
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"


def test_health_is_ok_with_redis_broker(app, database_url, tmp_path):
    client = health_app(
        database_url, tmp_path, broker_url=redis_url(), broker_transport_options={}
    ).test_client()

    response = client.get("/health")

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["broker"] == "ok"


def test_health_is_503_without_a_stack_trace_when_the_broker_is_unreachable(app, database_url, tmp_path):
    client = health_app(
        database_url, tmp_path, broker_url=UNREACHABLE_BROKER, broker_transport_options={}
    ).test_client()

    started = time.monotonic()
    response = client.get("/health")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error"
    assert body["broker"] == "error"
    assert body["database"] == "ok"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "Error:" not in text and "127.0.0.1:1" not in text
    # A load balancer gives up after a few seconds: a refused connection must answer at once.
    assert elapsed < 1.5, f"/health took {elapsed:.1f} s to report a refused broker"


def test_health_is_503_when_the_embedded_broker_folder_is_missing(app, database_url, tmp_path):
    client = health_app(database_url, tmp_path, **filesystem_broker(tmp_path / "broker")).test_client()
    (tmp_path / "broker" / "queue").rmdir()  # queueing a task would now fail

    response = client.get("/health")

    assert response.status_code == 503
    assert response.get_json()["broker"] == "error"


def test_health_reports_the_age_of_the_last_worker_heartbeat(app, embedded_broker_client):
    now = utcnow()
    db.session.add_all(
        [
            Heartbeat(source="beat", created_at=now - timedelta(minutes=10)),
            Heartbeat(source="beat", created_at=now - timedelta(seconds=90)),
        ]
    )
    db.session.commit()

    body = embedded_broker_client.get("/health").get_json()

    assert 89 <= body["worker_heartbeat_age_seconds"] <= 95
    assert body["worker_last_heartbeat"].startswith((now - timedelta(seconds=90)).strftime("%Y-%m-%dT%H:%M"))


def test_health_says_when_no_worker_has_run_yet(embedded_broker_client):
    body = embedded_broker_client.get("/health").get_json()

    assert body["worker_last_heartbeat"] is None
    assert body["worker_heartbeat_age_seconds"] is None


def test_health_is_503_when_the_database_does_not_answer(tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'casework.db'}"
    client = health_app(unreachable, tmp_path, **filesystem_broker(tmp_path / "broker")).test_client()

    response = client.get("/health")

    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "error"
    assert body["broker"] == "ok"
    assert body["worker_last_heartbeat"] is None
    assert "Traceback" not in response.get_data(as_text=True)


def test_health_answers_in_json_when_the_database_has_no_tables(tmp_path):
    """A database that answers but was never migrated cannot serve the app: an error, still in JSON."""
    empty = f"sqlite:///{tmp_path / 'never-migrated.db'}"
    client = health_app(empty, tmp_path, **filesystem_broker(tmp_path / "broker")).test_client()

    response = client.get("/health")

    assert response.status_code == 503
    assert response.is_json
    assert response.get_json()["database"] == "error"
