"""``fieldwork frame import|counts|draw|lists``: the sampling frame from the command line."""

from __future__ import annotations

import json
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


def _run(action):
    """Run ``action()``; commit on success, roll back and say why on bad input."""
    from ..errors import OperationError
    from ..extensions import db
    try:
        result = action()
    except OperationError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    return result


def _mapping(path: str | None) -> dict | None:
    if not path:
        return None
    try:
        mapping = json.loads(Path(path).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"the mapping file is not valid JSON ({exc})") from None
    if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise click.ClickException('the mapping must be a JSON object {"field": "column"}')
    return mapping


@click.group("frame")
def frame():
    """The sampling frame: the one-stop system's list of dossiers with results returned."""


@frame.command("import")
@click.argument("survey_code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", "mapping_file", type=click.Path(exists=True, dir_okay=False),
              help='JSON {"code": "Mã hồ sơ", "agency": "Cơ quan", "field": ..., '
                   '"procedure": ..., "received_on": ..., "returned_on": ..., "due_on": ..., '
                   '"name": ..., "phone": ..., "cid": ...}; guessed if omitted.')
@click.option("--header-row", default=None, metavar="N[-M]",
              help="The row(s) holding the column names, e.g. 7 or 7-8 (found if omitted).")
@click.option("--dry-run", is_flag=True, help="Check and report; change nothing.")
@click.option("--skip-invalid", is_flag=True,
              help="Import the good rows even if some are rejected (default: none then).")
@with_appcontext
def import_command(survey_code, file, mapping_file, header_row, dry_run, skip_invalid):
    """Import a dossier list (CSV or XLSX); codes already in the frame are skipped."""
    from ..extensions import db
    from ..imports.cli import print_layout
    from .operations import import_frame

    survey = _survey(survey_code)
    mapping = _mapping(mapping_file)

    def action():
        with open(file, "rb") as fh:
            return import_frame(survey, fh, {"name": file.name, "mapping": mapping,
                                             "header_row": header_row, "dry_run": dry_run,
                                             "skip_invalid": skip_invalid}, "cli")
    from ..errors import OperationError
    try:
        report = action()
    except OperationError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    except BaseException:
        db.session.rollback()
        raise
    click.echo(f"file: {report.file_name} ({report.file_format}"
               + (f", {report.encoding}" if report.encoding else "")
               + f") sha256 {report.sha256}")
    print_layout(report.layout)
    click.echo("mapping: " + ", ".join(f"{k} <- {v}" for k, v in report.mapping.items()))
    if report.unused:
        click.echo("columns not used: " + ", ".join(report.unused))
    click.echo(f"rows read: {report.read}")
    click.echo(f"{'would add' if dry_run else 'added'}: "
               f"{report.new if dry_run else report.added} (late: {report.late})")
    click.echo(f"skipped as duplicates: {report.duplicates}")
    click.echo(f"rejected: {report.rejected}")
    for line, name, msg in report.errors:
        click.echo(f"  row {line}, {name}: {msg}")
    if report.rejected > len(report.errors):
        click.echo(f"  ... {report.rejected - len(report.errors)} more rejected rows not listed")
    if report.unknown_agencies:
        click.echo("agencies not in the directory (add them as aliases: fieldwork directory "
                   "import-aliases): " + ", ".join(f"{n} ({k})" for n, k in
                                                   report.unknown_agencies.items()))
    if report.committed:
        db.session.commit()
        return
    db.session.rollback()
    if not dry_run and report.rejected:
        raise click.ClickException(f"nothing imported: {report.rejected} rows rejected; fix "
                                   "them or pass --skip-invalid")


@frame.command("counts")
@click.argument("survey_code")
@with_appcontext
def counts_command(survey_code):
    """Set the plan's dossier counts N from the frame (the required sample follows)."""
    from .operations_draw import apply_counts

    survey = _survey(survey_code)
    changes = _run(lambda: apply_counts(survey, "cli"))
    for c in changes:
        click.echo(f"{c['unit']}: N {c['before']} -> {c['after']}, required sample "
                   f"{c['required_before']} -> {c['required_after']}")
    if not changes:
        click.echo("the plan's dossier counts already match the frame")


