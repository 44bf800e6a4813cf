"""/health: whether the database and the broker answer, for load balancers and monitoring."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from casework.access import public
from casework.db_types import utcnow
from casework.system import services

bp = Blueprint("health", __name__)


@bp.route("/health")
@public
def health():
    """Whether the database and the broker answer and when a worker last ran; 503 when either fails."""
    database, last = services.database_status()
    broker = services.broker_ok()
    body = {
        "status": "ok" if database and broker else "error",
        "database": "ok" if database else "error",
        "broker": "ok" if broker else "error",
        "worker_last_heartbeat": last.isoformat() if last else None,
        "worker_heartbeat_age_seconds": round((utcnow() - last).total_seconds()) if last else None,
        "environment": current_app.config["ENV_NAME"],
    }
    return jsonify(body), 200 if body["status"] == "ok" else 503
