"""Database dumps for backups: SQLite through its backup API, PostgreSQL through pg_dump.

Both give the dump file, the Alembic revision and the row count of every table, all read
from one consistent state of the database (the SQLite copy itself; for PostgreSQL a
snapshot exported from a repeatable-read transaction that pg_dump then uses).
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, column, create_engine, func, inspect, select, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

# Rows that every migrated database has (written by the migrations themselves; privacy_keys:
# the blind-index key, wrapped by that instance's data key).
SEED_TABLES = frozenset({"alembic_version", "roles", "privacy_keys"})
# libpq settings that may sit in the URL's query string, passed on as environment.
QUERY_ENV = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
             "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT"}


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why and what to do."""


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL (an in-memory database cannot be backed up)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("the database is in memory; there is nothing to back up or restore")
    return Path(database).resolve()


def table_counts(conn) -> tuple[str | None, dict[str, int]]:
    """Alembic revision and row counts through a SQLAlchemy connection (either kind)."""
    names = sorted(inspect(conn).get_table_names())
    counts = {n: conn.execute(select(func.count()).select_from(table(n))).scalar_one()
              for n in names}
    revision = None
    if "alembic_version" in counts:
        revision = conn.execute(select(column("version_num")).select_from(
            table("alembic_version"))).scalar()
    return revision, counts


def sqlite_facts(path: Path) -> tuple[str | None, dict[str, int]]:
    """Alembic revision and row counts of a SQLite file, opened read-only."""
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return table_counts(conn)
    finally:
        engine.dispose()


def sqlite_dump(url: str, dest: Path) -> tuple[str | None, dict[str, int]]:
    """Copy a live SQLite database page by page (the backup API, not a file copy)."""
    path = sqlite_path(url)
    if not path.exists():
        raise BackupError(f"the database file {path} does not exist")
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
        # A self-contained file: no write-ahead log beside it.
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
        src.close()
    return sqlite_facts(dest)


def sqlite_check(path: Path) -> None:
    """Refuse a database file that SQLite itself finds damaged."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the database in the archive is not readable: {exc}") from None
    finally:
        conn.close()
    if result != "ok":
        raise BackupError(f"the database in the archive is damaged: {result}")


def sqlite_load(src: Path, url: str) -> None:
    """Replace the target SQLite database with ``src`` (the backup API, under its lock)."""
    path = sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def pg_bindir(configured: str | None = None) -> Path | None:
    """Where pg_dump and pg_restore are: the given folder, the newest Debian one, or PATH."""
    if configured:
        return Path(configured)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_dump")
    return Path(on_path).parent if on_path else None


def pg_tool(name: str, bindir: str | None) -> str:
    """Full path of a PostgreSQL client program, or a clear error if it is missing."""
    folder = pg_bindir(bindir)
    tool = folder / name if folder else None
    if tool is None or not tool.exists():
        raise BackupError(f"{name} not found; install the PostgreSQL client (Debian: "
                          "postgresql-client) or pass --pg-bin DIR")
    return str(tool)


def pg_connection(url: str) -> tuple[list[str], dict[str, str]]:
    """Command-line arguments and environment for libpq tools from a database URL.

    The password goes into PGPASSWORD, never onto the command line where ``ps`` shows it.
    """
    u = make_url(url)
    args: list[str] = []
    host = u.query.get("host") or u.host
    if host:
        args += ["--host", str(host)]
    if u.port:
        args += ["--port", str(u.port)]
    if u.username:
        args += ["--username", u.username]
    args.append(f"--dbname={u.database}")
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    for key, var in QUERY_ENV.items():
        if isinstance(u.query.get(key), str):
            env[var] = u.query[key]
    return args, env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise BackupError(f"{what} failed (exit {done.returncode}): " + " | ".join(detail))


def pg_dump(engine: Engine, dest: Path, bindir: str | None) -> tuple[str | None, dict]:
    """pg_dump --format=custom of the app's database, counted in the same snapshot."""
    tool = pg_tool("pg_dump", bindir)
    args, env = pg_connection(engine.url.render_as_string(hide_password=False))
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        revision, counts = table_counts(conn)
        _run([tool, "--format=custom", f"--snapshot={snapshot}", f"--file={dest}", *args],
             env, "pg_dump")
        conn.rollback()
    return revision, counts


def pg_clear(engine: Engine) -> None:
    """Drop the tables, sequences and enum types of the target schema (restore replaces them)."""
    with engine.begin() as conn:
        quote = conn.dialect.identifier_preparer.quote
        tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = "
                                   "current_schema()")).scalars().all()
        if tables:
            conn.execute(text("DROP TABLE IF EXISTS " + ", ".join(map(quote, tables))
                              + " CASCADE"))
        seqs = conn.execute(text("SELECT sequence_name FROM information_schema.sequences "
                                 "WHERE sequence_schema = current_schema()")).scalars().all()
        if seqs:
            conn.execute(text("DROP SEQUENCE IF EXISTS " + ", ".join(map(quote, seqs))
                              + " CASCADE"))
        types = conn.execute(text(
            "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "WHERE n.nspname = current_schema() AND t.typtype = 'e'")).scalars().all()
        if types:
            conn.execute(text("DROP TYPE IF EXISTS " + ", ".join(map(quote, types))
                              + " CASCADE"))


def pg_load(engine: Engine, src: Path, bindir: str | None) -> None:
    """Replace the target PostgreSQL database's objects with the dump (one transaction)."""
    tool = pg_tool("pg_restore", bindir)
    args, env = pg_connection(engine.url.render_as_string(hide_password=False))
    engine.dispose()
    pg_clear(engine)
    engine.dispose()
    _run([tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", *args, str(src)], env, "pg_restore")


def facts(engine: Engine) -> tuple[str | None, dict[str, int]]:
    """Alembic revision and row counts of the app's database, whichever kind it is."""
    if engine.dialect.name == "sqlite":
        path = sqlite_path(engine.url.render_as_string(hide_password=False))
        return sqlite_facts(path) if path.exists() else (None, {})
    with engine.connect() as conn:
        return table_counts(conn)


def holds_data(counts: dict[str, int]) -> list[str]:
    """Tables with rows beyond what the migrations themselves write."""
    return sorted(n for n, c in counts.items() if c and n not in SEED_TABLES)
