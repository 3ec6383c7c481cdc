"""``fieldwork import-results SURVEY FILE --source city_online|call_centre|DECLARED``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from .reasons import label


def print_layout(layout) -> None:
    """Where the table was found, and every row left out above and below it."""
    if layout is None:
        return
    for note in layout.notes():
        click.echo(note)
    for line, text in layout.title_rows:
        click.echo(f"  row {line} (title, skipped): {text}")
    for line, text in layout.footer_rows:
        click.echo(f"  row {line} (below the table, skipped): {text}")


def print_report(report, dry_run: bool) -> None:
    """Rows read, added, skipped as duplicates, rejected with reasons."""
    click.echo(f"file: {report.file_name} ({report.file_format}"
               + (f", {report.encoding}" if report.encoding else "") + f") sha256 {report.sha256}")
    print_layout(report.layout)
    click.echo("mapping: " + ", ".join(f"{k} <- {v}" for k, v in report.mapping.items()))
    if report.letters:
        click.echo("reason letters: " + "; ".join(f"{k} = {label(v)}"
                                                  for k, v in report.letters.items()))
    click.echo(f"rows read: {report.read}")
    click.echo(f"{'would add' if dry_run else 'added'}: {report.new if dry_run else report.added}")
    click.echo(f"skipped as duplicates: {report.duplicates}")
    click.echo(f"rejected: {report.rejected}")
    for note in report.notes:
        click.echo(f"note: {note}")
    for line, field, msg in report.errors:
        click.echo(f"  row {line}, {field}: {msg}")
    if report.rejected > len(report.errors):
        click.echo(f"  ... {report.rejected - len(report.errors)} more rejected rows not listed")
    if report.unmapped_letters:
        click.echo("reasons written as letters without a meaning (--reason-letters "
                   "'a=reason_a; đ=reason_e; ...'): " + ", ".join(
                       f"{k} ({n} rows)" for k, n in report.unmapped_letters.items()))
    if report.unknown_agencies:
        click.echo("agencies not in the directory (add them as aliases: fieldwork directory "
                   "import-aliases): " + ", ".join(f"{n} ({k})" for n, k in
                                                   report.unknown_agencies.items()))


@click.command("import-results")
@click.argument("survey_code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default=None,
              help="city_online (the city's online software), call_centre (1022), or a source "
                   "the survey declared (fieldwork sources declare).")
@click.option("--channel", type=click.Choice(["online", "call_centre"]), default=None,
              help="Older spelling: online = --source city_online, call_centre = --source "
                   "call_centre.")
@click.option("--mapping", "mapping_file", type=click.Path(exists=True, dir_okay=False),
              help='JSON {"agency": "Cơ quan", "date": "Ngày", "satisfied": ..., '
                   '"reasons": ..., "comment": ..., "dossier_code": ..., "phone": ..., '
                   '"cid": ..., "record_id": ...}; guessed if omitted.')
@click.option("--header-row", default=None, metavar="N[-M]",
              help="The row(s) holding the column names, e.g. 5 or 5-6 (found if omitted).")
@click.option("--reason-letters", default=None, metavar="MAPPING",
              help="What the file's reason letters mean, e.g. 'a=reason_a; đ=reason_e' or "
                   "'đ=Chi phí không chính thức' (reasons are otherwise read by their text).")
@click.option("--dry-run", is_flag=True, help="Check and report; change nothing.")
@click.option("--skip-invalid", is_flag=True,
              help="Import the good rows even if some are rejected (default: none then).")
@with_appcontext
def import_results_command(survey_code, file, source, channel, mapping_file, header_row,
                           reason_letters, dry_run, skip_invalid):
    """Import another source's results (CSV or XLSX), shown beside the independent survey."""
    from sqlalchemy import select

    from ..errors import OperationError
    from ..extensions import db
    from ..plans.models import Survey
    from .operations import import_results

    survey = db.session.scalar(select(Survey).where(Survey.code == survey_code.upper()))
    if survey is None:
        raise click.ClickException(f"unknown survey '{survey_code}'")
    if not source and not channel:
        raise click.ClickException("give the file's source: --source city_online, "
                                   "--source call_centre or a declared source")
    mapping = None
    if mapping_file:
        try:
            mapping = json.loads(Path(mapping_file).read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"the mapping file is not valid JSON ({exc})") from None
        if not isinstance(mapping, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
            raise click.ClickException('the mapping must be a JSON object {"field": "column"}')
    try:
        with open(file, "rb") as fh:
            report = import_results(survey, fh, {
                "name": file.name, "source": source, "channel": channel, "mapping": mapping,
                "header_row": header_row, "reason_letters": reason_letters,
                "dry_run": dry_run, "skip_invalid": skip_invalid}, "cli")
    except OperationError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    except BaseException:
        db.session.rollback()
        raise
    print_report(report, dry_run)
    if report.committed:
        db.session.commit()
    else:
        db.session.rollback()
        if not dry_run and report.rejected:
            raise click.ClickException(
                f"nothing imported: {report.rejected} rows rejected; fix them or pass "
                "--skip-invalid")


@click.command("exports")
@click.option("--rows", default=20_000, show_default=True,
              help="Dossiers in the one-stop export.")
@click.option("--empty", default=1_000_000, show_default=True,
              help="Empty formatted rows after 50 dossiers in the second sheet.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def bench_exports(rows, empty, as_json):
    """Read a real-shaped one-stop export and a sheet of empty formatted rows, timed."""
    from .bench import run

    if rows < 1 or empty < 0:
        raise click.BadParameter("--rows must be positive and --empty not negative")
    r = run(rows, empty)
    if as_json:
        click.echo(json.dumps(r, indent=1))
        return
    for name, f in r.items():
        click.echo(f"{name}: {f['file_kib']:,} KiB, header rows {f['header']}, "
                   f"{f['title_rows']} title and {f['footer_rows']} footer rows skipped, "
                   f"{f['rows']:,} rows read ({f['ok']:,} good) in {f['wall_s']} s "
                   f"({f['cpu_s']} s CPU)")


commands = [import_results_command]
bench_commands = [bench_exports]
