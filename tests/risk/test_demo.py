"""The demo seeds a risk assessment at each level on demo ASB cases, once."""

from __future__ import annotations

from sqlalchemy import func, select

from casework.demo import seed_demo
from casework.extensions import db
from casework.partners.models import Referral
from casework.risk.models import RiskAssessment
from tests.conftest import sign_in


def test_the_demo_assesses_asb_victims_at_each_level_once(app, client):
    first = seed_demo()
    assessments = list(db.session.scalars(select(RiskAssessment).order_by(RiskAssessment.assessed_at)))
    assert first["risk assessments"] == len(assessments) == 4
    latest = {a.case_id: a for a in assessments}  # the last one of each case
    assert sorted(a.level for a in latest.values()) == ["high", "medium", "standard"]
    for assessment in latest.values():
        case = assessment.case
        assert case.case_type.group == "asb" and case.risk == assessment.level
        assert assessment.level == assessment.computed_level  # no judgement overrides in the demo
    high = next(a for a in latest.values() if a.level == "high")
    assert high.previous_level == "medium"
    panel_referrals = select(func.count()).select_from(Referral).where(Referral.case_id == high.case_id)
    assert db.session.scalar(panel_referrals) >= 1

    again = seed_demo()
    assert again["risk assessments"] == 0
    assert db.session.scalar(select(func.count()).select_from(RiskAssessment)) == 4

    assert sign_in(client, "manager@demo.test", app.config["DEMO_PASSWORD"]).status_code == 302
    for assessment in assessments:
        page = client.get(f"/cases/{assessment.case.reference}/risk/{assessment.id}")
        assert page.status_code == 200 and "How the level was reached" in page.get_data(as_text=True)
