"""``fieldwork users create|list|set-password|edit|sign-out``: accounts from the command line.

For the operator of an instance: e.g. the demo's passwords, printed once, are forgotten;
``fieldwork users set-password EMAIL`` gives a new one (no need to delete ``instance/``).
"""

from __future__ import annotations

import secrets

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from ..errors import OperationError

users = click.Group("users", help="Manage user accounts.")


def _commit_or_fail(db) -> None:
    from ..cli import _commit_or_fail as commit
    commit(db)


def _agency_id(db, name: str | None) -> int | None:
    from ..directory.models import Agency

    if not name:
        return None
    row = db.session.scalar(select(Agency).where(Agency.name == name))
    if row is None:
        raise click.ClickException(f"unknown agency '{name}'")
    return row.id


def _user(db, email: str):
    from .operations import find_user

    try:
        user = find_user(email)
    except (OperationalError, ProgrammingError):
        raise click.ClickException("cannot read users; has `fieldwork db upgrade` run?") from None
    if user is None:
        raise click.ClickException(f"no user with e-mail '{email}' (see `fieldwork users list`)")
    return user


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
    from ..extensions import db
    from .operations import create_user

    agency_id = _agency_id(db, agency)
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
    from ..extensions import db
    from .models import User

    try:
        rows = db.session.scalars(select(User).order_by(User.email)).all()
    except (OperationalError, ProgrammingError):
        raise click.ClickException("cannot read users; has `fieldwork db upgrade` run?") from None
    for u in rows:
        state = "active" if u.active else "disabled"
        agency = f" [{u.agency.name}]" if u.agency else ""
        click.echo(f"{u.email}\t{u.name}\t{','.join(sorted(u.role_names))}\t{state}{agency}")
    click.echo(f"{len(rows)} user(s)")


@users.command("set-password")
@click.argument("email")
@click.option("--password", default=None,
              help="The new password (the password rules apply). Without it a one-time "
                   "password is generated, printed once, and must be changed at sign-in.")
@click.option("--must-change/--no-must-change", default=None,
              help="Force a change at the next sign-in (default: only for a generated one).")
@with_appcontext
def users_set_password(email, password, must_change):
    """Give an account a new password; its open sessions end (audited)."""
    from ..extensions import db
    from .accounts import one_time_password, set_password

    user = _user(db, email)
    generated = password is None
    password = password or one_time_password()
    try:
        set_password(user, password, "cli", must_change=generated if must_change is None
                     else must_change)
    except OperationError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    _commit_or_fail(db)
    click.echo(f"new password set for {user.email}; their sessions have ended")
    if generated:
        click.echo(f"one-time password (shown only now): {password}")


@users.command("edit")
@click.argument("email")
@click.option("--name", default=None, help="New full name.")
@click.option("--email", "new_email", default=None, help="New e-mail address.")
@click.option("--role", "roles", multiple=True,
              help="The account's roles from now on (repeat for several; replaces all).")
@click.option("--agency", default=None, help="Agency name ('' to remove the link).")
@with_appcontext
def users_edit(email, name, new_email, roles, agency):
    """Change an account's name, e-mail, roles or agency (a role change signs them out)."""
    from ..extensions import db
    from .accounts import edit_user

    user = _user(db, email)
    data: dict = {"name": name, "email": new_email, "roles": list(roles) or None}
    if agency is not None:
        data["agency_id"] = _agency_id(db, agency)
    try:
        changed = edit_user(user, data, "cli")
    except OperationError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    _commit_or_fail(db)
    if not changed:
        click.echo(f"{user.email}: nothing to change")
        return
    click.echo(f"{user.email}: changed {', '.join(sorted(changed))}")
    if "roles" in changed or "agency_id" in changed:
        click.echo("their sessions have ended; they sign in again with the new rights")


@users.command("sign-out")
@click.argument("email")
@with_appcontext
def users_sign_out(email):
    """End every session of an account now (audited)."""
    from ..extensions import db
    from .operations import end_sessions

    user = _user(db, email)
    end_sessions(user, "cli")
    _commit_or_fail(db)
    click.echo(f"{user.email} was signed out everywhere")


commands = [users]
