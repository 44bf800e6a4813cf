"""The demo's extra flytips: enough for a credible monthly return in every borough, added once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from casework.cases.incident_models import FlytipDetails, Incident
from casework.cases.models import Case
from casework.db_types import utcnow
from casework.demo import seed_demo
from casework.extensions import db
from casework.places.models import Borough
from casework.reports.flycapture import flycapture_return
from casework.reports.periods import last_complete_month
from casework.reports.report_params import BoroughChoice
from tests.conftest import sign_in


def test_every_borough_and_month_gets_a_credible_return_and_a_second_seeding_adds_nothing(app, client):
    app.config["DEMO_REPORT_FLYTIPS_PER_MONTH"] = 6  # the real default (tests use fewer)
    first = seed_demo()
    now = utcnow()

    assert 120 <= first["report flytips"] <= 220
    latest = last_complete_month(now)
    for borough in db.session.scalars(select(Borough)):
        totals = [
            flycapture_return(BoroughChoice(borough), latest.plus(-back), now).total_incidents
            for back in range(11)
        ]
        assert min(totals) >= 3, (borough.code, totals)
        assert sum(totals) / len(totals) >= 6, (borough.code, totals)

    # The national shape: highways the commonest land type, a small van load or a car boot the commonest size.
    lands = Counter(db.session.scalars(select(FlytipDetails.land_type)))
    sizes = Counter(db.session.scalars(select(FlytipDetails.size)))
    assert lands.most_common(1)[0][0] == "highway"
    assert sizes.most_common(1)[0][0] in {"small_van", "car_boot"}
    # Old flytips are cleared and closed; nothing is dated in the future.
    old_open = db.session.scalar(
        select(func.count())
        .select_from(Case)
        .join(Incident, Incident.case_id == Case.id)
        .join(FlytipDetails, FlytipDetails.incident_id == Incident.id)
        .where(Case.state == "new", Incident.reported_at < latest.start)
    )
    assert old_open <= 6  # the demo cases' own few
    assert db.session.scalar(select(func.max(Incident.reported_at))) <= now

    before = db.session.scalar(select(func.count()).select_from(Incident))
    again = seed_demo()
    assert again["report flytips"] == 0
    assert db.session.scalar(select(func.count()).select_from(Incident)) == before

    assert sign_in(client, "manager@demo.test", app.config["DEMO_PASSWORD"]).status_code == 302
    page = client.get(f"/reports/flycapture?borough=DAR&month={latest.iso}")
    assert page.status_code == 200 and "Table 1" in page.get_data(as_text=True)
    assert client.get("/reports/performance").status_code == 200
    assert client.get("/reports/performance?format=csv").status_code == 200
