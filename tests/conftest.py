"""Fixtures: app (migrated database, rolled back per test), client, runner, db, factories.

Run with ``--postgres`` to use a throwaway PostgreSQL cluster instead of SQLite; in that pass
only tests that touch the database run (pure printing and image tests run in the SQLite pass).

The suite runs on several pytest-xdist workers (``make test``: ``-n auto``); tests marked
``xdist_group`` (the browser tests, which share one loaded instance) stay on one worker.
Each worker has its own SQLite file or PostgreSQL database, instance and data folders, Redis
server and ports, claimed in the run's claim book (``tests/isolation.py``).
"""

from __future__ import annotations

import itertools
import os
import re
import shutil

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FsaSession
from sqlalchemy import event

from fieldwork import create_app
from fieldwork.config import TestConfig
from fieldwork.extensions import db as _db

from . import isolation
from .isolation import claim, free_port

DB_FIXTURES = {"app", "db", "client", "runner", "database_url", "factory", "demo_year",
               "demo_year_full"}


def pytest_addoption(parser):
    parser.addoption("--postgres", action="store_true",
                     help="run database tests against a throwaway PostgreSQL server")


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the controller, or the only process
        run = isolation.start_run()
        config.add_cleanup(lambda: shutil.rmtree(run, ignore_errors=True))
        _compile_stale_catalogues()


def _compile_stale_catalogues() -> None:
    """Compile each .po newer than its .mo, as ``make`` does (the editable install compiled
    them once; a rebase brings new strings): the tests see the Vietnamese of the tree."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[1]
    for po in root.glob("fieldwork/**/translations/*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with open(po, "rb") as fh:
            catalog = read_po(fh)
        tmp = mo.with_name(f".{mo.name}.{os.getpid()}")
        with open(tmp, "wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        tmp.replace(mo)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist, in the controller: start the pass's one PostgreSQL cluster, tell each worker."""
    config = node.config
    if config.getoption("--postgres"):
        node.workerinput["fieldwork_pg"] = _controller_cluster(config)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``-n N`` (``--dist load``, the default) and ``--dist loadgroup`` keep each
    ``xdist_group`` on one worker (tests/scheduling.py); other modes are xdist's own."""
    if config.getvalue("dist") in ("load", "loadgroup"):
        from .scheduling import GroupScheduling
        return GroupScheduling(config, log)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session):
    """Worker: tell the controller the groups, before xdist reports the collection."""
    if hasattr(session.config, "workerinput"):
        from .scheduling import record_groups
        record_groups(session.items)


def _controller_cluster(config) -> dict:
    from .pg import Cluster, describe
    info = getattr(config, "_fieldwork_pg", None)
    if info is None:
        cluster = Cluster()
        claim("port", cluster.port)
        cluster.start()
        config.add_cleanup(cluster.stop)
        info = config._fieldwork_pg = describe(cluster)
    return info


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
    """The pass's PostgreSQL cluster as this worker sees it (None in the SQLite pass):
    ``create_database(name)`` makes this worker's own ``<name>_<worker>``."""
    if not request.config.getoption("--postgres"):
        return None
    from .pg import WorkerCluster
    info = getattr(request.config, "workerinput", {}).get("fieldwork_pg")
    return WorkerCluster(info or _controller_cluster(request.config))


