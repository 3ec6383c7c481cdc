"""``fieldwork bench xlsx``: what the checked, out-of-process workbook reader costs."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click


def _workbook(path: Path, rows: int, columns: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append([f"Cột {c}" for c in range(columns)])
    for r in range(rows):
        ws.append([f"HS-{r:07d}", r, r * 0.5, "Hài lòng" if r % 3 else "Chưa hài lòng"]
                  + [f"giá trị {r % 97}"] * (columns - 4))
    wb.save(path)


def run(rows: int, columns: int) -> dict:
    """Write a workbook of ``rows`` x ``columns``, read it through ``read_xlsx``: figures."""
    from . import read_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        # Written by another process, so that this one's peak RSS is the reading's alone.
        subprocess.run([sys.executable, "-c", "import sys; from fieldwork.xlsx.cli import "
                        "_workbook; _workbook(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))",
                        str(path), str(rows), str(columns)], check=True)
        started = time.perf_counter()
        with read_xlsx(path, first_only=True) as book:
            parsed = time.perf_counter() - started
            n = sum(1 for _ in book.worksheets[0].iter_rows())
        total = time.perf_counter() - started
        return {"rows": rows, "columns": columns, "file_mib": round(path.stat().st_size / 2**20, 1),
                "child_s": round(parsed, 2), "read_back_s": round(total - parsed, 2),
                "rows_read": n,
                "child_max_rss_mib": round(resource.getrusage(  # the writer's or the reader's
                    resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
                "caller_max_rss_mib": round(resource.getrusage(
                    resource.RUSAGE_SELF).ru_maxrss / 1024)}


@click.command("xlsx")
@click.option("--rows", default=100_000, show_default=True)
@click.option("--columns", default=12, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def bench_xlsx(rows, columns, as_json):
    """Read a large workbook through the child-process reader used by every XLSX upload."""
    if rows < 1 or columns < 4:
        raise click.BadParameter("--rows must be positive and --columns at least 4")
    r = run(rows, columns)
    if as_json:
        click.echo(json.dumps(r, indent=1))
        return
    click.echo(f"{r['rows']:,} rows x {r['columns']} columns ({r['file_mib']} MiB): parsed in "
               f"the child {r['child_s']} s (peak RSS {r['child_max_rss_mib']} MiB), read "
               f"back {r['read_back_s']} s; caller peak RSS {r['caller_max_rss_mib']} MiB")


commands: list = []
bench_commands = [bench_xlsx]
