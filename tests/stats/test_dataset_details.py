"""Criteria, profile, groups, periods, procedures and comments from the database rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from fieldwork.forms.builtin import sipas
from fieldwork.stats.breakdowns import period_rates
from fieldwork.stats.criteria import aspect_indices, criteria, layout
from fieldwork.stats.dataset import dataset, snapshot_id
from fieldwork.stats.scales import scale_summary
from fieldwork.stats.statistics import survey_statistics
from fieldwork.stats.summary import summarise

from ..quality.conftest import add_sheet
from .sipas_data import SHEETS, answers, build_sipas
from .test_dataset import build

KEYS = ("criteria", "aspects", "profile", "procedures", "periods", "groups", "comments")


def test_sipas_criteria_profile_and_groups(db, factory):
    d = build_sipas(db, factory)
    result = survey_statistics(d.survey)
    assert set(KEYS) <= set(result)
    items = {c["code"]: c for c in result["criteria"]}
    assert len(items) == 17
    values = [(answers(s)["access_1"] or [None])[0] for s in range(1, SHEETS + 1)]
    expected = scale_summary(values)
    got = items["access_1"]
    assert (got["n"], got["top2"], got["not_applicable"], got["blank"]) == (
        expected.n, expected.top2, expected.not_applicable, expected.blank)
    assert got["mean"] == pytest.approx(expected.mean)
    assert items["overall"]["top2"] == result["overall"]["satisfied"] == 15
    lay = layout(sipas())
    got = dataset(d.survey)
    rows, meta = got.rows, got.meta
    assert meta["layout"] == lay
    assert result["aspects"] == aspect_indices(criteria(rows, lay["items"]), lay["aspects"])
    access = result["aspects"][0]
    assert access["index"] == pytest.approx(
        sum(items[f"access_{i}"]["top2_rate"] for i in (1, 2, 3)) / 3)
    gender = next(p for p in result["profile"] if p["code"] == "gender")
    assert [(o["code"], o["count"]) for o in gender["options"]] == [("male", 10),
                                                                   ("female", 10)]
    groups = {g["group"]: g for g in result["groups"]["rates"]}
    assert result["groups"]["item"] == "occupation"
    assert groups[None]["n"] == 4  # sheets 5, 10, 15, 20 left occupation blank
    assert [m["group"] for m in result["periods"]["month"]] == ["2026-03", "2026-05"]
    assert result["procedures"] == {} and result["comments"] == []


def test_danang_rows_carry_procedure_date_and_masked_comments(db, factory):
    d = build(db, factory)
    extra = {"q01": ["no"], "q02": ["other"], "procedure": ["  Đăng ký  khai sinh "],
             "survey_date": ["14/05/2026"], "q02_other": ["Chờ lâu, gọi 0905 123 456"],
             "q03": ["CCCD của tôi 048012345678"], "phone": ["0905123456"]}
    add_sheet(db, d.survey, 77, agency=d.b, enumerator=d.lan, answers=extra,
              at=datetime(2026, 6, 1, tzinfo=UTC))
    rows = dataset(d.survey).rows
    row = next(r for r in rows if r["serial"] == 77)
    assert row["procedure"] == "Đăng ký khai sinh" and row["date"] == "2026-05-14"
    assert row["items"] == {} and row["profile"] == {}
    assert row["comments"] == [["q02_other", "Chờ lâu, gọi xxx xxx xxx 456"],
                               ["q03", "CCCD của tôi xxx xxx xxx 678"]]
    assert next(r for r in rows if r["serial"] == 1)["date"] == "2026-03-10"  # received
    result = survey_statistics(d.survey)
    assert result["criteria"] == [] and result["aspects"] == [] and result["profile"] == []
    assert result["groups"] == {} and result["sipas_index"] is None
    assert result["procedures"]["rows"][0]["group"] == "Đăng ký khai sinh"
    assert result["procedures"]["unnamed"] == 40
    assert result["periods"] == period_rates(rows)
    by = {c["agency"]: c for c in result["comments"]}
    assert by["Sở Y tế"]["count"] == 12  # ten "Tốt" and the two texts of sheet 77
    dumped = json.dumps(result, ensure_ascii=False)
    assert "0905123456" not in dumped and "048012345678" not in dumped
    assert "0905 123 456" not in dumped


def test_a_keyed_date_of_eight_digits_is_the_row_date(db, factory):
    d = build(db, factory)
    # As keyed entry and the reader store a date: eight single digits, ddmmyyyy.
    add_sheet(db, d.survey, 78, agency=d.b, enumerator=d.lan, answers={
        "q01": ["yes"], "survey_date": list("28082026")}, at=datetime(2026, 9, 1, tzinfo=UTC))
    rows = dataset(d.survey).rows
    assert next(r for r in rows if r["serial"] == 78)["date"] == "2026-08-28"


def test_snapshot_names_the_new_fields_too():
    row = {"serial": 1, "version": 1, "agency": "A", "field": None, "channel": "paper_keyed",
           "satisfied": True, "reasons": [], "procedure": None, "date": "2026-03-01",
           "items": {"access_1": "4", "access_2": None}, "profile": {"gender": "male"},
           "comments": [["q03", "Tốt"]]}
    same = json.loads(json.dumps(row))
    same["items"] = {"access_2": None, "access_1": "4"}  # key order never matters
    assert snapshot_id([row]) == snapshot_id([same])
    for key, value in (("date", "2026-03-02"), ("comments", [["q03", "Tốt!"]]),
                       ("items", {"access_1": "5", "access_2": None})):
        assert snapshot_id([row]) != snapshot_id([{**row, key: value}])


def test_summarise_without_layout_has_every_key_empty():
    rows = [{"serial": 1, "version": 1, "agency": "A", "field": None, "channel": "online",
             "satisfied": True, "reasons": []}]
    out = summarise(rows)
    assert out["criteria"] == [] and out["aspects"] == [] and out["profile"] == []
    assert out["groups"] == {} and out["procedures"] == {} and out["comments"] == []
    assert out["periods"]["undated"] == 1 and out["periods"]["month"] == []


def test_stats_json_has_the_new_keys(runner, db, factory):
    build_sipas(db, factory)
    res = runner.invoke(args=["stats", "sp-2", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert set(KEYS) <= set(out)
    assert len(out["aspects"]) == 5 and out["sipas_index"] is not None


def test_stats_summary_lists_aspects_and_quarters(runner, db, factory):
    build_sipas(db, factory)
    res = runner.invoke(args=["stats", "SP-2"])
    assert res.exit_code == 0, res.output
    assert "Chỉ số hài lòng theo yếu tố" in res.output and "  Tiếp cận dịch vụ: " in res.output
    assert "Theo quý:" in res.output and "2026-Q1: " in res.output
    assert "Lý do chưa hài lòng" not in res.output
