"""``fieldwork scan`` (read scanned files into the database) and ``fieldwork bench omr``."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click
from flask.cli import with_appcontext

SKIP = {".jsonl", ".json", ".txt", ".md", ".csv"}  # notes next to scans in a folder


def collect(paths) -> list[Path]:
    """Files named, and every file under the folders named (sorted, hidden ones skipped)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file()
                          and not any(part.startswith(".") for part in f.relative_to(p).parts)
                          and f.suffix.lower() not in SKIP)
        else:
            out.append(p)
    return out


def page_entry(page, name: str) -> dict:
    """One page of the ``--json`` document."""
    return {"file": name, "index": page.index, "status": page.status.value,
            "reason": page.reason, "detail": page.detail or None,
            "survey": page.survey.code if page.survey else None,
            "serial": page.serial_text or None, "page": page.page_no,
            "answers": {a.question: {"values": a.plain_values, "status": a.status}
                        for a in page.answers}}


def summarise(batch, entries: list[dict]) -> dict:
    """Counts of the run: pages by status, rejects by reason, sheets complete and missing."""
    from .models import SheetStatus
    from .sheets import batch_sheets, missing_pages

    status = Counter(e["status"] for e in entries)
    sheets = batch_sheets(batch.id)
    return {
        "batch": batch.id, "files": len(batch.files), "pages": len(entries),
        "read": status["read"], "duplicate": status["duplicate"], "rejected": status["rejected"],
        "rejects_by_reason": dict(Counter(e["reason"] for e in entries
                                          if e["status"] == "rejected")),
        "answers": sum(len(e["answers"]) for e in entries if e["status"] == "read"),
        "doubtful_answers": sum(1 for e in entries if e["status"] == "read"
                                for a in e["answers"].values()
                                if a["status"] in ("doubtful", "multiple")),
        "sheets": len(sheets),
        "sheets_complete": sum(s.status == SheetStatus.COMPLETE for s in sheets),
        "sheets_to_verify": sum(s.status == SheetStatus.TO_VERIFY for s in sheets),
        "sheets_missing_pages": [{"serial": f"{s.serial:08d}", "missing": missing_pages(s)}
                                 for s in sheets if s.status == SheetStatus.INCOMPLETE],
    }


@click.command("scan")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document to stdout.")
@click.option("--survey", default=None, help="Survey code; pages of other surveys are rejected.")
@click.option("--pilot", is_flag=True, help="A batch of pilot sheets (live sheets rejected).")
@click.option("--watch", "watch", default=None, type=click.Path(file_okay=False),
              help="Watch this inbox folder (set up if new; needs --survey and --as-user): "
                   "every finished file becomes a scan batch, then moves to done/ or rejected/.")
@click.option("--as-user", "as_user", default=None,
              help="E-mail of the scanning operator the inbox's batches are made by.")
@click.option("--settle", type=click.IntRange(0, 3600), default=None,
              help="Seconds a file must stay unchanged before it is taken (default 10).")
@click.option("--give-up", "give_up", type=click.IntRange(1, 3600), default=None,
              help="Seconds after which a quiet but incomplete file is rejected (default 300).")
@click.option("--once", is_flag=True, help="With --watch: look once, read what is finished, "
                                            "and stop.")
@click.option("--until-idle", "until_idle", is_flag=True,
              help="With --watch: stop once the folder is empty and every file taken is read.")
