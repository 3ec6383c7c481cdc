"""The fieldwork CLI: users, demo, database upgrade on an empty database, bad DATABASE_URL."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import create_engine, inspect, select

from fieldwork.auth.models import User
from fieldwork.directory.models import Agency, Field
from fieldwork.plans.models import Survey


def test_users_create_and_list(runner, db):
    res = runner.invoke(args=["users", "create", "--email", "Mai@Test.vn", "--name",
                              "Lê Thị Mai", "--role", "scanner", "--role", "enumerator"])
    assert res.exit_code == 0, res.output
    assert "password:" in res.output
    user = db.session.scalar(select(User).where(User.email == "mai@test.vn"))
    assert user.role_names == {"scanner", "enumerator"}
    res = runner.invoke(args=["users", "list"])
    assert "mai@test.vn" in res.output and "enumerator,scanner" in res.output


def test_users_create_bad_input(runner, db):
    res = runner.invoke(args=["users", "create", "--email", "x@test.vn", "--name", "X",
                              "--role", "wizard"])
    assert res.exit_code != 0 and "Vai trò không tồn tại" in res.output
    res = runner.invoke(args=["users", "create", "--email", "not-an-email", "--name", "X",
                              "--role", "manager"])
    assert res.exit_code != 0 and "không phải là địa chỉ e-mail hợp lệ" in res.output
    res = runner.invoke(args=["users", "create", "--email", "r@test.vn", "--name", "X",
                              "--role", "agency"])
    assert res.exit_code != 0
    assert db.session.scalar(select(User).where(User.email.in_(
        ["x@test.vn", "not-an-email", "r@test.vn"]))) is None


def test_demo_loads_a_realistic_year(demo_year, runner, db):
    survey = db.session.scalar(select(Survey).where(Survey.code == "DEMO-2026"))
    assert len(survey.scope) >= 12
    kinds = {a.kind.value for a in db.session.scalars(select(Agency))}
    assert {"department", "ward", "commune", "special_zone"} <= kinds
    assert len(db.session.scalars(select(Field)).all()) >= 8
    roles = set().union(*(u.role_names for u in db.session.scalars(select(User))))
    assert roles == {"manager", "enumerator", "scanner", "home_affairs", "agency", "recheck",
                     "public"}
    assert demo_year.output.count("@demo.vn") >= 7 and demo_year.password in demo_year.output
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already loaded" in again.output


def _cli(env_extra: dict, *args: str, cwd) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-c", "from fieldwork.cli import main; main()",
                           *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_upgrade_on_empty_database_then_demo(demo_year_full, app, tmp_path):
    """`fieldwork db upgrade` builds the schema from nothing, then `fieldwork demo` loads the
    year (SQLite, or PG in that pass): the run's full demo is made exactly so, in separate
    processes (tests/demo_year.py); its copy is then listed and downgraded to nothing."""
    steps = demo_year_full.steps
    assert steps["upgrade"]["returncode"] == 0, steps["upgrade"]["stderr"]
    assert steps["demo"]["returncode"] == 0, steps["demo"]["stderr"]
    assert "quanly@demo.vn" in demo_year_full.output
    assert (demo_year_full.root / "secret_key").stat().st_mode & 0o077 == 0
    url = app.config["SQLALCHEMY_DATABASE_URI"]  # this test's copy
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"users", "roles", "agencies", "fields", "surveys", "audit_events",
            "alembic_version"} <= tables
    env = {"DATABASE_URL": url, "FIELDWORK_INSTANCE": app.instance_path,
           "FIELDWORK_DATA_DIR": str(tmp_path / "data")}
    res = _cli(env, "users", "list", cwd=tmp_path)
    assert "quanly@demo.vn" in res.stdout
    assert (tmp_path / "data").is_dir()
    res = _cli(env, "db", "downgrade", "base", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_malformed_database_url_is_a_clear_error(tmp_path):
    res = _cli({"DATABASE_URL": "not a url::", "FIELDWORK_INSTANCE": str(tmp_path)},
               "users", "list", cwd=tmp_path)
    assert res.returncode == 2
    assert "DATABASE_URL is malformed" in res.stderr and "Traceback" not in res.stderr
    res = _cli({"DATABASE_URL": "mysql://u@h/db", "FIELDWORK_INSTANCE": str(tmp_path)},
               "users", "list", cwd=tmp_path)
    assert res.returncode == 2 and "does not support" in res.stderr


def test_users_list_before_upgrade_is_clear(tmp_path):
    env = {"DATABASE_URL": "sqlite:///" + str(tmp_path / "none.db"),
           "FIELDWORK_INSTANCE": str(tmp_path / "inst")}
    res = _cli(env, "users", "list", cwd=tmp_path)
    assert res.returncode == 1 and "fieldwork db upgrade" in res.stderr
    assert "Traceback" not in res.stderr
