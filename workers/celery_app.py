"""The Celery app, bound to a Flask app (Flask's `celery_init_app` pattern)."""

from __future__ import annotations

from pathlib import Path

from celery import Celery, Task
from flask import Flask

from workers.schedule import beat_schedule

TASK_MODULES = (
    "workers.tasks.system",
    "workers.tasks.notifications",
    "workers.tasks.deadlines",
    "workers.tasks.partners",
    "workers.tasks.enforcement",
)


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app whose tasks run inside `app`'s context."""

    class FlaskTask(Task):
        """Runs each task in the app context and leaves the database session clean."""

        def __call__(self, *args, **kwargs):
            from casework.extensions import db

            with app.app_context():
                try:
                    return self.run(*args, **kwargs)
                finally:
                    db.session.remove()

    _make_broker_folders(app.config["CELERY"])
    celery_app = Celery(app.name, task_cls=FlaskTask, include=list(TASK_MODULES))
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.conf.beat_schedule = beat_schedule(app.config)
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def _make_broker_folders(celery_conf: dict) -> None:
    """kombu's filesystem transport needs its folders to exist before anything is queued."""
    options = celery_conf.get("broker_transport_options") or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
