"""Settings from the environment with safe defaults; ``TestConfig`` for the test suite."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SUPPORTED_DRIVERS = ("sqlite", "postgresql")


class ConfigError(Exception):
    """A setting is missing or malformed; the message says which and how to fix it."""


def check_database_url(url: str) -> str:
    """Return a SQLAlchemy URL for ``url`` or raise ConfigError with a readable reason."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise ConfigError(
            f"DATABASE_URL is malformed ({exc}). Expected e.g. "
            "'sqlite:////path/fieldwork.db' or 'postgresql://user:pass@host:5432/dbname'."
        ) from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_DRIVERS:
        raise ConfigError(
            f"DATABASE_URL uses '{backend}', which fieldwork does not support; "
            "use sqlite or postgresql."
        )
    if backend == "postgresql":
        # psycopg 3 is the driver we ship; 'postgres://' is normalised by make_url already.
        parsed = parsed.set(drivername="postgresql+psycopg")
        if not parsed.database:
            raise ConfigError("DATABASE_URL for PostgreSQL must name a database.")
    return parsed.render_as_string(hide_password=False)


def load_secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, else from the instance folder (made once)."""
    env = os.environ.get("SECRET_KEY")
    if env:
        return env
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Create with 0600 so other local users cannot read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def env_flag(name: str, default: bool) -> bool:
    """A yes/no setting from the environment ('1', 'true', 'yes', 'on' mean yes)."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def login_rate_limit() -> str:
    """LOGIN_RATE_LIMIT from the environment: '10/minute' by default, '' when 'off'."""
    value = (os.environ.get("LOGIN_RATE_LIMIT") or "10/minute").strip()
    return "" if value.lower() in ("off", "0", "none") else value


def security_settings() -> dict:
    """Cookie, session, sign-in and upload settings (docs/security.md).

    ``FIELDWORK_ENV=production`` turns on Secure cookies and HSTS; the local ``make run`` on
    http://127.0.0.1 and the tests run without them, since browsers drop Secure cookies
    over plain HTTP.
    """
    production = os.environ.get("FIELDWORK_ENV", "development").strip().lower() == "production"
    secure = env_flag("SESSION_COOKIE_SECURE", production)
    lifetime = timedelta(hours=int(os.environ.get("SESSION_HOURS") or 10))
    return {
        "FIELDWORK_ENV": "production" if production else "development",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=7),
        "PERMANENT_SESSION_LIFETIME": lifetime,
        # A session without a request for this long ends (0: never); see auth/sessions.py.
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES") or 60),
        # A form's CSRF token is good for as long as a session may last, no longer.
        "WTF_CSRF_TIME_LIMIT": int(lifetime.total_seconds()),
        "SECURITY_HSTS": env_flag("SECURITY_HSTS", production),
        "PROXY_COUNT": int(os.environ.get("FIELDWORK_PROXIES") or 0),
        # Whole request; the scan and import pages raise it for themselves.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB") or 64) * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": login_rate_limit(),
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCKOUT_MINUTES": 15,
    }


def from_environment(instance_path: str) -> dict:
    """Build the settings mapping from environment variables and the instance folder."""
    default_db = "sqlite:///" + str(Path(instance_path) / "fieldwork.db")
    data_dir = os.environ.get("FIELDWORK_DATA_DIR") or str(Path(instance_path) / "data")
    return security_settings() | {
        "SQLALCHEMY_DATABASE_URI": check_database_url(os.environ.get("DATABASE_URL") or default_db),
        "SECRET_KEY": load_secret_key(instance_path),
        "FIELDWORK_DATA_DIR": data_dir,
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ["vi", "en"],
        "BOOTSTRAP_SERVE_LOCAL": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PASSWORD_MIN_LENGTH": 10,
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 65536,
        "FORMS_MAC_KEY": os.environ.get("FORMS_MAC_KEY"),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "JOBS_BACKEND": os.environ.get("FIELDWORK_JOBS", ""),
        "JOBS_THREADS": int(os.environ.get("FIELDWORK_JOB_THREADS") or 2),
        "JOBS_STALE_SECONDS": int(os.environ.get("FIELDWORK_JOB_STALE_SECONDS") or 90),
        "JOBS_HEARTBEAT_SECONDS": float(os.environ.get("FIELDWORK_JOB_HEARTBEAT_SECONDS") or 10),
        # Watched scan inboxes (docs/omr.md): where the web pages may set them up, how often
        # an idle watcher looks, and whether this process watches at all.
        "INBOX_ROOTS": os.environ.get("FIELDWORK_INBOX_ROOTS")
        or str(Path(instance_path) / "inboxes"),
        "INBOX_POLL_SECONDS": float(os.environ.get("FIELDWORK_INBOX_POLL_SECONDS") or 2),
        "INBOX_WATCH": env_flag("FIELDWORK_INBOXES", True),
    }


class TestConfig:
    """Overrides for tests: cheap password hashing; the database URL is given by the fixture."""

    TESTING = True
    # The sign-in rate limit is off; tests/foundation/test_security_login.py turns it on.
    LOGIN_RATE_LIMIT = ""
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    SECURITY_HSTS = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    SERVER_NAME = "localhost"
    INBOX_WATCH = False  # tests start their own watchers
