"""fieldwork bench load, tiny: real server, real HTTP, SQLite; nothing lost, nothing twice.

It checks the counting, not the speed (the figures are in docs/performance.md).
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from fieldwork.deploy.cli import bench_load
from fieldwork.deploy.loadbench import check_keying, percentiles, table


def test_bench_load_tiny_counts_add_up():
    res = CliRunner().invoke(bench_load, [
        "--keyers", "4", "--sheets-per-keyer", "3", "--scan-pages", "2",
        "--database", "sqlite", "--workers", "2", "--threads", "2", "--json"])
    assert res.exit_code == 0, res.output
    r = json.loads(res.stdout)
    k, s = r["keying"], r["scans"]
    assert r["ok"] and r["http_5xx"] == 0 and r["errors"] == 0
    assert k["acknowledged"] == k["sheets_stored"] == k["keying_rows"] == 12
    assert (k["lost"], k["duplicated"], k["unexpected"], k["wrong_answers"]) == (0, 0, 0, 0)
    assert s["pages_uploaded"] == s["pages_stored"] == s["read"] == 2
    assert (s["pages_lost"], s["pages_read_twice"], s["batch_status"]) == (0, 0, "done")
    # every sheet is a GET of its page and a POST of its answers
    assert r["get"]["n"] == r["post"]["n"] == 12 and r["page"]["n"] == 24
    assert r["page"]["p50_ms"] <= r["page"]["p95_ms"] <= r["page"]["p99_ms"] <= \
        r["page"]["max_ms"]
    assert "lost 0, duplicated 0" in table(r) and table(r).endswith("OK")


def _row(serial, keyings, rows=1):
    from fieldwork.deploy.loadbench import answers_for
    typed = answers_for(serial)
    return {"rows": rows, "keyings": keyings, "enumerator": keyings[0],
            "answers": {"q01": [typed["q01"]], "q02": typed["q02"],
                        "procedure": [typed["procedure"]]}}


def test_check_keying_tells_lost_duplicated_and_unexpected_apart():
    from fieldwork.deploy.loadbench import Keyer
    keyers = [Keyer("a@x.vn", [1, 2, 3]), Keyer("b@x.vn", [4, 5])]
    rows = {1: _row(1, ["a@x.vn"]), 2: _row(2, ["a@x.vn", "a@x.vn"]),
            4: _row(4, ["b@x.vn"]), 5: _row(5, ["b@x.vn"])}
    rows[5]["answers"]["q01"] = ["maybe"]
    r = check_keying(rows, keyers, {"a@x.vn": {1, 2, 3}, "b@x.vn": {5}})
    assert (r["lost"], r["duplicated"], r["unexpected"], r["wrong_answers"]) == (1, 1, 1, 1)
    assert r["examples"]["lost"] == [3] and r["examples"]["unexpected"] == [4]
    r = check_keying(rows, keyers, {"a@x.vn": {1}}, {"b@x.vn": {4}})  # 4 was in flight
    assert r["unexpected"] == 2 and r["examples"]["unexpected"] == [2, 5]


def test_percentiles_nearest_rank():
    p = percentiles([i / 1000 for i in range(1, 101)])
    assert (p["n"], p["p50_ms"], p["p95_ms"], p["p99_ms"], p["max_ms"]) == (100, 50, 95, 99, 100)
    assert percentiles([])["p95_ms"] is None
