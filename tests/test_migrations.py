"""The migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from pprint import pformat
from uuid import uuid4

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from casework import create_app
from casework.extensions import db
from config import _database_url
from tests.conftest import MIGRATIONS, make_config
from tests.services import postgres_url


def assert_models_match_database() -> None:
    """Fail with what `flask db migrate` would write if run now."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "compare_server_default": True, "render_as_batch": True},
        )
        differences = compare_metadata(context, db.metadata)
    assert not differences, "models and migrations differ; `flask db migrate` would write:\n" + pformat(
        differences
    )


def migrated_app(url: str, instance: Path):
    app = create_app(make_config(url, instance))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    return app


def table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'migrations.db'}"


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """A PostgreSQL database of its own, created for the test and dropped after it."""
    server = make_url(_database_url(postgres_url()))
    name = f"{server.database}_migrations_{uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_models_and_migrations_agree_on_sqlite(sqlite_url, tmp_path):
    app = migrated_app(sqlite_url, tmp_path / "instance")
    with app.app_context():
        assert table_names() == set(db.metadata.tables)
        assert_models_match_database()
        db.engine.dispose()


def test_models_and_migrations_agree_on_postgresql(fresh_postgres, tmp_path):
    app = migrated_app(fresh_postgres, tmp_path / "instance")
    with app.app_context():
        assert table_names() == set(db.metadata.tables)
        assert_models_match_database()
        db.engine.dispose()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_downgrade_to_base_and_upgrade_again(database, request, tmp_path):
    url = request.getfixturevalue("sqlite_url" if database == "sqlite" else "fresh_postgres")
    app = migrated_app(url, tmp_path / "instance")
    with app.app_context():
        downgrade(directory=MIGRATIONS, revision="base")
        assert table_names() == set()

        upgrade(directory=MIGRATIONS)
        assert table_names() == set(db.metadata.tables)
        assert_models_match_database()
        db.engine.dispose()