@with_appcontext
def scan_command(paths, as_json, survey, pilot, watch, as_user, settle, give_up, once,
                 until_idle):
    """Read scanned files (PDF, TIFF, PNG, JPEG) or folders of them into the database, or
    watch an inbox folder (--watch)."""
    from sqlalchemy import select

    from ..extensions import db
    from ..plans.models import Survey
    from . import operations as ops
    from .jobs import process_batch

    target = None
    if survey:
        target = db.session.scalar(select(Survey).where(Survey.code == survey))
        if target is None:
            raise click.ClickException(f"unknown survey '{survey}'")
    if watch:
        if paths:
            raise click.UsageError("give either files to read or --watch FOLDER, not both")
        from .inbox.cli import watch_folder

        watch_folder(watch, target, as_user, pilot, settle, give_up, once, until_idle)
        return
    if not paths:
        raise click.UsageError("give the files or folders to read (or --watch FOLDER)")
    files = collect(paths)
    if not files:
        raise click.ClickException("no files found")
    batch = ops.create_batch({"survey": target, "pilot": pilot}, "cli", source="cli")
    names = {}
    for f in files:
        names[ops.add_file(batch, f.name, f).id] = str(f)
    db.session.commit()
    entries: list[dict] = []
    bar = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=len(files), label="Reading", file=sys.stderr,
                                show_pos=True)
        bar.__enter__()
    state = {"file": None}

    def progress(page):
        """Collect each page as it is stored; advance the bar when a file is done."""
        entries.append(page_entry(page, names[page.file_id]))
        if bar is not None and state["file"] not in (None, page.file_id):
            bar.update(1)
        state["file"] = page.file_id

    try:
        batch = process_batch(batch.id, progress)
    finally:
        if bar is not None:
            bar.update(len(files) - bar.pos)
            bar.__exit__(None, None, None)
    summary = summarise(batch, entries)
    if as_json:
        click.echo(json.dumps({"pages": entries, "summary": summary}, ensure_ascii=False))
        return
    click.echo(f"batch #{batch.id}: {summary['files']} file(s), {summary['pages']} page(s): "
               f"{summary['read']} read, {summary['duplicate']} duplicate, "
               f"{summary['rejected']} rejected")
    click.echo(f"sheets: {summary['sheets_complete']} complete, {summary['sheets_to_verify']} "
               f"to verify, {len(summary['sheets_missing_pages'])} with missing pages; "
               f"{summary['doubtful_answers']} doubtful answer(s) queued")
    for s in summary["sheets_missing_pages"]:
        click.echo(f"  sheet {s['serial']}: missing page(s) {', '.join(map(str, s['missing']))}")
    for reason, n in sorted(summary["rejects_by_reason"].items()):
        click.echo(f"  rejected ({reason}): {n}")
    for e in entries:
        if e["status"] == "rejected":
            click.echo(f"  {e['file']} page {e['index'] + 1}: {e['reason']} - {e['detail']}")


@click.command("omr")
@click.option("--sheets", default=100, show_default=True, help="Sheets per template.")
@click.option("--seed", default=1, show_default=True)
@click.option("--family", type=click.Choice(["synth", "paper", "both"]), default="both",
              show_default=True, help="Generator family: synth (from the layout), paper (from "
              "the printed PDF, pdftoppm; a source checkout only) or both.")
@click.option("--dpi", "dpis", default=None,
              help="Scan resolutions to draw from (default: synth 150,200,300; paper its own "
                   "150-600 mix).")
@click.option("--template", "templates", multiple=True,
              help="danang-2025 and/or sipas (default both).")
@click.option("--save", type=click.Path(file_okay=False), default=None,
              help="Also write the scans and truth.jsonl to this folder.")
@click.option("--reread", type=click.Path(exists=True, file_okay=False), default=None,
              help="Read scans saved with --save again instead of generating new ones.")
@click.option("--turn", type=click.Choice(["0", "90", "180", "270"]), default=None,
              help="With --reread: turn every page to this rotation first (lossless quarter "
                   "turns), so that each rotation is measured on the same pages.")
@click.option("--classes/--no-classes", default=True, show_default=True,
              help="Print the per-class table.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes generating and reading (default: one per core). The pages of "
                   "a seed are the same with any number.")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
