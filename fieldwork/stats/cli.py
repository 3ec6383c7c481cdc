"""``fieldwork stats SURVEY [--json]``, ``fieldwork export SURVEY --format ... --out FILE`` (the
same filter options) and ``fieldwork sources list|declare``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from .sources import CHANNELS as CHANNEL_CHOICES


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


def _agency_line(a: dict) -> str:
    mark = f"  (dưới {_pct(a['below'])})" if a.get("below") else ""
    place = a.get("rank") or {"insufficient": "chưa đủ mẫu", "no_answers": "chưa có phiếu",
                              "no_agency": "không rõ cơ quan"}.get(a.get("status"), "-")
    return (f"  {place}. {a['agency']}: {_num(a['satisfied'])}/{_num(a['n'])}"
            f" = {_pct(a['rate'])} {_ci(a['ci95'])}{mark}")


def print_summary(result: dict) -> None:
    """A readable summary with Vietnamese number formats: the view, then the other sources."""
    o = result["overall"]
    view = result.get("view") or {}
    click.echo(f"Khảo sát {result['survey']} (snapshot {result['snapshot'][:12]})")
    click.echo(f"Nguồn: {result.get('source_label_vi') or '—'}")
    if view.get("method_vi"):
        click.echo(f"Cách gộp: {view['method_vi']}")
    click.echo(f"Tổng thể: {_num(o['satisfied'])}/{_num(o['n'])} hài lòng = {_pct(o['rate'])} "
               f"KTC 95% {_ci(o['ci95'])}")
    bands = result.get("bands")
    if bands:
        click.echo("Ngưỡng đánh dấu theo kế hoạch: " + ", ".join(_pct(v) for v in bands["values"])
                   + (f" ({bands['source']})" if bands.get("source") else ""))
    click.echo("Cơ quan (hạng là khoảng: so sánh từng cặp, hiệu chỉnh Holm):")
    for a in result["agencies"]:
        click.echo(_agency_line(a))
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
    others = result.get("sources") or {}
    if others:
        click.echo("Các nguồn khác (không gộp vào kết quả trên):")
    for s in others.values():
        so = s["overall"]
        click.echo(f"  {s['source_label_vi']}: {_num(so['satisfied'])}/{_num(so['n'])} = "
                   f"{_pct(so['rate'])} {_ci(so['ci95'])}")
    if result.get("overlaps", {}).get("count"):
        click.echo(f"Hồ sơ trả lời ở nhiều nguồn (đều được giữ): "
                   f"{_num(result['overlaps']['count'])}")


def filter_options(command):
    """The filter options ``stats`` and ``export`` share (one ``Filter`` for both)."""
    for option in reversed([
        click.option("--source", default=None,
                     help="independent (default), city_online, call_centre or a declared "
                          "source."),
        click.option("--channel", "channels", multiple=True,
                     help="Channel(s) inside the source: " + ", ".join(CHANNEL_CHOICES)
                          + " (repeat or comma-separate)."),
        click.option("--channels", "channels_old", default="", hidden=True),
        click.option("--agency", default=None, help="Agency name or number."),
        click.option("--field", default=None, help="Field code (e.g. HT) or name."),
        click.option("--from", "date_from", default=None, help="First day, dd/mm/yyyy."),
        click.option("--to", "date_to", default=None, help="Last day, dd/mm/yyyy."),
        click.option("--combined", is_flag=True,
                     help="Every source pooled, said so (a named combined view)."),
    ]):
        command = option(command)
    return command


def build_filter(survey, source, channels, channels_old, agency, field, date_from, date_to,
                 combined):
    """The ``Filter`` of the options, or a ClickException saying what to fix."""
    from .filters import FilterError, parse_filter
    wanted = [c for text in (*channels, channels_old) for c in text.split(",") if c.strip()]
    try:
        return parse_filter(survey, {"source": source, "channels": wanted, "agency": agency,
                                     "field": field, "from": date_from, "to": date_to,
                                     "combined": combined})
    except FilterError as exc:
        raise click.ClickException(str(exc)) from None


@click.command("stats")
@click.argument("survey_code")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (rates as fractions 0-1).")
@filter_options
@with_appcontext
def stats_command(survey_code, as_json, **options):
    """Satisfaction statistics: the independent survey, other sources beside it."""
    from ..extensions import db
    from .statistics import survey_statistics

    survey = _survey(survey_code)
    flt = build_filter(survey, **options)
    result = survey_statistics(survey, flt)
    db.session.rollback()  # reading only; never keep what loading touched
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    if not result["overall"]["sheets"]:
        click.echo("Không có câu trả lời nào khớp bộ lọc này (nguồn, kênh, cơ quan, lĩnh vực, "
                   "ngày).")
    print_summary(result)


@click.command("export")
@click.argument("survey_code")
@click.option("--format", "fmt", required=True, help="csv, xlsx, sav or dta.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--identified", is_flag=True,
              help="Keep phone and citizen ID (needs --as-user holding that right).")
@click.option("--as-user", "as_user", default=None, help="E-mail of the acting user.")
@filter_options
@with_appcontext
def export_command(survey_code, fmt, out, identified, as_user, **options):
    """Export the rows behind ``fieldwork stats`` (same options) with labels and a codebook."""
    from sqlalchemy import func, select

    from ..auth.models import User
    from ..errors import OperationError
    from ..extensions import db
    from .exports import FORMATS, export_survey

    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise click.ClickException(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
    survey = _survey(survey_code)
    flt = build_filter(survey, **options)
    user = None
    if as_user:
        user = db.session.scalar(select(User).where(func.lower(User.email) == as_user.lower()))
        if user is None:
            raise click.ClickException(f"unknown user '{as_user}'")
    if identified and user is None:
        raise click.ClickException("--identified needs --as-user EMAIL of a user holding the "
                                   "right to identified exports")
    try:
        made = export_survey(survey, fmt, out, user or "cli", identified, flt)
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


@click.group("sources")
def sources_group():
    """A survey's sources: the built-in three and the ones it declares."""


