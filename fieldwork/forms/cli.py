"""`fieldwork forms ...` commands and `fieldwork bench print`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..errors import OperationError


def _survey(code: str):
    from ..extensions import db
    from ..plans.models import Survey
    survey = db.session.scalar(select(Survey).where(Survey.code == code))
    if survey is None:
        raise click.ClickException(f"unknown survey '{code}'")
    return survey


forms = click.Group("forms", help="Questionnaires and printing.")


@forms.command("print")
@click.argument("survey")
@click.option("--agency", default=None,
              help="The agency the sheets are for (its name; diacritics may be left out).")
@click.option("--field", "field_name", default=None,
              help="One of the agency's fields (default: the respondent ticks it).")
@click.option("--draw", is_flag=True,
              help="One personalised sheet per drawn dossier not printed yet (of --agency, "
                   "or of every agency).")
@click.option("--reprint", default=None, metavar="REASON",
              help="With --draw: print again the sheets still out; their old serials "
                   "become void.")
@click.option("--version", "version", type=int, default=None,
              help="Version number (default: the latest approved).")
@click.option("--count", type=int, default=None,
              help="Number of sheets (required without --draw).")
@click.option("--start-serial", type=int, default=None, help="First serial (default: next free).")
@click.option("--pilot", is_flag=True, help="Pilot print: watermarked, never live data.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="PDF file to write.")
@click.option("--layout", type=click.Path(dir_okay=False), required=True,
              help="Layout JSON file to write.")
@with_appcontext
def print_command(survey, agency, field_name, draw, reprint, version, count, start_serial,
                  pilot, out, layout):
    """Print a batch of QR-tagged sheets of SURVEY's questionnaire for an agency or the draw."""
    from ..extensions import db
    from .batches import print_batch
    s = _survey(survey)
    if not draw and not agency:
        raise click.UsageError("say which agency the sheets are for (--agency NAME), or print "
                               "the drawn dossiers (--draw)")
    if not draw and count is None:
        raise click.UsageError("--count is required for a batch for an agency")
    if reprint is not None and not draw:
        raise click.UsageError("--reprint goes with --draw")
    try:
        data = {"version": version, "count": count, "start_serial": start_serial,
                "pilot": pilot, "draw": draw, "reprint_reason": reprint or ""}
        data.update(_where(s, agency, field_name))
        batch = print_batch(s, data, "cli")
    except OperationError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    shutil.copyfile(batch.pdf_path, out)
    shutil.copyfile(batch.layout_path, layout)
    kind = "pilot" if pilot else ("personalised" if draw else "live")
    whom = batch.agency.name if batch.agency else "every agency of the draw"
    click.echo(f"printed {batch.count} {kind} sheets of {s.code} v{batch.version.number} for "
               f"{whom}, serials {batch.serial_text(batch.first_serial)}-"
               f"{batch.serial_text(batch.last_serial)}, {batch.pages_per_sheet} page(s) each")
    click.echo(f"pdf: {out}\nlayout: {layout}")


def _where(survey, agency: str | None, field_name: str | None) -> dict:
    """{agency_id, field_id} from the names typed on the command line."""
    from ..directory.matching import fold
    from .imprints import agency_fields, find_agency

    if not agency:
        if field_name:
            raise click.UsageError("--field goes with --agency")
        return {}
    found = find_agency(survey, agency)
    out = {"agency_id": found.id}
    if field_name:
        fields = [f for f in agency_fields(survey, found.id)
                  if fold(field_name) in (fold(f.name), fold(f.code))]
        if len(fields) != 1:
            raise OperationError(f"{found.name} has no field called “{field_name}” in the plan")
        out["field_id"] = fields[0].id
    return out


@forms.command("versions")
@click.argument("survey")
@with_appcontext
def versions_command(survey):
    """List the questionnaire versions of SURVEY."""
    from .api import versions
    for v in versions(_survey(survey)):
        click.echo(f"v{v.number}\t{v.status.value}\t{v.spec.get('title', '')}\t{v.source}")


@forms.command("import-xlsform")
@click.argument("survey")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_command(survey, file):
    """Import an XLSForm workbook as a new draft version of SURVEY."""
    from ..extensions import db
    from .operations import create_from_questionnaire
    from .spec import SpecError
    from .xlsform import read_xlsform
    s = _survey(survey)
    notices: list[str] = []
    try:
        q = read_xlsform(Path(file).read_bytes(), notices)
        v = create_from_questionnaire(s, q, "cli", f"xlsform:{Path(file).name}")
    except SpecError as exc:
        db.session.rollback()
        raise click.ClickException("import refused, nothing saved:\n  " +
                                   "\n  ".join(exc.messages)) from None
    except OperationError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    for notice in notices:
        click.echo(notice)
    click.echo(f"imported as draft v{v.number}")


@forms.command("export-xlsform")
@click.argument("survey")
@click.option("--version", "version", type=int, required=True)
@click.option("--out", type=click.Path(dir_okay=False), required=True)
@with_appcontext
def export_command(survey, version, out):
    """Write version VERSION of SURVEY as an XLSForm workbook."""
    from ..extensions import db
    from .models import QuestionnaireVersion
    from .xlsform import write_xlsform
    s = _survey(survey)
    v = db.session.scalar(select(QuestionnaireVersion).where(
        QuestionnaireVersion.survey_id == s.id, QuestionnaireVersion.number == version))
    if v is None:
        raise click.ClickException(f"{s.code} has no version {version}")
    Path(out).write_bytes(write_xlsform(v.questionnaire, form_id=f"{s.code}-v{version}"))
    click.echo(f"wrote {out}")


@click.command("print")
@click.option("--count", type=int, default=2000, show_default=True,
              help="Forms of the 2025 template.")
@click.option("--json", "as_json", is_flag=True)
def bench_print(count, as_json):
    """Print COUNT forms of the 2025 template; report pages per second and peak memory."""
    from .bench import bench_print as run
    result = run(count=count)
    if as_json:
        click.echo(json.dumps(result))
    else:
        click.echo(f"{result['pages']} pages in {result['seconds']:.2f} s: "
                   f"{result['pages_per_second']:.0f} pages/s, peak {result['peak_mb']:.1f} MB")


commands = [forms]
bench_commands = [bench_print]