def bench_omr(sheets, seed, family, dpis, templates, save, reread, turn, classes, jobs,
              as_json):
    """Pages read, silent errors, flag rate, pages/s per core and memory, per class."""
    from .bench import reread as read_again
    from .benchrun import run_many

    if turn is not None and not reread:
        raise click.UsageError("--turn turns saved pages: give it with --reread DIR.")
    if reread:
        with click.progressbar(length=0, label="re-reading", file=sys.stderr) as bar:
            reports = read_again(reread, progress=bar.update,
                                 turn=None if turn is None else int(turn))
        if as_json:
            click.echo(json.dumps({"families": reports}, indent=1, default=str))
        for fam, report in ({} if as_json else reports).items():
            _print_report(fam, report, classes)
        return
    try:
        dpi_list = tuple(int(d) for d in dpis.split(",")) if dpis else None
    except ValueError:
        raise click.BadParameter("--dpi takes numbers separated by commas") from None
    templates = templates or ("danang-2025", "sipas")
    families = ("synth", "paper") if family == "both" else (family,)
    total = sum(sheets * len(templates) * 2 for _ in families)  # about two pages a sheet
    with click.progressbar(length=total, label=f"{family}: generating and reading",
                           file=sys.stderr) as bar:
        try:
            reports = run_many(families, templates, sheets, seed, dpi_list, save,
                               progress=bar.update, jobs=jobs)
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps({"families": reports}, indent=1, default=str))
        return
    for fam, report in reports.items():
        _print_report(fam, report, classes)


def _print_report(family: str, report: dict, classes: bool) -> None:
    n = report["answers"]
    click.echo(f"== family {family}: pages {report['pages']}, read {report['pages_read']} "
               f"({report['pages_read_share']:.2%} of undamaged pages; damaged input: "
               f"{report['bad_input_pages_read']}/{report['bad_input_pages']} read, the rest "
               f"rejected); turned 90/180/270: {report['turned_pages_read']}/"
               f"{report['turned_pages']} read")
    click.echo(f"answers {n}: accuracy {report['accuracy']:.2%}, silent errors "
               f"{report['silent_errors']} (1 in {n // max(report['silent_errors'], 1):,}; "
               f"{report['misfiled_answers']} read on a page under another page's code), "
               f"flagged {report['flagged']} ({report['flag_rate']:.2%}; "
               f"{report['flagged_true_double_marks']} were real double marks); on read "
               f"pages {report['flagged_on_read_pages']} "
               f"({report['flag_rate_on_read_pages']:.2%})")
    why = report["flag_causes"]
    click.echo(f"flags by cause: {why['rejected_page_answers']} on rejected pages, "
               f"{why['true_double_marks_on_read_pages']} real double marks on read pages, "
               f"{why['needless']} needless ({why['needless_rate']:.2%} of the "
               f"{why['answers_on_read_pages']} answers on read pages: one clear truth, doubted)")
    good, bad = report["undamaged"], report["bad_input"]
    click.echo(f"of which undamaged pages: {good['answers']} answers, flagged {good['flagged']} "
               f"({good['flag_rate']:.2%}), silent errors {good['silent_errors']}; damaged "
               f"input (torn, overlapping, covered; its rejected pages' answers count as "
               f"flagged): {bad['answers']} answers, flagged {bad['flagged']}, silent errors "
               f"{bad['silent_errors']}")
    for dpi, s in report["speed_per_core"].items():
        decoded = ", ".join(f"{k.split('_')[0].upper()} {v}" for k, v in s.items()
                            if k.endswith("_decode_and_read_pages_per_s"))
        click.echo(f"{dpi} dpi: {s['read_pages_per_s']} pages/s per core reading (CPU time; "
                   f"p95 {s['read_ms_p95']} ms, {s['pages']} pages; wall clock "
                   f"{s['wall_pages_per_s']}); with file decoding: {decoded}")
    click.echo(f"peak memory: {report.get('peak_traced_memory_mib_one_page')} MiB traced per "
               f"page, {report['max_rss_mib']} MiB process RSS")
    if "run" in report:
        r = report["run"]
        click.echo(f"run ({'+'.join(r['families'])}): {r['wall_s']} s wall, {r['cpu_s']} s CPU "
                   f"on {r['jobs']} process(es), {r['cpus']} cores")
    if classes:
        click.echo(f"{'class':<24}{'pages':>7}{'read':>7}{'answers':>9}{'silent':>8}"
                   f"{'flagged':>9}")
        for name, t in report["classes"].items():
            click.echo(f"{name:<24}{t['pages']:>7}{t['pages_read']:>7}{t['answers']:>9}"
                       f"{t['silent']:>8}{t['flagged'] / max(t['answers'], 1):>9.2%}")
    why = report.get("flag_reasons", {})
    for group, title in (("all", "flags by reason"), ("kind", "by question kind")):
        for key, counts in why.get(group, {}).items():
            shown = ", ".join(f"{r} {k}" for r, k in counts.items())
            click.echo(f"{title if group == 'all' else key}: {shown}")
    for r in report["rejects"][:10]:
        where = ", ".join(r["classes"])
        click.echo(f"  rejected {r['serial']} p{r['page']}: {r['reason']} ({where})")