@pytest.fixture(scope="session")
def database_url(pg_cluster, tmp_path_factory):
    """URL of this worker's test database."""
    if pg_cluster is not None:
        return pg_cluster.create_database("fieldwork_test")
    return "sqlite:///" + str(claim("sqlite", tmp_path_factory.mktemp("db") / "test.db"))


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    """One application for the session, its database built by the migrations."""
    instance = claim("instance", tmp_path_factory.mktemp("instance"))
    os.environ["FIELDWORK_INSTANCE"] = str(instance)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("SECRET_KEY", None)
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    settings.update(SQLALCHEMY_DATABASE_URI=database_url,
                    FIELDWORK_DATA_DIR=str(claim("data", tmp_path_factory.mktemp("data"))))
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
def app(_app, tmp_path, request):
    """The app inside one outer transaction that is rolled back after the test; for a test
    that asks for ``demo_year`` (or ``demo_year_full``), an app on its own copy of the loaded
    demo instead."""
    for wanted, template in (("demo_year", "demo_template"),
                             ("demo_year_full", "demo_template_full")):
        if wanted in request.fixturenames:
            yield from _demo_copy_app(tmp_path, request, template)
            return
    # Each test gets its own data directory, as the database rolls back but files stay.
    data_dir = claim("data", tmp_path / "data")
    data_dir.mkdir()
    _app.config["FIELDWORK_DATA_DIR"] = str(data_dir)
    # The database rolls back, so survey ids and data revisions repeat between tests:
    # summaries cached by an earlier test must not answer for this one.
    from fieldwork.stats.cache import SUMMARIES
    from fieldwork.stats.dataset import RECENT_ROWS
    SUMMARIES.clear()
    RECENT_ROWS.clear()
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


_demo_copies = itertools.count(1)


def _demo_copy_app(tmp_path, request, template: str):
    from . import demo_year
    pg_cluster = request.getfixturevalue("pg_cluster")
    tpl = request.getfixturevalue(template)
    url = demo_year.copy(tpl, tmp_path / "demo", pg_cluster, f"demo_{next(_demo_copies)}")
    app = demo_year.make_app(tmp_path / "demo", url)
    claim("data", app.config["FIELDWORK_DATA_DIR"])
    try:
        with app.app_context():
            try:
                yield app
            finally:
                _db.session.remove()
                _db.engine.dispose()
    finally:
        if pg_cluster is not None:
            pg_cluster.drop_database(url)


@pytest.fixture(scope="session")
def demo_template(pg_cluster):
    """The run's loaded demo (tests/demo_year.py); read only: copy it (``demo_year.copy``)."""
    from . import demo_year
    return demo_year.template(pg_cluster)


@pytest.fixture(scope="session")
def demo_template_full(pg_cluster):
    """The run's demo at the default size, made by ``fieldwork db upgrade`` and ``fieldwork
    demo`` in their own processes (tests/demo_year.py); read only: copy it."""
    from . import demo_year
    return demo_year.template(pg_cluster, "full")


@pytest.fixture()
def demo_year_full(app, demo_template_full):
    """Like ``demo_year``, the default size as a user's ``fieldwork demo`` makes it;
    ``.steps`` holds each command's exit code and output."""
    return demo_template_full


@pytest.fixture()
def demo_year(app, demo_template):
    """DEMO-2026 and DEMO-2025 as ``fieldwork demo`` leaves them (password ``.password``,
    the command's output ``.output``), in this test's own copy: ``app``, ``db``, ``runner``
    and ``client`` work on it. Loaded once per run (tests/demo_year.py)."""
    return demo_template


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


@pytest.fixture(scope="session", autouse=True)
def _servers_on_claimed_ports():
    """Servers the load bench and crash tests start take their ports from the claim book."""
    from fieldwork.deploy import loadbench
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(loadbench, "free_port", free_port)
        yield


# -- a real Redis server (job queue and rate-limit tests) -----------------------------------

@pytest.fixture(scope="session")
def _redis_server(tmp_path_factory):
    """URL of this worker's throwaway redis-server (Debian's, no persistence)."""
    import subprocess
    import time

    from redis import Redis

    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not shutil.which(binary):
        pytest.fail("redis-server is missing: install Debian's redis-server (make test does)")
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
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
    yield claim("redis", f"redis://127.0.0.1:{port}/0")
    client.close()
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture
def redis_url(_redis_server):
    """This worker's Redis, emptied before each test: no queue, registry or counter left over
    from an earlier test (a killed worker's started jobs, another instance's job ids)."""
    from redis import Redis

    client = Redis.from_url(_redis_server)
    client.flushdb()
    client.close()
    return _redis_server
