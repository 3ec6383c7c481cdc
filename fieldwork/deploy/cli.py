"""``fieldwork serve``, ``fieldwork backup`` and ``fieldwork restore`` (docs/deploy.md)."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError

PG_BIN = click.option("--pg-bin", envvar="FIELDWORK_PG_BIN", default=None, metavar="DIR",
                      help="Folder of pg_dump/pg_restore (default: newest "
                           "/usr/lib/postgresql/*/bin, else PATH).")


@click.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True,
              help="Address to listen on (HOST:PORT or unix:/path).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default 2 x cores + 1, at most 8).")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Threads per worker.")
@click.option("--timeout", type=click.IntRange(5, 3600), default=120, show_default=True,
              help="Seconds before a silent worker is restarted.")
@click.option("--forwarded-allow-ips", envvar="FORWARDED_ALLOW_IPS", default="127.0.0.1,::1",
              show_default=True, help="Proxies whose X-Forwarded-* headers are trusted.")
@click.option("--allow-sqlite", is_flag=True, help="Serve from SQLite (a one-machine trial).")
@with_appcontext
def serve_command(bind, workers, threads, timeout, forwarded_allow_ips, allow_sqlite):
    """Serve the app with gunicorn (production; put nginx in front for TLS)."""
    from ..extensions import db
    from .serve import default_workers, exposed, exposure_fix, gunicorn_options, refusals, run

    problems = refusals(current_app.config.get("SECRET_KEY"),
                        current_app.config["SQLALCHEMY_DATABASE_URI"], allow_sqlite)
    if problems:
        for p in problems:
            click.secho(f"Error: {p}", fg="red", err=True)
        raise SystemExit(2)
    if current_app.config.get("FIELDWORK_ENV") != "production":
        click.secho("Warning: FIELDWORK_ENV is not 'production': cookies are not marked "
                    "Secure and HSTS is off (set FIELDWORK_ENV=production behind HTTPS).",
                    fg="yellow", err=True)
    cfg = current_app.config
    private = [current_app.instance_path, cfg["FIELDWORK_DATA_DIR"]]
    private += [str(Path(current_app.instance_path) / n) for n in ("secret_key", "data_key")]
    if db.engine.dialect.name == "sqlite" and db.engine.url.database:
        private.append(db.engine.url.database)
    loose = exposed(private)
    if loose:
        click.secho("Warning: readable by other local users: " + ", ".join(loose) + ". Fix: "
                    + exposure_fix(current_app.instance_path, cfg["FIELDWORK_DATA_DIR"]),
                    fg="yellow", err=True)
    # Workers build their own app and connections; the master keeps none open.
    db.engine.dispose()
    run(gunicorn_options(bind, workers or default_workers(), threads, timeout,
                         forwarded_allow_ips))


@click.command("backup")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Archive to write (FILE.tar.gz); written whole or not at all.")
@PG_BIN
@with_appcontext
def backup_command(out, pg_bin):
    """Back up the database and the data directory into one checked archive."""
    from ..audit.operations import record
    from ..extensions import db
    from .backup import create_backup, sha256_file
    from .dbdump import BackupError

    started = time.monotonic()
    try:
        manifest = create_backup(out, db.engine, Path(current_app.config["FIELDWORK_DATA_DIR"]),
                                 pg_bin)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    except OperationalError as exc:
        raise click.ClickException(f"cannot use the database: {exc.orig}") from None
    size = out.stat().st_size
    record("cli", "deploy.backup", object_type="backup", object_id=out.name,
           after={"file": str(out.resolve()), "bytes": size, "sha256": sha256_file(out),
                  "revision": manifest["alembic_revision"], "database": manifest["database"],
                  "files": len(manifest["files"]), "rows": sum(manifest["row_counts"].values())})
    db.session.commit()
    click.echo(f"backup written to {out} ({size / 1e6:.1f} MB, {len(manifest['files']) - 1} "
               f"data file(s), {sum(manifest['row_counts'].values())} rows, "
               f"{manifest['database']} at revision {manifest['alembic_revision']}) in "
               f"{time.monotonic() - started:.1f} s")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace a database or data directory that already holds data.")
@PG_BIN
@with_appcontext
def restore_command(archive, force, pg_bin):
    """Restore a `fieldwork backup` archive into this instance (checked first)."""
    from flask_migrate import upgrade

    from ..audit.operations import record
    from ..extensions import db
    from .dbdump import BackupError
    from .restore import restore_backup

    db.session.remove()
    try:
        result = restore_backup(archive, db.engine, Path(current_app.config["FIELDWORK_DATA_DIR"]),
                                force=force, pg_bin=pg_bin, upgrade=upgrade)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    except OperationalError as exc:
        raise click.ClickException(f"cannot use the database: {exc.orig}") from None
    record("cli", "deploy.restore", object_type="backup", object_id=archive.name,
           after={"file": str(archive.resolve()), "created_at": result["created_at"],
                  "app_version": result["app_version"], "revision": result["alembic_revision"],
                  "migrated_to": result["migrated_to"], "force": force})
    db.session.commit()
    click.echo(f"restored {archive} (made {result['created_at']} by fieldwork "
               f"{result['app_version']}): {sum(result['row_counts'].values())} rows, "
               f"{result['files_restored']} data file(s)")
    if result["migrated_to"]:
        click.echo(f"database migrated from {result['alembic_revision']} to "
                   f"{result['migrated_to']}")
    click.echo("Keys are not in the archive: install the data key (instance/data_key or "
               "FIELDWORK_DATA_KEY) this backup was made with, or phone numbers and citizen IDs "
               "stay unreadable; and the old SECRET_KEY (instance/secret_key) or FORMS_MAC_KEY, "
               "or forms printed before cannot be scanned (docs/deploy.md).")


commands = [serve_command, backup_command, restore_command]


@click.command("load")
@click.option("--keyers", type=click.IntRange(1, 500), default=50, show_default=True,
              help="Enumerators keying at once (one HTTP session each).")
@click.option("--sheets-per-keyer", "sheets", type=click.IntRange(1, 1000), default=20,
              show_default=True, help="Sheets each enumerator keys.")
@click.option("--scan-pages", type=click.IntRange(0, 2000), default=20, show_default=True,
              help="Filled scan pages uploaded as one batch meanwhile (0: none).")
@click.option("--database", type=click.Choice(["postgres", "sqlite"]), default="postgres",
              show_default=True, help="A throwaway PostgreSQL cluster, or SQLite.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Server workers (default as `fieldwork serve`).")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Threads per server worker.")
@click.option("--think", type=click.FloatRange(0, 600), default=0.0, show_default=True,
              help="Seconds a keyer types each sheet (0: send pages back to back).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def bench_load(keyers, sheets, scan_pages, database, workers, threads, think, as_json):
    """Keyers and a scan batch at once against `fieldwork serve` on loopback; nothing lost."""
    import json

    from .loadbench import run, table

    echo = None if as_json else (lambda text: click.echo(text, err=True))
    result = run(keyers, sheets, scan_pages, database, workers, threads, think,
                 echo=echo)
    click.echo(json.dumps(result, indent=1) if as_json else table(result))
    if not result["ok"]:
        raise SystemExit(1)


bench_commands = [bench_load]
