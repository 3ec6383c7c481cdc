"""``fieldwork stats SURVEY [--json]`` and ``fieldwork export SURVEY --format ... --out FILE``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from .dataset import CHANNELS as CHANNEL_CHOICES


def _survey(code: str):
    from sqlalchemy import select

    from ..extensions import db
    from ..plans.models import Survey
    survey = db.session.scalar(select(Survey).where(Survey.code == code.upper()))
    if survey is None:
        raise click.ClickException(f"unknown survey '{code}'")
    return survey


def _pct(v) -> str:
    from babel.numbers import format_percent
    return "—" if v is None else format_percent(v, "#,##0.0%", locale="vi")


def _num(v) -> str:
    from babel.numbers import format_decimal
    return format_decimal(v, locale="vi")


def _ci(ci) -> str:
    return f"[{_pct(ci[0])}; {_pct(ci[1])}]" if ci else ""


def print_summary(result: dict) -> None:
    """A readable summary with Vietnamese number formats."""
    o = result["overall"]
    click.echo(f"Khảo sát {result['survey']} (snapshot {result['snapshot'][:12]})")
    click.echo(f"Tổng thể: {_num(o['satisfied'])}/{_num(o['n'])} hài lòng = {_pct(o['rate'])} "
               f"KTC 95% {_ci(o['ci95'])}")
    click.echo("Cơ quan:")
    for a in result["agencies"]:
        mark = f"  (dưới {_pct(a['below'])})" if a.get("below") else ""
        click.echo(f"  {a.get('rank', '-')}. {a['agency']}: {_num(a['satisfied'])}/{_num(a['n'])}"
                   f" = {_pct(a['rate'])} {_ci(a['ci95'])}{mark}")
    if result.get("reasons"):
        click.echo("Lý do chưa hài lòng:")
    for r in result.get("reasons", []):
        click.echo(f"  {r['code']}: {_num(r['count'])}")
    if result.get("aspects"):
        click.echo(f"Chỉ số hài lòng theo yếu tố (chung {_pct(result.get('sipas_index'))}):")
    for a in result.get("aspects", []):
        click.echo(f"  {a['title']}: {_pct(a['index'])}")
    quarters = (result.get("periods") or {}).get("quarter") or []
    if quarters:
        click.echo("Theo quý:")
    for q in quarters:
        click.echo(f"  {q['group']}: {_num(q['satisfied'])}/{_num(q['n'])} = {_pct(q['rate'])}")


@click.command("stats")
@click.argument("survey_code")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (rates as fractions 0-1).")
@click.option("--channels", default="",
              help="Comma-separated channels: " + ", ".join(CHANNEL_CHOICES) + " (default all).")
@with_appcontext
def stats_command(survey_code, as_json, channels):
    """Satisfaction statistics of a survey's approved sheets (and imported results)."""
    from ..extensions import db
    from .dataset import survey_statistics

    survey = _survey(survey_code)
    wanted = [c.strip() for c in channels.split(",") if c.strip()]
    unknown = sorted(set(wanted) - set(CHANNEL_CHOICES))
    if unknown:
        raise click.ClickException(f"unknown channel(s): {', '.join(unknown)}; choose from "
                                   + ", ".join(CHANNEL_CHOICES))
    result = survey_statistics(survey, wanted or None)
    db.session.rollback()  # reading only; never keep what loading touched
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_summary(result)


@click.command("export")
@click.argument("survey_code")
@click.option("--format", "fmt", required=True, help="csv, xlsx, sav or dta.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--identified", is_flag=True,
              help="Keep phone and citizen ID (needs --as-user holding that right).")
@click.option("--as-user", "as_user", default=None, help="E-mail of the acting user.")
@with_appcontext
def export_command(survey_code, fmt, out, identified, as_user):
    """Export a survey's approved sheets with variable and value labels and a codebook."""
    from sqlalchemy import func, select

    from ..auth.models import User
    from ..errors import OperationError
    from ..extensions import db
    from .exports import FORMATS, export_survey

    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise click.ClickException(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
    survey = _survey(survey_code)
    user = None
    if as_user:
        user = db.session.scalar(select(User).where(func.lower(User.email) == as_user.lower()))
        if user is None:
            raise click.ClickException(f"unknown user '{as_user}'")
    if identified and user is None:
        raise click.ClickException("--identified needs --as-user EMAIL of a user holding the "
                                   "right to identified exports")
    try:
        made = export_survey(survey, fmt, out, user or "cli", identified)
    except OperationError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    for path in made.files:
        click.echo(f"wrote {path}")
    click.echo(f"{made.rows} rows, snapshot {made.snapshot}")
    if not made.rows:
        click.echo(f"note: {survey.code} has no counted answers yet (no approved sheet, online "
                   "answer or imported record): the file holds the variables and codebook "
                   "only.")


commands = [stats_command, export_command]


@click.command("stats")
@click.option("--sheets", default=1_000_000, show_default=True, help="Synthetic sheets.")
@click.option("--agencies", default=200, show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def bench_stats(sheets, agencies, seed, as_json):
    """Full statistics and a synthesis report (PDF and DOCX) over a large synthetic year."""
    from .bench import run

    if sheets < 1 or agencies < 1:
        raise click.BadParameter("--sheets and --agencies must be positive")
    r = run(sheets, agencies, seed)
    if as_json:
        click.echo(json.dumps(r, indent=1))
        return
    click.echo(f"{r['sheets']:,} sheets over {r['agencies']} agencies (made in "
               f"{r['generate_s']} s): statistics {r['statistics_s']} s, synthesis report "
               f"PDF + DOCX {r['report_pdf_docx_s']} s; together {r['statistics_and_report_s']}"
               f" s; peak RSS {r['max_rss_mib']} MiB")


bench_commands = [bench_stats]
