"""Fixtures: app (migrated database, rolled back per test), client, runner, db, factories.

Run with ``--postgres`` to use a throwaway PostgreSQL cluster instead of SQLite; in that pass
only tests that touch the database run (pure printing and image tests run in the SQLite pass).
"""

from __future__ import annotations

import os
import re

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FsaSession
from sqlalchemy import event

from fieldwork import create_app
from fieldwork.config import TestConfig
from fieldwork.extensions import db as _db

DB_FIXTURES = {"app", "db", "client", "runner", "database_url", "factory"}


def pytest_addoption(parser):
    parser.addoption("--postgres", action="store_true",
                     help="run database tests against a throwaway PostgreSQL server")


def pytest_collection_modifyitems(config, items):
    postgres = config.getoption("--postgres")
    keep, drop = [], []
    for item in items:
        uses_db = bool(DB_FIXTURES & set(getattr(item, "fixturenames", ())))
        if postgres and not uses_db:
            drop.append(item)
        elif not postgres and item.get_closest_marker("postgres_only"):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def pg_cluster(request):
    """The PostgreSQL cluster of the --postgres pass (None in the SQLite pass)."""
    if not request.config.getoption("--postgres"):
        yield None
        return
    from .pg import Cluster
    cluster = Cluster()
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def database_url(pg_cluster, tmp_path_factory):
    """URL of the session's test database."""
    if pg_cluster is not None:
        return pg_cluster.url("fieldwork_test")
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    """One application for the session, its database built by the migrations."""
    instance = tmp_path_factory.mktemp("instance")
    os.environ["FIELDWORK_INSTANCE"] = str(instance)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("SECRET_KEY", None)
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    settings.update(SQLALCHEMY_DATABASE_URI=database_url,
                    FIELDWORK_DATA_DIR=str(tmp_path_factory.mktemp("data")))
    app = create_app(settings)
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
        engine = _db.engine
        engine.dispose()
        if engine.dialect.name == "sqlite":
            # pysqlite's own transaction handling breaks SAVEPOINTs; let SQLAlchemy drive it.
            @event.listens_for(engine, "connect")
            def _connect(dbapi_conn, record):
                dbapi_conn.isolation_level = None

            @event.listens_for(engine, "begin")
            def _begin(conn):
                conn.exec_driver_sql("BEGIN")
    yield app
    with app.app_context():
        _db.engine.dispose()


class _BoundSession(FsaSession):
    """Flask-SQLAlchemy's session ignores ``bind=``; honour it to join the test transaction."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@pytest.fixture()
def app(_app, tmp_path):
    """The app inside one outer transaction that is rolled back after the test."""
    # Each test gets its own data directory, as the database rolls back but files stay.
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _app.config["FIELDWORK_DATA_DIR"] = str(data_dir)
    with _app.app_context():
        connection = _db.engine.connect()
        trans = connection.begin()
        session = _db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint",
             "class_": _BoundSession})
        old = _db.session
        _db.session = session
        try:
            yield _app
        finally:
            session.remove()
            _db.session = old
            trans.rollback()
            connection.close()


@pytest.fixture()
def db(app):
    """The Flask-SQLAlchemy handle, bound to the test's transaction."""
    return _db


class _FreshContextClient(FlaskClient):
    """Each request gets its own app context (own ``g`` and session), as in production."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            resp = super().open(*args, **kwargs)
        # The test's own session must see what the request committed.
        _db.session.expire_all()
        return resp


@pytest.fixture()
def client(app):
    """A test client."""
    app.test_client_class = _FreshContextClient
    return app.test_client()


@pytest.fixture()
def runner(app):
    """A CLI runner bound to the app."""
    return app.test_cli_runner()


@pytest.fixture()
def factory(db):
    """Object factories (users, agencies, surveys)."""
    from .factories import Factory
    return Factory(db)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """Fetch a page and return the CSRF token of its forms."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, email: str, password: str):
    """Sign in through the real login form (with its CSRF token)."""
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token})


# -- a real Redis server (job queue and rate-limit tests) -----------------------------------

def _free_redis_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """URL of a throwaway redis-server (Debian's, no persistence) started for this session."""
    import shutil
    import subprocess
    import time

    from redis import Redis

    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not shutil.which(binary):
        pytest.fail("redis-server is missing: install Debian's redis-server (make test does)")
    folder = tmp_path_factory.mktemp("redis")
    port = _free_redis_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder), "--daemonize", "no",
         "--logfile", str(folder / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    client.close()
    proc.terminate()
    proc.wait(timeout=20)
