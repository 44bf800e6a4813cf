"""The dashboard on the demo data that `make run` seeds agrees with the case queue and the records."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from casework.auth.models import User
from casework.cases.incident_models import Incident
from casework.cases.models import Case
from casework.demo import seed_demo
from casework.demo_cases import PARTNERSHIP_MANAGER
from casework.extensions import db
from casework.places.models import Borough
from casework.reports.dashboard import period_for
from tests.reports.dashboard_builders import read


def _queue_total(client, href: str) -> int:
    page = client.get(href).get_data(as_text=True)
    found = re.search(r"of ([\d,]+) case", page)
    return int(found.group(1).replace(",", "")) if found else 0


def test_dashboard_agrees_with_the_demo_data(app, login, monkeypatch):
    seed_demo()
    # The demo is seeded at the real time: look at it at the real time too.
    import casework.cases.views.queue as queue_views
    import casework.reports.views.dashboard as dashboard_views
    from casework.db_types import utcnow

    now = utcnow()
    monkeypatch.setattr(dashboard_views, "utcnow", lambda: now)
    monkeypatch.setattr(queue_views, "utcnow", lambda: now)
    manager = db.session.scalar(select(User).where(User.email == PARTNERSHIP_MANAGER))
    client = login(manager, app.config["DEMO_PASSWORD"])
    page = read(client)

    open_cases = db.session.scalar(select(func.count()).select_from(Case).where(Case.state != "closed"))
    assert page.table("open-states-table")["All open cases"]["Cases"] == str(open_cases)
    types = page.table("open-types-table")
    assert int(types["All types"]["Overdue"]) == _queue_total(client, "/cases?due=overdue")
    assert int(types["All types"]["Due soon"]) == _queue_total(client, "/cases?due=soon")

    period = period_for("12m", now)
    reported = db.session.scalar(
        select(func.count()).select_from(Incident).where(Incident.reported_at >= period.start)
    )
    months = page.table("incident-months-table")
    assert sum(int(row["Incidents"]) for row in months.values()) == reported
    assert re.search(rf"\b{reported} incidents? reported in the last 12 months", page.text())

    for borough in db.session.scalars(select(Borough)):
        one = read(client, f"/dashboard?borough={borough.code}")
        in_borough = db.session.scalar(
            select(func.count())
            .select_from(Case)
            .where(Case.state != "closed", Case.borough_id == borough.id)
        )
        assert one.table("open-states-table")["All open cases"]["Cases"] == str(in_borough)
        recent = db.session.scalar(
            select(func.count())
            .select_from(Incident)
            .join(Case)
            .where(Case.borough_id == borough.id, Incident.reported_at >= now - timedelta(days=90))
        )
        spots = one.tables.get("hotspots-table")
        assert spots is None or sum(int(r[-1]) for r in spots["rows"][1:]) <= recent
