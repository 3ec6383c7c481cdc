"""The ``fieldwork`` command line: Flask's commands plus users, demo and the feature groups."""

from __future__ import annotations

import os
import secrets
import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from .config import ConfigError, check_database_url
from .errors import OperationError


def _factory() -> Flask:
    from . import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_factory, add_version_option=False,
             load_dotenv=False, set_debug_flag=False)
def cli():
    """fieldwork: paper-survey fieldwork suite (honours DATABASE_URL, FIELDWORK_DATA_DIR)."""


def main() -> None:
    """Console-script entry point; a bad DATABASE_URL is reported without a traceback."""
    url = os.environ.get("DATABASE_URL")
    if url:
        try:
            check_database_url(url)
        except ConfigError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
            sys.exit(2)
    cli.main(prog_name="fieldwork")


def _commit_or_fail(db) -> None:
    try:
        db.session.commit()
    except (OperationalError, ProgrammingError) as exc:
        db.session.rollback()
        raise click.ClickException(
            f"database error ({exc.orig.__class__.__name__}); has `fieldwork db upgrade` run?"
        ) from None


users = click.Group("users", help="Manage user accounts.")


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, required=True,
              help="Role name; repeat for several (manager, enumerator, scanner, home_affairs, "
                   "agency, recheck, public).")
@click.option("--agency", default=None, help="Agency name (required for agency reviewers).")
@click.option("--password", default=None,
              help="Initial password; if omitted a random one is generated and printed once.")
@with_appcontext
def users_create(email, name, roles, agency, password):
    """Create a user account."""
    from .auth.operations import create_user
    from .directory.models import Agency
    from .extensions import db

    agency_id = None
    if agency:
        row = db.session.scalar(select(Agency).where(Agency.name == agency))
        if row is None:
            raise click.ClickException(f"unknown agency '{agency}'")
        agency_id = row.id
    generated = password is None
    password = password or secrets.token_urlsafe(12) + "7a"
    try:
        user = create_user({"email": email, "name": name, "password": password,
                            "roles": list(roles), "agency_id": agency_id}, "cli")
    except OperationError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    _commit_or_fail(db)
    click.echo(f"created {user.email} ({', '.join(sorted(user.role_names))})")
    if generated:
        click.echo(f"password: {password}")


@users.command("list")
@with_appcontext
def users_list():
    """List user accounts with their roles."""
    from .auth.models import User
    from .extensions import db

    try:
        rows = db.session.scalars(select(User).order_by(User.email)).all()
    except (OperationalError, ProgrammingError):
        raise click.ClickException("cannot read users; has `fieldwork db upgrade` run?") from None
    for u in rows:
        state = "active" if u.active else "disabled"
        agency = f" [{u.agency.name}]" if u.agency else ""
        click.echo(f"{u.email}\t{u.name}\t{','.join(sorted(u.role_names))}\t{state}{agency}")
    click.echo(f"{len(rows)} user(s)")


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

    app.cli.add_command(users)
    app.cli.add_command(demo_command)
    for command in commands():
        app.cli.add_command(command)
    bench = click.Group("bench", help="Benchmarks (speed and memory targets; see "
                                      "docs/performance.md).")
    for command in commands("bench_commands"):
        bench.add_command(command)
    app.cli.add_command(bench)
