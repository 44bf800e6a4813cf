"""Configuration classes, read from the environment.

`CASEWORK_CONFIG` picks the class (development, test or production); development is the default.
With no environment at all the app runs on embedded parts under `instance/`.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("CASEWORK_INSTANCE_PATH", BASE_DIR / "instance"))
INSECURE_KEY = "dev-only-insecure-key"


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs say postgres://; SQLAlchemy wants an explicit driver.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_KEY)
    INSTANCE_DIR = INSTANCE_DIR
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'casework.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None

    PARTNERSHIP_NAME = os.environ.get(
        "CASEWORK_PARTNERSHIP_NAME", "Dartford and Gravesham Community Safety Partnership"
    )
    SERVICE_NAME = os.environ.get("CASEWORK_SERVICE_NAME", "Casework")

    # Sessions: Flask's signed cookie, revocable through the per-user session token.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("CASEWORK_IDLE_MINUTES", "30")))
    PERMANENT_SESSION_LIFETIME = IDLE_TIMEOUT
    SESSION_REFRESH_EACH_REQUEST = True

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session, which the idle timeout ends

    # Sign-in rate limits (Flask-Limiter syntax). Redis holds the counters when REDIS_URL is set.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Flask-Limiter keeps its on/off switch per process: set it so no app can leave it off for others.
    RATELIMIT_ENABLED = True
    # How many proxies (load balancer, ...) in front of the app set X-Forwarded-For; 0 trusts none.
    TRUSTED_PROXY_COUNT = int(os.environ.get("CASEWORK_TRUSTED_PROXIES", "0"))
    SIGN_IN_LIMIT_PER_ADDRESS = os.environ.get("CASEWORK_SIGN_IN_LIMIT_ADDRESS", "20 per 15 minutes")
    SIGN_IN_LIMIT_PER_ACCOUNT = os.environ.get("CASEWORK_SIGN_IN_LIMIT_ACCOUNT", "5 per 15 minutes")
    PASSWORD_RESET_HOURS = int(os.environ.get("CASEWORK_PASSWORD_RESET_HOURS", "24"))

    # Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport under instance/.
    CELERY = {
        "broker_url": os.environ.get("REDIS_URL") or "filesystem://",
        "broker_transport_options": {}
        if os.environ.get("REDIS_URL")
        else {
            "data_folder_in": str(INSTANCE_DIR / "broker" / "queue"),
            "data_folder_out": str(INSTANCE_DIR / "broker" / "queue"),
            "processed_folder": str(INSTANCE_DIR / "broker" / "processed"),
            "control_folder": str(INSTANCE_DIR / "broker" / "control"),
            "store_processed": False,
        },
        "task_ignore_result": True,
        "timezone": "UTC",
        "enable_utc": True,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
    }
    BEAT_HEARTBEAT_SECONDS = float(os.environ.get("CASEWORK_HEARTBEAT_SECONDS", "60"))

    ARGON2_PARAMS: dict = {}
    DEMO_PASSWORD = os.environ.get("CASEWORK_DEMO_PASSWORD", "casework-demo")
    DEMO_ALLOWED = True
    HSTS = False
    SERVER_NAME_FOR_LINKS = os.environ.get("CASEWORK_BASE_URL", "http://127.0.0.1:5000")

    # Outbound e-mail (casework/notifications): every message is an outbox row; a Celery task sends them.
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "file")  # file (under instance/mail), smtp or notify
    MAIL_FROM = os.environ.get("MAIL_FROM", "casework@casework.local")
    MAIL_FROM_NAME = os.environ.get("MAIL_FROM_NAME", "")
    MAIL_MESSAGE_ID_DOMAIN = os.environ.get("MAIL_MESSAGE_ID_DOMAIN", "")  # empty: MAIL_FROM's domain
    MAIL_DIR = os.environ.get("MAIL_DIR", "")  # file sender; empty: <instance>/mail
    MAIL_SMTP_HOST = os.environ.get("MAIL_SMTP_HOST", "127.0.0.1")
    MAIL_SMTP_PORT = int(os.environ.get("MAIL_SMTP_PORT", "25"))
    MAIL_SMTP_STARTTLS = _env_bool("MAIL_SMTP_STARTTLS", False)
    MAIL_SMTP_USERNAME = os.environ.get("MAIL_SMTP_USERNAME", "")
    MAIL_SMTP_PASSWORD = os.environ.get("MAIL_SMTP_PASSWORD", "")
    MAIL_SMTP_CA_FILE = os.environ.get("MAIL_SMTP_CA_FILE", "")  # a council relay's own CA, if any
    MAIL_SMTP_TIMEOUT = float(os.environ.get("MAIL_SMTP_TIMEOUT", "30"))
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    NOTIFY_TEMPLATE_IDS = os.environ.get("NOTIFY_TEMPLATE_IDS", "{}")  # JSON: our template name -> id
    NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID", "")  # generic: ((subject)) and ((body))
    MAIL_DISPATCH_SECONDS = float(os.environ.get("MAIL_DISPATCH_SECONDS", "10"))
    MAIL_DISPATCH_LIMIT = int(os.environ.get("MAIL_DISPATCH_LIMIT", "100"))  # messages per task run
    MAIL_CLAIM_BATCH = int(os.environ.get("MAIL_CLAIM_BATCH", "10"))  # rows claimed per transaction
    MAIL_DISPATCH_AFTER_COMMIT = _env_bool("MAIL_DISPATCH_AFTER_COMMIT", True)
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))
    MAIL_BACKOFF_SECONDS = float(os.environ.get("MAIL_BACKOFF_SECONDS", "30"))
    MAIL_BACKOFF_MAX_SECONDS = float(os.environ.get("MAIL_BACKOFF_MAX_SECONDS", "3600"))
    MAIL_STALE_SENDING_SECONDS = float(os.environ.get("MAIL_STALE_SENDING_SECONDS", "300"))

    # Deadlines (casework/deadlines): the sweep's interval and size, the escalation ladder's pace, the digest.
    DEADLINE_SWEEP_SECONDS = float(os.environ.get("CASEWORK_SWEEP_SECONDS", "60"))
    DEADLINE_SWEEP_BATCH = int(os.environ.get("CASEWORK_SWEEP_BATCH", "50"))  # due rows listed per query
    DEADLINE_SWEEP_MAX_ROWS = int(os.environ.get("CASEWORK_SWEEP_MAX_ROWS", "5000"))  # per step per pass
    # Time between rungs of an escalation ladder, in office hours (8 = one working day); or, when
    # CASEWORK_ESCALATION_INTERVAL_MINUTES is set (demonstrations), that many plain clock minutes.
    DEADLINE_ESCALATION_INTERVAL_HOURS = float(os.environ.get("CASEWORK_ESCALATION_INTERVAL_HOURS", "8"))
    DEADLINE_ESCALATION_INTERVAL_MINUTES = float(os.environ.get("CASEWORK_ESCALATION_INTERVAL_MINUTES", "0"))
    DEADLINE_DIGEST_HOUR = int(os.environ.get("CASEWORK_DIGEST_HOUR", "7"))  # London time, working days
    DEADLINE_DIGEST_CHECK_MINUTES = float(os.environ.get("CASEWORK_DIGEST_CHECK_MINUTES", "15"))

    # Partners (casework/partners): how much a referral shares, who a late partner action goes to,
    # and when a panel's agenda is e-mailed (working days before the meeting; beat checks this often).
    REFERRAL_SHARING_DEFAULT = os.environ.get("CASEWORK_REFERRAL_SHARING", "minimal")
    PARTNER_ESCALATION_PANEL = os.environ.get("CASEWORK_PARTNER_ESCALATION_PANEL", "csmap")
    PANEL_AGENDA_WORKING_DAYS = int(os.environ.get("CASEWORK_AGENDA_WORKING_DAYS", "3"))
    PANEL_AGENDA_CHECK_MINUTES = float(os.environ.get("CASEWORK_AGENDA_CHECK_MINUTES", "10"))

    # Open311 (casework/api/open311): requests per API key (Flask-Limiter syntax), and how near a
    # recorded incident a reported point must lie to be placed in that incident's ward.
    OPEN311_RATE_LIMIT = os.environ.get("CASEWORK_OPEN311_RATE_LIMIT", "60 per minute")
    OPEN311_PLACE_RADIUS_M = int(os.environ.get("CASEWORK_OPEN311_PLACE_RADIUS_M", "1000"))

    # ASB Case Review (casework/reviews): the threshold (qualifying complaints within a window of calendar
    # months before the application, each made within a month of the behaviour) and the reports that
    # prompt telling a victim about the case review. The deadlines are service-level policies (admin).
    CASE_REVIEW_MIN_COMPLAINTS = int(os.environ.get("CASEWORK_CASE_REVIEW_MIN_COMPLAINTS", "3"))
    CASE_REVIEW_WINDOW_MONTHS = int(os.environ.get("CASEWORK_CASE_REVIEW_WINDOW_MONTHS", "6"))
    CASE_REVIEW_REPORT_WITHIN_MONTHS = int(os.environ.get("CASEWORK_CASE_REVIEW_REPORT_WITHIN_MONTHS", "1"))
    CASE_REVIEW_PROMPT_REPORTS = int(os.environ.get("CASEWORK_CASE_REVIEW_PROMPT_REPORTS", "2"))

    # Enforcement (casework/enforcement). Fixed penalties in pounds by offence: the legal maximum
    # (England, 2024) and the council's own [amount, early-payment amount]; each dict can be
    # overridden (merged) from the environment as JSON. The FPN is due 14 calendar days after issue;
    # early payment within FPN_EARLY_PAYMENT_DAYS; compliance checks fall due at ENFORCEMENT_CHECK_HOUR
    # (London) on the compliance date; an unpaid FPN gets a prosecution review this many working days.
    FPN_MAXIMUMS = {
        "flytipping": 1000,
        "household_duty_of_care": 600,
        "littering": 500,
        "cpn_breach": 100,
        "business_duty_of_care": 300,
        "waste_receptacles": 110,
        **json.loads(os.environ.get("CASEWORK_FPN_MAXIMUMS") or "{}"),
    }
    FPN_AMOUNTS = {
        "flytipping": [400, 250],
        "household_duty_of_care": [400, 250],
        "littering": [150, 100],
        "cpn_breach": [100, 75],
        "business_duty_of_care": [300, 180],
        "waste_receptacles": [110, 60],
        **json.loads(os.environ.get("CASEWORK_FPN_AMOUNTS") or "{}"),
    }
    FPN_PAYMENT_DAYS = int(os.environ.get("CASEWORK_FPN_PAYMENT_DAYS", "14"))
    FPN_EARLY_PAYMENT_DAYS = int(os.environ.get("CASEWORK_FPN_EARLY_PAYMENT_DAYS", "10"))
    ENFORCEMENT_CHECK_HOUR = int(os.environ.get("CASEWORK_ENFORCEMENT_CHECK_HOUR", "9"))
    PROSECUTION_REVIEW_WORKING_DAYS = int(os.environ.get("CASEWORK_PROSECUTION_REVIEW_WORKING_DAYS", "10"))
    FPN_UNPAID_CHECK_MINUTES = float(os.environ.get("CASEWORK_FPN_UNPAID_CHECK_MINUTES", "15"))

    @classmethod
    def check(cls) -> None:
        """Refuse to start with settings that are unsafe for this environment."""


class DevelopmentConfig(Config):
    """The default: embedded parts, debug-friendly."""

    ENV_NAME = "development"


class TestConfig(Config):
    """Tests: SQLite in a temporary folder unless DATABASE_URL is set; Celery must be controlled."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - tests only; Production refuses anything weak
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite://")
    # A test that forgets to control Celery fails loudly instead of queueing somewhere real.
    CELERY = {
        **Config.CELERY,
        "broker_url": "memory://nowhere-tests-must-set-a-broker",
        "broker_transport_options": {},
    }
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = True
    # Cheaper argon2id for speed; production uses argon2-cffi's RFC 9106 defaults.
    ARGON2_PARAMS = {"time_cost": 1, "memory_cost": 8192, "parallelism": 1}
    # Queueing a message must not publish a Celery task unless a test asks for it.
    MAIL_DISPATCH_AFTER_COMMIT = False
    # Fewer demo report flytips per borough and month (default 6): tests/reports checks the full set.
    DEMO_REPORT_FLYTIPS_PER_MONTH = 1


class ProductionConfig(Config):
    """Production: PostgreSQL, Redis, secure cookies, HSTS; no demo data."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    DEMO_ALLOWED = False

    @classmethod
    def check(cls) -> None:
        """Refuse to start without a real secret key, an explicit database and Redis."""
        key = os.environ.get("SECRET_KEY", "")
        if not key or key == INSECURE_KEY or len(key) < 32:
            raise RuntimeError("Production needs SECRET_KEY set to a random value of 32+ characters.")
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("Production needs DATABASE_URL (PostgreSQL).")
        if not os.environ.get("REDIS_URL"):
            # Without it Celery would fall back to the filesystem broker and the rate limits to
            # per-process memory: neither works across several web and worker machines.
            raise RuntimeError("Production needs REDIS_URL (Redis, for Celery and the rate limits).")


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The configuration class named by CASEWORK_CONFIG (development when unset)."""
    name = os.environ.get("CASEWORK_CONFIG", "development").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"CASEWORK_CONFIG must be one of {sorted(CONFIGS)}, not {name!r}") from None
