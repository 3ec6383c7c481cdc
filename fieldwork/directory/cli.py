"""``fieldwork directory aliases`` and ``import-aliases``: the other names of agencies."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext


@click.group("directory")
def directory():
    """The city directory: agencies and the other names imports accept for them."""


@directory.command("aliases")
@with_appcontext
def aliases_command():
    """List every alias: the name, the agency it means, its kind and note."""
    from sqlalchemy import select

    from ..extensions import db
    from .models import AgencyAlias

    rows = db.session.scalars(select(AgencyAlias).order_by(AgencyAlias.name))
    for a in rows:
        click.echo(f"{a.name} -> {a.agency.name} ({a.kind.value})"
                   + (f": {a.note}" if a.note else ""))


@directory.command("import-aliases")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report; change nothing.")
@with_appcontext
def import_aliases_command(file, dry_run):
    """Add aliases from a CSV or XLSX list: other name, agency, kind (former/other), note.

    All or nothing: a bad row, a name given to two agencies or a name that already means
    another agency is listed, and nothing is added."""
    from ..errors import OperationError
    from ..extensions import db
    from .operations import import_aliases

    try:
        with open(file, "rb") as fh:
            report = import_aliases(fh, file.name, "cli", dry_run=dry_run)
    except OperationError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    if report.errors:
        db.session.rollback()
        for msg in report.errors:
            click.echo(f"  {msg}")
        raise click.ClickException(f"nothing added: {len(report.errors)} problem(s)")
    for alias, agency in report.new:
        click.echo(f"{'would add' if dry_run else 'added'}: {alias} -> {agency}")
    click.echo(f"already known: {report.known}")
    if report.committed:
        db.session.commit()
    else:
        db.session.rollback()


commands = [directory]
