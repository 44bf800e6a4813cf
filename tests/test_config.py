"""Configuration as an operator meets it: production refusals and protections, and demo seeding."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casework import create_app
from casework.auth.models import User
from casework.extensions import db
from casework.partners.models import Agency
from casework.places.models import Borough, Ward
from config import (
    INSECURE_KEY,
    DevelopmentConfig,
    ProductionConfig,
    TestConfig,
    config_from_env,
)
from tests.conftest import make_config, sign_in

BASE_DIR = Path(__file__).resolve().parent.parent
STRONG_KEY = "k3y-" + "0123456789abcdef" * 3  # 52 characters
OPERATOR_REDIS = "redis://127.0.0.1:6399/0"  # read by the check and the config; nothing listens there
README_DEMO_EMAILS = re.findall(r"^\| `([^`]+@demo\.test)` \|", (BASE_DIR / "README.md").read_text(), re.M)


def production_config(database_url: str, tmp_path: Path, **overrides) -> type[ProductionConfig]:
    """ProductionConfig as an operator's environment would make it, kept inside tmp_path."""
    broker = tmp_path / "broker"
    attrs = {
        "SECRET_KEY": STRONG_KEY,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_DIR": tmp_path / "instance",
        "RATELIMIT_STORAGE_URI": "memory://",
        "CELERY": {
            **ProductionConfig.CELERY,
            "broker_url": "filesystem://",
            "broker_transport_options": {
                "data_folder_in": str(broker),
                "data_folder_out": str(broker),
                "processed_folder": str(broker),
            },
        },
        **overrides,
    }
    return type("OperatorProductionConfig", (ProductionConfig,), attrs)


@pytest.fixture
def production_env(monkeypatch, database_url):
    """The environment production needs: a strong SECRET_KEY, an explicit DATABASE_URL and REDIS_URL."""
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REDIS_URL", OPERATOR_REDIS)


@pytest.fixture
def production_app(app, production_env, database_url, tmp_path):
    """A production app on the test database (the `app` fixture empties the tables afterwards)."""
    return create_app(production_config(database_url, tmp_path))


# --- Production refuses unsafe settings -------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [None, "", INSECURE_KEY, "x" * 31],
    ids=["unset", "empty", "development-key", "31-characters"],
)
def test_production_refuses_a_missing_or_weak_secret_key(
    production_env, monkeypatch, database_url, tmp_path, key
):
    if key is None:
        monkeypatch.delenv("SECRET_KEY")
    else:
        monkeypatch.setenv("SECRET_KEY", key)

    with pytest.raises(RuntimeError, match="SECRET_KEY set to a random value of 32\\+ characters"):
        ProductionConfig.check()
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(production_config(database_url, tmp_path))


def test_production_refuses_without_database_url(production_env, monkeypatch, database_url, tmp_path):
    monkeypatch.delenv("DATABASE_URL")

    with pytest.raises(RuntimeError, match="Production needs DATABASE_URL"):
        ProductionConfig.check()
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app(production_config(database_url, tmp_path))


def test_production_refuses_without_redis_url(production_env, monkeypatch, database_url, tmp_path):
    monkeypatch.delenv("REDIS_URL")

    with pytest.raises(RuntimeError, match="Production needs REDIS_URL"):
        ProductionConfig.check()
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        create_app(production_config(database_url, tmp_path))


def test_production_starts_and_serves_with_a_strong_key_and_a_database(
    production_env, monkeypatch, database_url, tmp_path
):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)  # 32 characters is enough

    app = create_app(production_config(database_url, tmp_path, SECRET_KEY="x" * 32))

    assert app.config["ENV_NAME"] == "production"
    response = app.test_client().get("/health")
    assert response.status_code == 200, response.get_data(as_text=True)


def test_production_sets_secure_cookies_and_hsts(production_app):
    client = production_app.test_client()

    response = client.get("/sign-in")

    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/health").headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert production_app.config["REMEMBER_COOKIE_SECURE"] is True


def test_development_and_test_send_no_hsts_and_no_secure_cookie(client):
    response = client.get("/sign-in")

    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in response.headers["Set-Cookie"]


