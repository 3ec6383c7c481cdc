"""5-level criteria, SIPAS aspect indices, respondent profile and groups, by hand."""

from __future__ import annotations

import pytest
from statsmodels.stats.proportion import proportion_confint

from fieldwork.forms.builtin import danang_2025, sipas
from fieldwork.stats.criteria import (
    aspect_indices,
    criteria,
    group_rates,
    layout,
    merge_layouts,
    profile,
    sipas_index,
)

LAYOUT = layout(sipas())


def _row(serial, satisfied, items, profile_=None):
    return {"serial": serial, "version": 1, "agency": "A", "field": None,
            "channel": "paper_keyed", "satisfied": satisfied, "reasons": [],
            "items": items, "profile": profile_ or {}}


def rows():
    """Six SIPAS sheets (access_1..3 and procedure_1 answered) and one imported row."""
    a1 = ["5", "4", "3", "2", "na", None]
    a2 = ["4", "4", "4", "1", "5", "3"]
    p1 = ["5", "5", "5", "4", "2", "1"]
    gender = ["male", "female", "male", None, "male", "female"]
    occupation = ["official", "official", "farmer", "farmer", None, "official"]
    sat = [True, True, False, False, True, None]
    out = [_row(i, sat[i], {"access_1": a1[i], "access_2": a2[i], "access_3": None,
                            "procedure_1": p1[i], "overall": "4"},
                {"gender": gender[i], "occupation": occupation[i]})
           for i in range(6)]
    out.append({"serial": "online-1", "version": None, "agency": "A", "field": None,
                "channel": "online", "satisfied": True, "reasons": []})  # no items at all
    return out


def test_layout_of_the_builtin_forms():
    assert [a["code"] for a in LAYOUT["aspects"]] == [
        "access", "procedure", "officials", "results", "feedback"]
    assert LAYOUT["aspects"][0]["title"] == "Tiếp cận dịch vụ"  # "1. " numbering dropped
    assert len(LAYOUT["items"]) == 17 and LAYOUT["items"][-1]["code"] == "overall"
    assert [p["code"] for p in LAYOUT["profile"]] == [
        "gender", "age_group", "education", "occupation"]
    assert LAYOUT["group"] == "occupation"
    assert layout(danang_2025()) == {"items": [], "aspects": [], "profile": [], "group": None}
    assert merge_layouts([layout(danang_2025()), LAYOUT]) == LAYOUT


def test_item_results_by_hand():
    res = {c["code"]: c for c in criteria(rows(), LAYOUT["items"])}
    a1 = res["access_1"]
    assert (a1["n"], a1["top2"], a1["bottom2"], a1["not_applicable"], a1["blank"]) == (
        4, 2, 1, 1, 1)  # the imported row is not a blank: its form has no such item
    assert a1["top2_rate"] == 0.5 and a1["bottom2_rate"] == 0.25 and a1["mean"] == 3.5
    assert a1["top2_ci95"] == pytest.approx(proportion_confint(2, 4, method="wilson"))
    a2 = res["access_2"]
    assert a2["top2_rate"] == pytest.approx(4 / 6) and a2["mean"] == pytest.approx(21 / 6)
    assert res["access_3"]["n"] == 0 and res["access_3"]["top2_rate"] is None
    assert res["access_3"]["blank"] == 6
    assert res["results_1"]["n"] == 0 and res["results_1"]["blank"] == 0


def test_aspect_index_is_the_mean_of_item_shares():
    results = criteria(rows(), LAYOUT["items"])
    aspects = {a["code"]: a for a in aspect_indices(results, LAYOUT["aspects"])}
    access = aspects["access"]
    assert (access["items"], access["rated_items"]) == (3, 2)
    assert access["index"] == pytest.approx((0.5 + 4 / 6) / 2)
    assert aspects["procedure"]["index"] == pytest.approx(4 / 6)  # 5,5,5,4 of 6
    assert aspects["results"]["index"] is None
    assert sipas_index(list(aspects.values())) == pytest.approx(((0.5 + 4 / 6) / 2 + 4 / 6) / 2)
    assert sipas_index([]) is None


def test_profile_counts_and_shares():
    prof = {p["code"]: p for p in profile(rows(), LAYOUT["profile"])}
    gender = prof["gender"]
    assert (gender["answered"], gender["blank"]) == (5, 1)
    assert [(o["code"], o["count"]) for o in gender["options"]] == [("male", 3), ("female", 2)]
    assert gender["options"][0]["share"] == pytest.approx(0.6)
    assert gender["options"][0]["label"] == "Nam"
    assert prof["age_group"]["answered"] == 0 and prof["age_group"]["blank"] == 0
    assert all(o["share"] is None for o in prof["age_group"]["options"])


def test_group_rates_by_occupation():
    item = next(p for p in LAYOUT["profile"] if p["code"] == "occupation")
    g = group_rates(rows(), item)
    assert g["item"] == "occupation" and g["title"] == "Nghề nghiệp"
    by = {x["group"]: x for x in g["rates"]}
    assert list(by) == ["official", "farmer", None]  # option order, no answer last
    assert (by["official"]["n"], by["official"]["satisfied"]) == (2, 2)  # one blank flag
    assert (by["farmer"]["n"], by["farmer"]["rate"]) == (2, 0.0)
    assert by["official"]["label"] == "Cán bộ, công chức, viên chức"
    assert by["farmer"]["ci95"] == pytest.approx(proportion_confint(0, 2, method="wilson"))
    assert group_rates(rows(), None) == {}
