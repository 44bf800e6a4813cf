"""Entry point for `celery -A workers.app worker` and `celery -A workers.app beat`."""

from casework import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
