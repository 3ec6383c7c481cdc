"""``fieldwork bench stats`` runs end to end on a small year (the real figure is in the README)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from fieldwork.stats.bench import synthetic_rows
from fieldwork.stats.summary import summarise


def test_bench_command_times_statistics_and_the_report(runner):
    res = runner.invoke(args=["bench", "stats", "--sheets", "3000", "--agencies", "20",
                              "--json"])
    assert res.exit_code == 0, res.output
    r = json.loads(res.output[res.output.index("{"):])
    assert r["sheets"] == 3000 and r["pdf_bytes"] > 10_000 and r["docx_bytes"] > 10_000
    assert 0.6 < r["overall_rate"] < 1.0 and r["statistics_and_report_s"] > 0


def test_synthetic_rows_feed_the_real_summaries():
    rows = synthetic_rows(5000, 10, seed=3)
    stats = summarise(rows)
    assert stats["overall"]["sheets"] == 5000 and len(stats["agencies"]) == 10
    flagged = sum(1 for r in rows if r["satisfied"] is not None)
    assert stats["overall"]["n"] == flagged
    assert all(r["reasons"] == [] for r in rows if r["satisfied"] is not False)
    with pytest.raises(ValueError):
        synthetic_rows(0, 10)


def test_bench_dataset_measures_an_existing_survey_and_its_page(runner, db, factory):
    """``fieldwork bench dataset --survey CODE``: the read, statistics and page (with its
    charts) of a survey already in the database, viewed as its manager, nothing written."""
    from .test_dataset import build

    d = build(db, factory)
    res = runner.invoke(args=["bench", "dataset", "--survey", "st-1", "--views", "3",
                              "--json"])
    assert res.exit_code == 0, res.output
    r = json.loads(res.output[res.output.index("{"):])
    assert r["survey"] == d.survey.code and r["rows"]["independent"] == 40
    assert (r["overall"]["n"], r["overall"]["satisfied"]) == (40, 34)
    assert r["page_views"] == 3 and r["page_charts"] >= 2
    assert 0 < r["page_p50_s"] <= r["page_p95_s"] and r["read_cpu_s"] >= 0
    missing = runner.invoke(args=["bench", "dataset", "--survey", "NOPE-1", "--views", "0"])
    assert missing.exit_code != 0 and "no survey NOPE-1" in missing.output


def test_bench_dataset_keeps_its_seeded_cluster_for_the_next_run():
    """Two runs of the command as a user types it (its own process, as the bench makes its
    own instance): the first seeds the kept cluster, the second measures it as it is."""
    keep = Path(tempfile.mkdtemp(prefix="fieldwork-test-kept-")) / "kept"
    keep.parent.chmod(0o755)  # the server (as postgres, when run as root) reaches it
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FIELDWORK_", "DATABASE_", "FLASK_"))}
    command = [str(Path(sys.executable).with_name("fieldwork")), "bench", "dataset",
               "--agencies", "4", "--views", "0", "--keep", str(keep), "--json"]

    def run(sheets: int) -> dict:
        done = subprocess.run([*command, "--sheets", str(sheets)], env=env,
                              capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout[done.stdout.index("{"):])

    try:
        first = run(300)
        assert first["seeded"]["sheets"] == 300 and (keep / "data" / "PG_VERSION").exists()
        assert first["rows"]["independent"] == 300
        assert first["read_server_cpu_s"] is not None and first["read_server_cpu_s"] >= 0
        again = run(999)  # seeded already: the sizes asked are ignored
        assert again["seeded"] == {"kept": str(keep.resolve())}
        assert again["rows"] == first["rows"] and again["overall"] == first["overall"]
    finally:
        shutil.rmtree(keep.parent, ignore_errors=True)