def _start_like_an_operator(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    """A fresh interpreter, so config.py reads the environment at import exactly as gunicorn's would."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_from_the_environment_uses_the_operators_key_and_database(tmp_path):
    database = f"sqlite:///{tmp_path / 'prod.db'}"
    env = {
        "CASEWORK_CONFIG": "production",
        "SECRET_KEY": STRONG_KEY,
        "DATABASE_URL": database,
        "REDIS_URL": OPERATOR_REDIS,
        "CASEWORK_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    code = (
        "from wsgi import app; c = app.config; "
        "print(c['ENV_NAME'], c['SECRET_KEY'], c['SQLALCHEMY_DATABASE_URI'], c['SESSION_COOKIE_SECURE'])"
    )

    started = _start_like_an_operator(env, code)

    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["production", STRONG_KEY, database, "True"]


def test_production_from_the_environment_refuses_with_a_clear_message(tmp_path):
    env = {"CASEWORK_CONFIG": "production", "CASEWORK_INSTANCE_PATH": str(tmp_path / "instance")}

    refused = _start_like_an_operator(env, "import wsgi")

    assert refused.returncode != 0
    assert (
        "RuntimeError: Production needs SECRET_KEY set to a random value of 32+ characters." in refused.stderr
    )


# --- Choosing the configuration ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (None, DevelopmentConfig),
        ("development", DevelopmentConfig),
        ("test", TestConfig),
        (" Production ", ProductionConfig),
    ],
)
def test_config_from_env_picks_the_named_class(monkeypatch, name, expected):
    if name is None:
        monkeypatch.delenv("CASEWORK_CONFIG", raising=False)
    else:
        monkeypatch.setenv("CASEWORK_CONFIG", name)

    assert config_from_env() is expected


def test_config_from_env_rejects_an_unknown_name_clearly(monkeypatch):
    monkeypatch.setenv("CASEWORK_CONFIG", "staging")

    with pytest.raises(RuntimeError) as refused:
        config_from_env()

    assert str(refused.value) == (
        "CASEWORK_CONFIG must be one of ['development', 'production', 'test'], not 'staging'"
    )


# --- Demo seeding ------------------------------------------------------------------------------


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_refuses_under_production(production_app):
    with production_app.app_context():
        result = production_app.test_cli_runner().invoke(args=["seed-demo"])

        assert result.exit_code == 1
        assert "Error: Demo data is never seeded under the Production configuration." in result.output
        assert _count(User) == 0 and _count(Borough) == 0 and _count(Agency) == 0


def test_seed_demo_adds_places_partners_and_one_user_per_role(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert result.output.strip().startswith("Demo data: added 2 boroughs, 23 wards, 8 agencies, ")
    boroughs = {b.name: {w.name for w in b.wards} for b in db.session.scalars(select(Borough))}
    assert set(boroughs) == {"Dartford", "Gravesham"}
    assert {"Temple Hill", "Swanscombe", "Town"} <= boroughs["Dartford"]
    assert {"Northfleet and Springhead", "Riverside", "Chalk"} <= boroughs["Gravesham"]
    agencies = set(db.session.scalars(select(Agency.short_name)))
    assert len(agencies) == 8 and {"Police", "KFRS", "Probation", "OPCC"} <= agencies
    emails = set(db.session.scalars(select(User.email)))
    assert len(README_DEMO_EMAILS) == 7
    assert set(README_DEMO_EMAILS) <= emails, "a sign-in the README lists is not seeded"


def test_seed_demo_twice_adds_nothing_and_keeps_changes(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    officer = db.session.scalar(select(User).where(User.email == "officer.dartford@demo.test"))
    officer.name = "Olu Okafor-Smith"
    db.session.commit()
    counts = (_count(Borough), _count(Ward), _count(Agency), _count(User))

    again = runner.invoke(args=["seed-demo"])

    assert again.exit_code == 0, again.output
    assert again.output.strip() == "Demo data: already present, nothing added."
    db.session.expire_all()
    assert (_count(Borough), _count(Ward), _count(Agency), _count(User)) == counts
    assert db.session.get(User, officer.id).name == "Olu Okafor-Smith"


def _signs_in(app, email: str, password: str) -> bool:
    response = sign_in(app.test_client(), email, password)
    return response.status_code == 302


def test_every_demo_user_signs_in_with_the_documented_password(app):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0

    for email in README_DEMO_EMAILS:
        assert _signs_in(app, email, "casework-demo"), f"{email} cannot sign in with casework-demo"


def test_demo_password_can_be_set_by_the_environment(app, database_url, tmp_path):
    custom = create_app(make_config(database_url, tmp_path / "custom", DEMO_PASSWORD="another demo secret"))
    with custom.app_context():
        assert custom.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0

    assert _signs_in(custom, "officer.gravesham@demo.test", "another demo secret")
    assert not _signs_in(custom, "officer.gravesham@demo.test", "casework-demo")
