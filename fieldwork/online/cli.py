"""``fieldwork online poster|links``: counter posters and the answer addresses, from the CLI."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext


def _survey(code: str):
    from sqlalchemy import select

    from ..extensions import db
    from ..plans.models import Survey
    survey = db.session.scalar(select(Survey).where(Survey.code == code.strip().upper()))
    if survey is None:
        raise click.ClickException(f"unknown survey '{code}'")
    return survey


def _base(base_url: str | None) -> str:
    from .links import public_base
    base = (base_url or public_base() or "").rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise click.ClickException("the public address is unknown: pass --base-url "
                                   "https://... (or set FIELDWORK_PUBLIC_URL)")
    return base


def _scopes(survey, agency: str | None) -> list:
    """The survey's agencies (one scope row each), or the one named by id or name."""
    seen, out = set(), []
    for s in survey.scope:
        if s.agency_id not in seen:
            seen.add(s.agency_id)
            out.append(s)
    if agency is None:
        return out
    key = agency.strip().casefold()
    found = [s for s in out if str(s.agency_id) == key or s.agency.name.casefold() == key]
    if not found:
        raise click.ClickException(f"agency '{agency}' is not in the scope of {survey.code}")
    return found


@click.group("online")
def online():
    """Online and kiosk self-completion: posters and addresses."""


@online.command("poster")
@click.argument("survey_code")
@click.option("--agency", required=True, help="Agency id or exact name (in the survey's scope).")
@click.option("--size", type=click.Choice(["a4", "a5"]), default="a4", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="PDF file to write.")
@click.option("--base-url", default=None,
              help="Public address of the site, e.g. https://khaosat.danang.gov.vn "
                   "(default: FIELDWORK_PUBLIC_URL).")
@with_appcontext
def poster_command(survey_code, agency, size, out, base_url):
    """Write the counter poster (QR to the agency's answer page) of one agency."""
    from .links import answer_url
    from .posters import Poster, build_poster

    survey = _survey(survey_code)
    scope = _scopes(survey, agency)[0]
    url = answer_url(_base(base_url), survey.code, scope.agency_id)
    Path(out).write_bytes(build_poster(Poster(scope.agency.name, survey.title, url, size)))
    click.echo(f"{out}: {scope.agency.name} -> {url}")


@online.command("links")
@click.argument("survey_code")
@click.option("--base-url", default=None, help="Public address of the site.")
@with_appcontext
def links_command(survey_code, base_url):
    """Print each agency's answer address and kiosk address (tab-separated)."""
    from .links import answer_url, kiosk_url

    survey = _survey(survey_code)
    base = _base(base_url)
    for s in _scopes(survey, None):
        click.echo(f"{s.agency_id}\t{s.agency.name}\t{answer_url(base, survey.code, s.agency_id)}"
                   f"\t{kiosk_url(base, survey.code, s.agency_id)}")


commands = [online]
