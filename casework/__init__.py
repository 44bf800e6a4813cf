"""casework: case management for the community safety units of UK councils."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine

from config import BASE_DIR, Config, config_from_env

BLUEPRINTS = (
    "casework.auth.views:bp",
    "casework.admin.views:bp",
    "casework.main.views:bp",
    "casework.cases.views:bp",
    "casework.health:bp",
    "casework.deadlines.views:bp",
    "casework.notifications.views:bp",
    "casework.partners.views:bp",
    "casework.risk.views:bp",
    "casework.reviews.views:bp",
    "casework.enforcement.views:bp",
    "casework.letters.views:bp",
    "casework.reports.views:bp",
    "casework.api.open311.views:bp",
)


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Assemble the application: the only place where it is put together."""
    config_class = config_class or config_from_env()
    config_class.check()
    app = Flask(
        __name__,
        instance_path=str(config_class.INSTANCE_DIR),
        template_folder=str(BASE_DIR / "templates"),
    )
    app.config.from_object(config_class)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _init_logging(app)
    _init_templates(app)
    _init_extensions(app)
    _register_blueprints(app)
    _init_hooks(app)
    _init_celery(app)
    return app


def _init_celery(app: Flask) -> None:
    from workers.celery_app import celery_init_app

    celery_init_app(app)


def _init_logging(app: Flask) -> None:
    logging.getLogger("casework").setLevel(logging.INFO)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")


def _init_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)
    app.jinja_env.globals["govukRebrand"] = False  # the 2025 GOV.UK rebrand is GOV.UK's own look


def _init_extensions(app: Flask) -> None:
    from casework.auth.services import load_user_by_session_token
    from casework.extensions import csrf, db, limiter, login_manager, migrate

    _import_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user_by_session_token)


def _import_models() -> None:
    """Import every area's models so that SQLAlchemy and Alembic see all tables."""
    import casework.api.open311.models
    import casework.auth.models
    import casework.cases.incident_models
    import casework.cases.models
    import casework.cases.party_models
    import casework.cases.record_models
    import casework.deadlines.models
    import casework.enforcement.models
    import casework.letters.models
    import casework.notifications.models
    import casework.partners.models
    import casework.places.models
    import casework.reviews.models
    import casework.risk.models
    import casework.system.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for spec in BLUEPRINTS:
        module_name, attr = spec.split(":")
        app.register_blueprint(getattr(import_module(module_name), attr))
    from casework.cli import register_cli

    register_cli(app)


def _init_hooks(app: Flask) -> None:
    from casework.access import enforce_access
    from casework.errors import init_errors
    from casework.formatting import init_formatting
    from casework.security import init_security

    init_formatting(app)
    init_security(app)
    app.before_request(enforce_access)
    init_errors(app)

    @app.context_processor
    def service_names() -> dict:
        return {
            "partnership_name": app.config["PARTNERSHIP_NAME"],
            "service_name": app.config["SERVICE_NAME"],
        }


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite is shared by web, worker and beat: WAL and a busy timeout stop 'database is locked'."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
