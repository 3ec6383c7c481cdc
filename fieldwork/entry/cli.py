"""``fieldwork entry-sync SURVEY``: take completely read scanned sheets into data entry."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("entry-sync")
@click.argument("survey_code")
@with_appcontext
def entry_sync(survey_code: str) -> None:
    """Record every complete scanned sheet of SURVEY_CODE as an entry sheet (idempotent)."""
    from sqlalchemy import select

    from ..extensions import db
    from ..plans.models import Survey
    from .sources import sync_from_omr

    survey = db.session.scalar(select(Survey).where(Survey.code == survey_code))
    if survey is None:
        raise click.ClickException(f"No survey with code {survey_code!r}.")
    done = sync_from_omr(survey, "cli")
    db.session.commit()
    click.echo(f"{survey.code}: {done} scanned sheet(s) taken in or refreshed.")


commands = [entry_sync]