@sources_group.command("list")
@click.argument("survey_code")
@with_appcontext
def sources_list(survey_code):
    """Every source of the survey with its channels and owner."""
    from . import sources as src

    survey = _survey(survey_code)
    declared = src.declared(survey)
    for name in src.known(survey):
        owner = src.SOURCE_OWNERS.get(name) or declared.get(name, {}).get("owner") or "—"
        channels = ", ".join(src.CHANNELS_OF.get(name, (src.IMPORTED,)))
        click.echo(f"{name}: {src.label(name, declared, vietnamese=True)} [{channels}] "
                   f"({owner})")


@sources_group.command("declare")
@click.argument("survey_code")
@click.argument("name")
@click.option("--label", required=True, help="Whose results these are.")
@click.option("--owner", default="", help="Who runs that survey.")
@click.option("--note", default="")
@with_appcontext
def sources_declare(survey_code, name, label, owner, note):
    """Declare a further imported source of a survey (e.g. sipas_2026)."""
    from ..errors import OperationError
    from ..extensions import db
    from .operations import declare_source

    survey = _survey(survey_code)
    try:
        row = declare_source(survey, {"name": name, "label": label, "owner": owner,
                                      "note": note}, "cli")
    except OperationError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"declared {row.name}: {row.label}")


commands = [stats_command, export_command, sources_group]


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


@click.command("dataset")
@click.option("--sheets", default=50_000, show_default=True,
              help="Approved paper sheets (other sources in proportion, as in the demo).")
@click.option("--agencies", default=120, show_default=True)
@click.option("--views", default=30, show_default=True,
              help="Repeated views of the statistics page (0: no page).")
@click.option("--seed", default=1, show_default=True)
@click.option("--survey", "code", default=None,
              help="Measure this survey of the configured database instead (e.g. DEMO-2026 "
                   "after FIELDWORK_DEMO_SHEETS=30000 fieldwork demo); nothing is written.")
@click.option("--keep", default=None, metavar="DIR",
              help="Keep the PostgreSQL cluster in DIR: seeded on the first run, reused as it "
                   "is on the next (--sheets, --agencies, --seed then ignored).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def bench_dataset(sheets, agencies, views, seed, code, keep, as_json):
    """Read, statistics and the statistics page on a PostgreSQL year of approved sheets."""
    from .bench_dataset import measure, run

    if sheets < 1 or agencies < 1 or views < 0:
        raise click.BadParameter("--sheets and --agencies must be positive, --views >= 0")
    if code:
        try:
            r = measure(views, code)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
    else:
        r = run(sheets, agencies, views, seed, echo=None if as_json else click.echo, keep=keep)
    if as_json:
        click.echo(json.dumps(r, indent=1, default=str))
        return
    def server(key):
        return f", server {r[key]} s" if r.get(key) is not None else ""

    click.echo(f"{r.get('sheets') or r['rows']['independent']:,} approved sheets, other "
               f"sources {r['rows']}")
    click.echo(f"read {r['read_s']} s (CPU {r['read_cpu_s']} s{server('read_server_cpu_s')})")
    click.echo(f"statistics of every source {r['statistics_s']} s (CPU "
               f"{r['statistics_cpu_s']} s{server('statistics_server_cpu_s')})")
    click.echo(f"read and statistics {r['read_and_statistics_s']} s; peak RSS "
               f"{r['max_rss_mib']} MiB")
    if views:
        click.echo(f"statistics page with its {r['page_charts']} charts: first view "
                   f"{r['page_cold_s']} s, then {r['page_views']} views p50 {r['page_p50_s']} "
                   f"s, p95 {r['page_p95_s']} s")


bench_commands = [bench_stats, bench_dataset]
