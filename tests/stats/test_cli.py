"""``fieldwork stats SURVEY [--json]``: the issue's JSON shape, numbers of the pure functions."""

from __future__ import annotations

import json

import pytest

from fieldwork.stats.proportions import wilson_interval

from .test_dataset import build


@pytest.fixture()
def data(db, factory):
    """The ST-1 survey of test_dataset."""
    return build(db, factory)


def test_stats_json_shape_and_numbers(runner, data):
    res = runner.invoke(args=["stats", "st-1", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert {"overall", "agencies", "reasons", "snapshot"} <= set(out)
    assert {"n", "satisfied", "rate", "ci95"} <= set(out["overall"])
    assert out["overall"]["n"] == 40 and out["overall"]["satisfied"] == 34
    assert out["overall"]["rate"] == pytest.approx(0.85)
    assert out["overall"]["ci95"] == pytest.approx(list(wilson_interval(34, 40, population=2000)))
    for row in out["agencies"]:
        assert {"agency", "n", "satisfied", "rate", "ci95"} <= set(row)
    assert out["agencies"][1]["ci95"] == pytest.approx(
        list(wilson_interval(7, 10, population=1000)))
    assert all(set(r) == {"code", "count"} for r in out["reasons"])
    assert len(out["snapshot"]) == 64


def test_stats_channels_filter(runner, data):
    res = runner.invoke(args=["stats", "ST-1", "--json", "--channels", "online"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["source"] == "city_online" and out["overall"]["n"] == 0
    assert out["sources"]["independent"]["overall"]["n"] == 40
    res = runner.invoke(args=["stats", "ST-1", "--channel", "online"])
    assert res.exit_code == 0 and "Không có câu trả lời nào khớp" in res.output


def test_stats_summary_in_vietnamese_numbers(runner, data):
    res = runner.invoke(args=["stats", "ST-1"])
    assert res.exit_code == 0, res.output
    assert "34/40 hài lòng = 85,0%" in res.output
    assert "Sở Y tế" in res.output


@pytest.mark.parametrize("args, message", [
    (["stats", "NOPE"], "unknown survey"),
    (["stats", "ST-1", "--channels", "fax"], "unknown channel"),
])
def test_stats_bad_input(runner, data, args, message):
    res = runner.invoke(args=args)
    assert res.exit_code != 0
    assert message in res.output
    assert "Traceback" not in res.output
