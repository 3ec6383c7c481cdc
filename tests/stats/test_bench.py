"""``fieldwork bench stats`` runs end to end on a small year (the real figure is in the README)."""

from __future__ import annotations

import json

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