@click.command("scan")
@click.option("--pages", default=60, show_default=True, help="Pages generated (300 dpi).")
@click.option("--formats", default="tiff,pdf,jpeg", show_default=True,
              help="Scanner file formats to read: tiff (G4, multi-page), pdf, jpeg.")
@click.option("--workers", "workers", default="1,2", show_default=True,
              help="Worker process counts to run, e.g. 1,2.")
@click.option("--per-file", default=10, show_default=True,
              help="Pages per multi-page TIFF or PDF file.")
@click.option("--database-url", default=None,
              help="An EMPTY PostgreSQL database to use (default: SQLite in a temporary "
                   "folder).")
@click.option("--cache", type=click.Path(file_okay=False), default=None,
              help="Keep the generated pages in this folder and use them again next time.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def bench_scan(pages, formats, workers, per_file, database_url, cache, as_json):
    """End-to-end scanning throughput: store, decode, read, write images, commit."""
    from .benchscan import FORMATS, run

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    if not chosen or any(f not in FORMATS for f in chosen):
        raise click.BadParameter(f"--formats takes {', '.join(FORMATS)}")
    try:
        counts = tuple(int(w) for w in workers.split(","))
    except ValueError:
        raise click.BadParameter("--workers takes numbers separated by commas") from None
    if pages < 1 or any(w < 1 for w in counts):
        raise click.BadParameter("--pages and --workers must be at least 1")
    report = run(pages, chosen, counts, per_file, database_url, cache=cache,
                 progress=lambda msg: click.echo(msg, err=True))
    if as_json:
        click.echo(json.dumps(report, indent=1))
        return
    click.echo(f"{report['pages']} pages at {report['dpi']} dpi, {report['database']}, "
               f"{report['cpus']} CPUs, load {report['load_before'][0]:.2f} before, "
               f"{report['load_after'][0]:.2f} after")
    for fmt, entry in report["formats"].items():
        for r in entry["rounds"]:
            stages = ", ".join(f"{k} {v}" for k, v in r["stages_ms_per_page"].items())
            click.echo(f"{fmt:<5} {r['workers']} worker(s): {r['pages_per_s']:>6} pages/s wall, "
                       f"{r['pages_per_cpu_s']:>6} pages per CPU-second "
                       f"({r['cpu_ms_per_page']} ms CPU/page; stages ms/page: {stages}); "
                       f"{r['read']} read, {r['rejected']} not read")
        if "scaling" in entry:
            click.echo(f"{fmt:<5} scaling {entry['scaling']}x "
                       f"({entry['bytes_per_page']} bytes per page)")


commands = [scan_command]
bench_commands = [bench_omr, bench_scan]
