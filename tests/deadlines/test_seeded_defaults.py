"""The migration seeds the default service levels of DOMAIN.md, the same as the code's defaults."""

from __future__ import annotations

from sqlalchemy import select

from casework.deadlines.models import ServiceLevelPolicy
from casework.deadlines.policies import default_policy_rows
from casework.extensions import db
from tests.test_migrations import migrated_app


def _shape(policy: ServiceLevelPolicy) -> tuple:
    return (
        policy.kind,
        policy.case_type_group,
        policy.risk,
        policy.state,
        policy.duration_value,
        policy.duration_unit,
        tuple((lead["value"], lead["unit"]) for lead in policy.reminder_leads),
        tuple(policy.ladder),
        policy.active,
    )


def test_the_migration_seeds_the_default_service_levels(tmp_path):
    app = migrated_app(f"sqlite:///{tmp_path / 'seeded.db'}", tmp_path / "instance")
    with app.app_context():
        seeded = sorted((_shape(p) for p in db.session.scalars(select(ServiceLevelPolicy))), key=repr)
        assert seeded == sorted((_shape(p) for p in default_policy_rows()), key=repr)
        db.session.remove()
        db.engine.dispose()
