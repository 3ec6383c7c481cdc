"""The demo year, loaded once per test run and copied for each test that asks for it.

``fieldwork demo`` takes 15-30 s of CPU; a dozen tests read what it makes. The first worker
that needs it runs the real command into a template instance, holding a lock in the run's
folder; every test then gets its own writable copy: the instance folder (secret key, data
key, data files) and the database (an SQLite file copy, or ``CREATE DATABASE ... TEMPLATE`` on
the pass's PostgreSQL cluster). A failed load is written down, so the other workers fail at
once with the same message. Two templates:

- ``demo`` (fixture ``demo_year``): in-process under the test configuration (240 bulk sheets),
  what most tests need;
- ``full`` (fixture ``demo_year_full``, and the browser tests' server): ``fieldwork db upgrade``
  then ``fieldwork demo`` as a user runs them (separate processes, production configuration,
  the default 3,000 sheets), each step's exit code and output kept in ``.steps``.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .isolation import claim, run_dir, worker

PASSWORD = "demo-Password-2026"  # every demo account's, in both templates
# Settings of the calling environment that must not leak into a demo instance.
FOREIGN = ("DATABASE_URL", "SECRET_KEY", "FIELDWORK_DATA_DIR", "FIELDWORK_DATA_KEY",
           "FORMS_MAC_KEY", "FLASK_APP", "FLASK_DEBUG", "FIELDWORK_ENV", "REDIS_URL",
           "FIELDWORK_JOBS", "FIELDWORK_DEMO_SHEETS", "SESSION_COOKIE_SECURE", "SECURITY_HSTS")


@dataclass(frozen=True)
class DemoTemplate:
    """The loaded demo: its instance folder, its database and what ``fieldwork demo`` said."""

    root: Path  # instance folder: secret_key, data_key, data/ (and fieldwork.db on SQLite)
    url: str  # the template database
    pg_name: str | None  # its name on the pass's cluster (PostgreSQL pass)
    output: str  # what the command printed (the accounts and their passwords)
    password: str = PASSWORD
    steps: dict = field(default_factory=dict)  # full: {step: {returncode, stdout, stderr}}


def cli_env(root: Path, url: str | None = None) -> dict:
    """The environment of a ``fieldwork`` process on instance folder ``root``."""
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN}
    env.update(FIELDWORK_INSTANCE=str(root), LOGIN_RATE_LIMIT="off", PYTHONWARNINGS="ignore",
               PYTHONUNBUFFERED="1")
    if url is not None:
        env["DATABASE_URL"] = url
    return env


def cli(env: dict, *args: str, cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run ``fieldwork ARGS`` in its own process, as a user would."""
    return subprocess.run([sys.executable, "-c", "from fieldwork.cli import main; main()",
                           *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False)


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


def _load(pg_cluster, root: Path) -> DemoTemplate:
    from flask_migrate import upgrade

    from fieldwork.extensions import db

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


def _load_full(pg_cluster, root: Path) -> DemoTemplate:
    claim("instance", root)
    url, pg_name = "sqlite:///" + str(root / "fieldwork.db"), None
    env = cli_env(root)
    if pg_cluster is not None:
        url = env["DATABASE_URL"] = pg_cluster.create_database("demo_full")
        pg_name = url.rsplit("/", 1)[1]
    steps = {}
    for step, args in (("upgrade", ("db", "upgrade")), ("demo", ("demo", "--password",
                                                                   PASSWORD))):
        done = cli(env, *args, cwd=root)
        steps[step] = {"returncode": done.returncode, "stdout": done.stdout,
                       "stderr": done.stderr}
        if done.returncode:
            raise RuntimeError(f"fieldwork {' '.join(args)} failed ({done.returncode}):\n"
                               f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return DemoTemplate(root, url, pg_name, steps["demo"]["stdout"], steps=steps)


LOADERS = {"demo": _load, "full": _load_full}


def template(pg_cluster, kind: str = "demo") -> DemoTemplate:
    """The run's demo template of ``kind``, loaded by whichever worker asks first."""
    folder = run_dir()
    info, failed = folder / f"{kind}-template.json", folder / f"{kind}-template.failed"
    with open(folder / f"{kind}-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if failed.exists():
            raise RuntimeError(f"the {kind} demo template failed to load in another worker:\n"
                               + failed.read_text())
        if not info.exists():
            root = folder / f"{kind}-template"
            root.mkdir()
            try:
                made = LOADERS[kind](pg_cluster, root)
            except Exception as exc:
                failed.write_text(f"{worker()}: {exc}")
                raise
            info.write_text(json.dumps({"root": str(made.root), "url": made.url,
                                        "pg_name": made.pg_name, "output": made.output,
                                        "steps": made.steps}))
        data = json.loads(info.read_text())
    return DemoTemplate(Path(data["root"]), data["url"], data["pg_name"], data["output"],
                        steps=data["steps"])


def copy(tpl: DemoTemplate, dest: Path, pg_cluster, name: str) -> str:
    """Copy the template's instance folder to ``dest`` and its database; return the URL."""
    claim("instance", dest)
    shutil.copytree(tpl.root, dest, ignore=shutil.ignore_patterns("fieldwork.db*"))
    if tpl.pg_name is None:
        for f in tpl.root.glob("fieldwork.db*"):
            shutil.copy2(f, dest / f.name)
        return "sqlite:///" + str(dest / "fieldwork.db")
    return pg_cluster.create_database(name, template=tpl.pg_name)