@frame.command("draw")
@click.argument("survey_code")
@click.option("--seed", type=int, required=True, help="Seed of the random draw.")
@click.option("--method", type=click.Choice(["simple", "systematic"]), default="simple",
              show_default=True)
@click.option("--late-first", is_flag=True, help="Take dossiers returned late first.")
@click.option("--by-agency", is_flag=True, help="Strata by agency only (default: and field).")
@click.option("--reserve-percent", type=int, default=20, show_default=True,
              help="Reserves for refusals, in percent of each stratum's sample.")
@click.option("--size", type=int, default=None,
              help="Total sample shared over strata (default: the plan's required sample).")
@click.option("--reason", default="", help="Why the survey is drawn again (required then).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="CSV: dossier code, agency, field, reserve flag, rank.")
@with_appcontext
def draw_command(survey_code, seed, method, late_first, by_agency, reserve_percent, size,
                 reason, out):
    """Draw respondents from the frame (frozen and audited) and write the draw as CSV.

    If the current draw was made with the same options it is written again unchanged;
    other options need --reason.
    """
    from .lists import DRAW_COLUMNS, draw_rows, to_csv
    from .operations_draw import _params, active_draw, make_draw, same_params

    survey = _survey(survey_code)
    data = {"seed": seed, "method": method, "late_first": late_first,
            "by_field": not by_agency, "reserve_percent": reserve_percent, "size": size,
            "reason": reason}
    current = active_draw(survey)
    if current is not None and not reason and same_params(current, _run(lambda: _params(data))):
        draw = current
        click.echo(f"draw {draw.id} already made with these options; written again")
    else:
        draw = _run(lambda: make_draw(survey, data, "cli"))
        click.echo(f"draw {draw.id}: seed {draw.seed}, {draw.method.value}, population "
                   f"{draw.population}")
    out.write_bytes(to_csv(draw_rows(draw), DRAW_COLUMNS))
    click.echo(f"drawn: {draw.drawn}, reserves: {draw.reserves} -> {out}")


@frame.command("lists")
@click.argument("survey_code")
@click.option("--calls", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the call centre's call list (CSV).")
@click.option("--invitations", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the invitation lists per enumerator assignment (PDF).")
@click.option("--identified", is_flag=True,
              help="Names and phones in clear (audited); masked otherwise.")
@with_appcontext
def lists_command(survey_code, calls, invitations, identified):
    """Write the current draw's call list and invitation lists."""
    from .operations_draw import active_draw
    from .operations_lists import call_list, invitations_pdf

    survey = _survey(survey_code)
    draw = active_draw(survey)
    if draw is None:
        raise click.ClickException(f"no draw for {survey.code} yet: run 'fieldwork frame draw'")
    if not calls and not invitations:
        raise click.ClickException("say what to write: --calls and/or --invitations")
    if calls:
        calls.write_bytes(_run(lambda: call_list(draw, "cli", identified)))
        click.echo(f"call list -> {calls}")
    if invitations:
        invitations.write_bytes(_run(lambda: invitations_pdf(draw, "cli", identified)))
        click.echo(f"invitation lists -> {invitations}")


commands = [frame]


@click.command("frame")
@click.option("--rows", default=200_000, show_default=True, help="Dossiers in the list.")
@click.option("--seed", default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def bench_frame(rows, seed, as_json):
    """Import a large synthetic dossier list into a throwaway database, again, and draw."""
    from .bench import run

    if rows < 1:
        raise click.BadParameter("--rows must be positive")
    r = run(rows, seed)
    if as_json:
        click.echo(json.dumps(r, indent=1))
        return
    click.echo(f"{r['rows']:,} dossiers ({r['file_mib']} MiB CSV): dry run {r['dry_run_s']} s, "
               f"import {r['import_s']} s, re-import (all duplicates) {r['reimport_s']} s, "
               f"counts and draw {r['counts_and_draw_s']} s ({r['drawn']} drawn, "
               f"{r['reserves']} reserves); peak RSS {r['max_rss_mib']} MiB")


bench_commands = [bench_frame]
