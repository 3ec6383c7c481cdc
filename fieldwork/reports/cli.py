"""``fieldwork report SURVEY [--agency CODE_OR_ID | --field CODE] --format docx|pdf --out FILE``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

FORMATS = ("docx", "pdf")


@click.command("report")
@click.argument("survey_code")
@click.option("--agency", default=None, help="Agency id or name: that agency's report.")
@click.option("--field", "field_code", default=None, help="Field code: that field's report.")
@click.option("--previous", default=None,
              help="Compare with this earlier survey only (default: every earlier year on "
                   "record for the same agencies, e.g. DEMO-2025 for DEMO-2026).")
@click.option("--issued", is_flag=True,
              help="Write the issued report (number, date, recipients) instead of a draft.")
@click.option("--format", "fmt", required=True, help="docx or pdf.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def report_command(survey_code, agency, field_code, previous, issued, fmt, out):
    """Generate a report draft: the synthesis, or one agency's or one field's report."""
    from ..documents.fonts import FontMissingError
    from ..errors import OperationError
    from ..extensions import db
    from ..stats.cli import _survey
    from .operations import (
        document_problems,
        earlier_surveys,
        find_agency,
        find_field,
        generate_report,
    )

    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise click.ClickException(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
    if agency and field_code:
        raise click.ClickException("give --agency or --field, not both")
    survey = _survey(survey_code)
    if issued:
        _write_issued(survey, fmt, out, agency or field_code or previous)
        return
    found_agency = found_field = None
    if agency:
        found_agency = find_agency(agency)
        if found_agency is None:
            raise click.ClickException(f"unknown agency '{agency}'")
    if field_code:
        found_field = find_field(field_code)
        if found_field is None:
            raise click.ClickException(f"unknown field '{field_code}'")
    earlier = [_survey(previous)] if previous else earlier_surveys(survey)
    if any(s.id == survey.id for s in earlier):
        raise click.ClickException("--previous must be another survey")
    if out.parent and not out.parent.is_dir():
        raise click.ClickException(f"cannot write '{out}': no such directory")
    try:
        written = generate_report(survey, fmt, out, "cli", found_agency, found_field,
                                  earlier=earlier)
    except (OperationError, FontMissingError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    for text in document_problems(survey):
        click.echo(f"warning: {text}", err=True)
    click.echo(f"wrote {written}")


def _write_issued(survey, fmt: str, out: Path, narrowed) -> None:
    """Copy the issued report's stored file (the very bytes that were sent)."""
    from ..plans.attachments import full_path
    from .dispatch import issue_of
    if narrowed:
        raise click.ClickException("--issued writes the issued synthesis report: give no "
                                   "--agency, --field or --previous")
    issue = issue_of(survey)
    if issue is None:
        raise click.ClickException(f"{survey.code} has no issued report yet (it is issued on "
                                   "the Reports page once Home Affairs has appraised it)")
    att = issue.docx if fmt == "docx" else issue.pdf
    try:
        out.write_bytes(full_path(att).read_bytes())
    except OSError as exc:
        raise click.ClickException(f"cannot write '{out}': {exc.strerror or exc}") from None
    click.echo(f"wrote {out} (report no. {issue.reference} of {issue.issued_on:%d/%m/%Y}, "
               f"sent to {len(issue.dispatches)} recipients)")


commands = [report_command]
