"""``fieldwork bench omr`` runs end to end on a tiny sample (the real run is in docs)."""

from __future__ import annotations

import json

from fieldwork.omr.bench import Score


def test_bench_command_reports_the_figures(runner, tmp_path):
    result = runner.invoke(args=["bench", "omr", "--sheets", "1", "--template", "sipas",
                                 "--dpi", "150", "--json", "--save", str(tmp_path / "scans")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert report["pages"] == 2 and report["answers"] == 21
    assert report["silent_errors"] + report["flagged"] + round(
        report["accuracy"] * report["answers"]) == report["answers"]
    assert "150" in report["speed_per_core"] and report["max_rss_mib"] > 0
    saved = (tmp_path / "scans" / "truth.jsonl").read_text().splitlines()
    assert len(saved) == 2 and json.loads(saved[0])["template"] == "sipas"


def test_score_counts_flags_and_silent_errors():
    from types import SimpleNamespace as NS

    from fieldwork.omr.judge import Answer
    from fieldwork.omr.synth.degrade import Scan

    sample = NS(serial="1", page=1, dpi=150, ext="png", style="solid", scan=Scan(rotation=90),
                truth={"a": {"values": ["1"], "status": "ok"},
                       "b": {"values": [], "status": "blank"},
                       "c": {"values": ["1", "2"], "status": "multiple"}})
    result = NS(status="read", seconds=0.05, reason=None, detail="", answers={
        "a": Answer("a", "single", ["1"], "ok"), "b": Answer("b", "single", ["3"], "ok"),
        "c": Answer("c", "single", ["1", "2"], "multiple")})
    score = Score()
    score.add_page(sample, result, 0.01)
    s = score.summary()
    assert (s["answers"], s["silent_errors"], s["flagged"], s["turned_pages_read"]) == (3, 1, 1, 1)
    assert s["flagged_true_double_marks"] == 1
