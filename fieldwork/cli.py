"""The ``fieldwork`` command line: Flask's commands, demo and the feature groups (users: auth)."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.exc import OperationalError, ProgrammingError

from .config import ConfigError, check_database_url
from .resources import RuntimeFileMissing


def _factory() -> Flask:
    from . import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_factory, add_version_option=False,
             load_dotenv=False, set_debug_flag=False)
@click.version_option(package_name="fieldwork", prog_name="fieldwork",
                      message="%(prog)s %(version)s")
def cli():
    """fieldwork: paper-survey fieldwork suite (honours DATABASE_URL, FIELDWORK_DATA_DIR)."""


def main() -> None:
    """Console-script entry point; a bad DATABASE_URL or a file missing from the installation
    is reported without a traceback."""
    url = os.environ.get("DATABASE_URL")
    if url:
        try:
            check_database_url(url)
        except ConfigError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
            sys.exit(2)
    try:
        cli.main(prog_name="fieldwork")
    except RuntimeFileMissing as exc:
        click.secho(f"Error: {exc}", fg="red", err=True)
        sys.exit(1)


def _commit_or_fail(db) -> None:
    try:
        db.session.commit()
    except (OperationalError, ProgrammingError) as exc:
        db.session.rollback()
        raise click.ClickException(
            f"database error ({exc.orig.__class__.__name__}); has `fieldwork db upgrade` run?"
        ) from None


@click.command("demo")
@click.option("--password", default=None,
              help="Use this password for every demo account instead of random ones.")
@with_appcontext
def demo_command(password):
    """Load a realistic demo year (DEMO-2026) with one user of each role."""
    from .demo import DemoExists, load_demo
    from .extensions import db

    try:
        accounts = load_demo(password=password)
    except DemoExists as exc:
        click.echo(str(exc))
        return
    _commit_or_fail(db)
    click.echo("Demo survey DEMO-2026 loaded. Accounts (passwords are shown only now):")
    for email, role, pw in accounts:
        click.echo(f"  {role:<13} {email:<32} {pw}")


def register_cli(app: Flask) -> None:
    """Attach the project's command groups to the app's CLI."""
    from .features import commands

    app.cli.add_command(demo_command)
    for command in commands():
        app.cli.add_command(command)
    bench = click.Group("bench", help="Benchmarks (speed and memory targets; see "
                                      "docs/performance.md).")
    for command in commands("bench_commands"):
        bench.add_command(command)
    app.cli.add_command(bench)
