"""The demo year, loaded once per test run and copied for each test that asks for it.

``fieldwork demo`` takes ~25 s of CPU; a dozen tests read what it makes. The first worker that
needs it runs the real command (in-process, the test configuration: 240 bulk sheets) into a
template instance, holding a lock in the run's folder; every ``demo_year`` test then gets its
own writable copy: the instance folder (secret key, data key, data files) and the database
(an SQLite file copy, or ``CREATE DATABASE ... TEMPLATE`` on the pass's PostgreSQL cluster).
A failed load is written down, so the other workers fail at once with the same message.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .isolation import claim, run_dir, worker

PASSWORD = "x-pass-2026"


@dataclass(frozen=True)
class DemoTemplate:
    """The loaded demo: its instance folder, its database and what ``fieldwork demo`` said."""

    root: Path  # instance folder: secret_key, data_key, data/ (and fieldwork.db on SQLite)
    url: str  # the template database
    pg_name: str | None  # its name on the pass's cluster (PostgreSQL pass)
    output: str  # what the command printed (the accounts and their passwords)
    password: str = PASSWORD


@contextmanager
def environ(**values):
    """Set environment variables for the block (``None`` removes one)."""
    saved = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def make_app(root: Path, url: str):
    """An app on instance folder ``root`` and database ``url`` (the test configuration)."""
    from fieldwork import create_app
    from fieldwork.config import TestConfig

    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    settings.update(SQLALCHEMY_DATABASE_URI=url, FIELDWORK_DATA_DIR=str(root / "data"))
    with environ(FIELDWORK_INSTANCE=str(root), DATABASE_URL=None, SECRET_KEY=None,
                 FIELDWORK_DATA_KEY=None):
        return create_app(settings)


def _load(pg_cluster) -> DemoTemplate:
    from flask_migrate import upgrade

    from fieldwork.extensions import db

    root = run_dir() / "demo-template"
    root.mkdir()
    claim("instance", root)
    pg_name = None
    if pg_cluster is not None:
        url = pg_cluster.create_database("demo_template")
        pg_name = url.rsplit("/", 1)[1]
    else:
        url = "sqlite:///" + str(root / "fieldwork.db")
    app = make_app(root, url)
    with app.app_context():
        upgrade()
        res = app.test_cli_runner().invoke(args=["demo", "--password", PASSWORD])
        db.session.remove()
        db.engine.dispose()
    if res.exit_code != 0:
        raise RuntimeError(f"fieldwork demo failed ({res.exit_code}):\n{res.output}"
                           + (f"\n{res.exception!r}" if res.exception else ""))
    return DemoTemplate(root, url, pg_name, res.output)


def template(pg_cluster) -> DemoTemplate:
    """The run's demo template, loaded by whichever worker asks first."""
    folder = run_dir()
    info, failed = folder / "demo-template.json", folder / "demo-template.failed"
    with open(folder / "demo-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if failed.exists():
            raise RuntimeError("the demo template failed to load in another worker:\n"
                               + failed.read_text())
        if not info.exists():
            try:
                made = _load(pg_cluster)
            except Exception as exc:
                failed.write_text(f"{worker()}: {exc}")
                raise
            info.write_text(json.dumps({"root": str(made.root), "url": made.url,
                                        "pg_name": made.pg_name, "output": made.output}))
        data = json.loads(info.read_text())
    return DemoTemplate(Path(data["root"]), data["url"], data["pg_name"], data["output"])


def copy(tpl: DemoTemplate, dest: Path, pg_cluster, name: str) -> str:
    """Copy the template's instance folder to ``dest`` and its database; return the URL."""
    shutil.copytree(tpl.root, dest, ignore=shutil.ignore_patterns("fieldwork.db*"))
    claim("instance", dest)
    if tpl.pg_name is None:
        for f in tpl.root.glob("fieldwork.db*"):
            shutil.copy2(f, dest / f.name)
        return "sqlite:///" + str(dest / "fieldwork.db")
    return pg_cluster.create_database(name, template=tpl.pg_name)
