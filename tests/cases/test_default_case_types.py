"""The first migration seeds the same case types as the code's default list."""

from __future__ import annotations

from sqlalchemy import select

from casework.cases.categories import DEFAULT_CASE_TYPES
from casework.cases.models import CaseType
from casework.extensions import db
from tests.test_migrations import migrated_app


def test_the_migration_seeds_the_default_case_types(tmp_path):
    app = migrated_app(f"sqlite:///{tmp_path / 'seeded.db'}", tmp_path / "instance")
    with app.app_context():
        rows = db.session.scalars(select(CaseType).order_by(CaseType.sort_order))
        assert [(t.code, t.name, t.group) for t in rows] == list(DEFAULT_CASE_TYPES)
        db.session.remove()
        db.engine.dispose()
