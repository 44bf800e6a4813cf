"""The enforcement demo data: every step of the ladder, paid and unpaid FPNs, published prosecutions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from casework.db_types import utcnow
from casework.demo import seed_demo
from casework.enforcement.kinds import PROVED_OUTCOMES
from casework.enforcement.models import EnforcementAction, WasteCarrierCheck
from casework.extensions import db
from casework.formatting import LONDON
from tests.enforcement.builders import open_clocks


def _actions() -> list[EnforcementAction]:
    return list(db.session.scalars(select(EnforcementAction).order_by(EnforcementAction.id)))


def test_the_demo_has_each_step_and_each_state(app, client):
    added = seed_demo()
    actions = _actions()
    assert added["enforcement_actions"] == len(actions) >= 15
    kinds = {a.kind for a in actions}
    assert {
        "warning_letter",
        "abc",
        "cpw",
        "cpn",
        "fpn",
        "s34_notice",
        "prosecution",
        "formal_caution",
    } <= kinds
    assert {a.case.case_type.group for a in actions} == {"asb", "flytipping"}
    fpns = {a.status for a in actions if a.kind == "fpn"}
    assert fpns == {"paid", "unpaid"}
    [unpaid] = [a for a in actions if a.kind == "fpn" and a.status == "unpaid"]
    assert open_clocks(unpaid.case, "prosecution_review")
    today = utcnow().astimezone(LONDON).date()
    near = [a for a in actions if a.kind == "cpw" and a.status == "issued"]
    assert any(today < a.compliance_date <= today + timedelta(days=3) for a in near)
    assert {a.status for a in actions if a.kind == "cpw"} >= {"issued", "breached", "complied"}
    published = [a for a in actions if a.published_at is not None]
    assert len(published) == 2 and all(a.outcome in PROVED_OUTCOMES for a in published)
    assert sorted(bool(a.public_name) for a in published) == [False, True]
    assert db.session.scalar(select(func.count()).select_from(WasteCarrierCheck)) == 2
    page = client.get("/prosecutions").get_data(as_text=True)
    named = next(a for a in published if a.public_name)
    assert named.public_name in page and "£660.00" in page and "£400.00" in page


def test_seeding_again_adds_nothing(app):
    seed_demo()
    before = len(_actions())
    again = seed_demo()
    assert len(_actions()) == before
    assert "enforcement_actions" not in again and "waste_carrier_checks" not in again
