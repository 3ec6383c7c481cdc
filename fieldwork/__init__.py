"""fieldwork: the independent survey contractor's system for paper satisfaction surveys."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from .config import check_database_url, from_environment
from .extensions import babel, bootstrap, csrf, db, login_manager, migrate

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")
# Files the app creates (database, scans, uploads, exports, keys) are its user's alone: they
# hold respondents' handwriting and contact data (docs/deploy.md, "The data directory").
UMASK = 0o077


def private_dir(path: str | Path) -> None:
    """Create ``path`` (and missing parents) readable by the app's user only (0700)."""
    path = Path(path)
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)


# SQLite (the embedded database): readers never wait for a writer and a writer never waits
# for readers (write-ahead log), and a writer waits its turn for up to this many seconds
# instead of failing a keyer's POST with "database is locked". synchronous stays FULL: an
# acknowledged sheet survives a power cut.
SQLITE_BUSY_SECONDS = 30


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    import sqlite3
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA busy_timeout = " + str(int(SQLITE_BUSY_SECONDS * 1000)))
        try:  # kept in the file: once one connection has set it, it holds for all
            cur.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:  # another process holds the file just now
            pass
    finally:
        cur.close()


def create_app(config: Mapping | type | None = None) -> Flask:
    """Create and configure the application; ``config`` overrides environment settings."""
    os.umask(UMASK)
    app = Flask(__name__, instance_path=os.environ.get("FIELDWORK_INSTANCE")
                or str(Path.cwd() / "instance"), instance_relative_config=True)
    private_dir(app.instance_path)
    app.config.update(from_environment(app.instance_path))
    if config is not None:
        if isinstance(config, type):
            app.config.from_object(config)
        else:
            app.config.update(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = check_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"])
    private_dir(app.config["FIELDWORK_DATA_DIR"])

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from sqlalchemy import event
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    from .security import init_security
    init_security(app)
    bootstrap.init_app(app)
    from .features import translation_directories
    from .i18n import init_i18n
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES",
                          translation_directories(app.root_path))
    init_i18n(app, babel)
    from .auth import init_auth
    init_auth(app, login_manager)

    from . import models  # noqa: F401  (register every table with the metadata)
    from .errors import register_error_handlers
    from .features import blueprints, load_procedure
    from .main import bp as main_bp

    app.register_blueprint(main_bp)
    for bp in blueprints():
        app.register_blueprint(bp)
    register_error_handlers(app)
    load_procedure()
    from .features import load_queues
    from .navigation import init_navigation
    from .queues import init_queues
    load_queues()
    init_navigation(app)
    init_queues(app)

    from .cli import register_cli
    register_cli(app)
    return app
