"""Sample-size policies against the seeds' worked examples and at their boundaries."""

from __future__ import annotations

from fractions import Fraction

import pytest

from fieldwork.plans import sampling as s


def test_decision_2223_worked_example():
    """Seed 002: N = 4,000 at 6 % gives 259.7403, "at least 259 forms"."""
    r = s.qd2223(4000)
    assert r.params["margin"] == Fraction(6, 100)
    assert r.exact == Fraction(4000) / (1 + Fraction(4000 * 36, 10000))
    assert r.exact_float == 259.74
    assert round(float(r.exact), 4) == 259.7403
    assert r.required == 259  # the decision's own rounding
    assert s.qd2223(4000, "ceil").required == 260


@pytest.mark.parametrize(("n", "e"), [
    (0, 7), (1, 7), (2000, 7), (2001, 6), (4000, 6), (4001, 5), (6000, 5), (6001, 4),
    (10000, 4), (10001, 3), (250000, 3)])
def test_decision_2223_tiers(n, e):
    assert s.margin_2223(n) == Fraction(e, 100)


@pytest.mark.parametrize(("n", "floor"), [
    (2000, 185),   # 2000 / (1 + 2000 × 0.0049) = 2000 / 10.8 = 185.19
    (2001, 243),   # 2001 / (1 + 2001 × 0.0036) = 2001 / 8.2036 = 243.92
    (6000, 375),   # 6000 / (1 + 6000 × 0.0025) = 6000 / 16 = 375 exactly
    (10000, 588),  # 10000 / (1 + 10000 × 0.0016) = 10000 / 17 = 588.24
    (10001, 1000),  # 10001 / (1 + 10001 × 0.0009) = 10001 / 10.0009 = 1000.01
])
def test_decision_2223_values(n, floor):
    assert s.qd2223(n).required == floor


def test_decision_2223_exact_integer_is_not_rounded_away():
    r = s.qd2223(6000)
    assert r.exact == 375 and r.required == 375 and s.qd2223(6000, "ceil").required == 375


def test_half_year_seed_example():
    """Seed 002: Sở A files 10 times in the first half and once in the second: 2 surveys."""
    r = s.half_year(10, 1)
    assert r.required == 2 and r.exact == 2
    assert s.half_year(0, 5).required == 1
    assert s.half_year(0, 0).required == 0
    assert s.half_year_bodies(14, 11).required == 25


@pytest.mark.parametrize(("n", "required"), [
    (200, 200), (666, 200), (667, 201), (700, 210), (1000, 300)])
def test_decision_5489(n, required):
    """Seed 000: at least 200 and 30 % of dossiers, for 200 to 1,000 dossiers."""
    assert s.qd5489(n).required == required


def test_decision_5489_exact_share():
    r = s.qd5489(1000)
    assert r.params["share_value"] == 300 and r.exact == 300  # never 300.00000000000006


@pytest.mark.parametrize("n", [0, 199, 1001, 5000])
def test_decision_5489_outside_range(n):
    with pytest.raises(s.OutOfRange):
        s.qd5489(n)


@pytest.mark.parametrize(("n", "required"), [(0, 0), (1, 1), (99, 99), (100, 100), (999, 100)])
def test_hue_2024(n, required):
    """Seed 004: under 100 dossiers all of them; 100 to under 1,000 at least 100."""
    assert s.hue2024(n).required == required


@pytest.mark.parametrize("n", [1000, 1001, 20000])
def test_hue_2024_outside_range(n):
    with pytest.raises(s.OutOfRange):
        s.hue2024(n)


@pytest.mark.parametrize("bad", [-1, "-5", "abc", "4.5", 4.5, None, True, "", "1e3"])
def test_bad_counts(bad):
    with pytest.raises(s.InvalidCount):
        s.qd2223(bad)


def test_counts_as_text_and_float():
    assert s.qd2223("4000").required == 259
    assert s.qd2223(4000.0).required == 259


def test_unknown_policy_and_rounding():
    with pytest.raises(s.UnknownPolicy):
        s.compute("nope", 10)
    with pytest.raises(ValueError):
        s.qd2223(10, "banker")


def test_scope_row_uses_half_year_rule_for_state_bodies():
    assert s.for_scope(s.QD2223, "floor", 420, True, 14, 11).required == 25
    with pytest.raises(s.InvalidCount):
        s.for_scope(s.QD2223, "floor", 420, True, None, 11)
    assert s.for_scope(s.QD2223, "floor", 4000, False, None, None).required == 259


def test_explanations_in_vietnamese(app):
    from fieldwork.plans.sampling_text import error_message, explain
    with app.test_request_context("/"):
        text = explain(s.qd2223(4000))
        assert text["formula"] == "n = 4.000 / (1 + 4.000 × 0,06²) = 259,74 → 259"
        assert "6%" in text["rule"] and "2.001" in text["rule"]
        assert "làm tròn xuống" in text["rule"]
        msg = error_message(s.OutOfRange(s.HUE2024, 1500, 0, 999))
        assert "1.500" in msg and "Huế" in msg


# --- the unit: n on the agency's yearly N, then shared over its fields --------------------

def test_unit_of_two_fields_gets_the_decisions_259_not_185_plus_185():
    """Seed 002's Sở A: 4,000 dossiers a year, here 2,000 in each of two fields."""
    unit = s.for_unit(s.QD2223, "floor", {"HT": 2000, "CT": 2000})
    assert unit.result.dossiers == 4000 and unit.result.exact_float == 259.74
    assert unit.required == 259 and unit.total == 259
    # 259 × 2000 / 4000 = 129.5 each; the tie goes to the earlier field.
    assert unit.shares == {"HT": 130, "CT": 129}
    assert unit.exact_shares == {"HT": Fraction(259, 2), "CT": Fraction(259, 2)}
    assert not unit.raised and not unit.floor_raised


def test_unit_shares_follow_the_fields_dossiers():
    # 6,000 dossiers: e = 5 %, n = 375 exactly; 375 × 1000/6000 = 62.5, × 5000/6000 = 312.5
    unit = s.for_unit(s.QD2223, "floor", {"a": 1000, "b": 5000})
    assert unit.required == 375 and unit.shares == {"a": 62, "b": 313}


@pytest.mark.parametrize("policy", [s.QD2223, s.HUE2024])
def test_one_dossier_requires_one_form(policy):
    unit = s.for_unit(policy, "floor", {"only": 1})
    assert unit.required == 1 and unit.shares == {"only": 1}
    if policy == s.QD2223:  # 1 / (1 + 0.0049) = 0.995, the decision's rounding gives 0
        assert unit.result.required == 0 and unit.floor_raised


def test_a_field_with_dossiers_is_never_left_at_zero():
    # n = 259 on 4,000; the small field's exact share 259 × 1/4000 = 0.065 rounds to 0
    unit = s.for_unit(s.QD2223, "floor", {"big": 3999, "small": 1})
    assert unit.required == 259 and unit.shares == {"big": 259, "small": 1}
    assert unit.raised == ("small",) and unit.total == 260


def test_no_dossiers_require_nothing():
    unit = s.for_unit(s.QD2223, "floor", {"a": 0, "b": 0})
    assert unit.required == 0 and unit.shares == {"a": 0, "b": 0}


def test_just_over_ten_thousand_moves_to_the_three_percent_tier():
    unit = s.for_unit(s.QD2223, "floor", {"a": 5000, "b": 5001})
    assert unit.result.params["margin"] == Fraction(3, 100)
    assert unit.required == 1000 and sum(unit.shares.values()) == 1000


def test_unit_refuses_a_bad_count_before_computing():
    with pytest.raises(s.InvalidCount):
        s.for_unit(s.QD2223, "floor", {"a": 10, "b": -1})


def test_unit_explanation_shows_exact_value_rounding_and_allocation(app):
    from fieldwork.plans.sampling_text import ADOPTION, explain
    with app.test_request_context("/"):
        unit = s.for_unit(s.QD2223, "floor", {1: 2000, 2: 2000})
        text = explain(unit.result, unit, 2)
        assert text["formula"] == "n = 4.000 / (1 + 4.000 × 0,06²) = 259,74 → 259"
        assert "129,5 → 129" in text["allocation"] and "2" in text["allocation"]
        assert "ít nhất 1" in text["rule"]  # the floor rule beside the decision's
        assert "III.2.c" in str(ADOPTION[s.QD2223])
        one = s.for_unit(s.QD2223, "floor", {1: 1})
        assert explain(one.result, one, 1)["formula"].endswith("= 0,9951 → 0 → 1")


def test_requirements_compute_n_per_agency_not_per_row(factory, db):
    from fieldwork.plans.operations import add_scope
    from fieldwork.plans.progress import requirements
    a, b = factory.agency("Sở A"), factory.agency("Sở B")
    ht, ct = factory.field("HT", "Hộ tịch"), factory.field("CT", "Chứng thực")
    survey = factory.survey("UNIT-2026")
    for agency, field, n in ((a, ht, 2000), (a, ct, 2000), (b, None, 1)):
        add_scope(survey, {"agency_id": agency.id, "field_id": field.id if field else "",
                           "dossiers": n}, "test")
    db.session.flush()
    reqs = {r.scope.label: r for r in requirements(survey)}
    assert reqs["Sở A – Hộ tịch"].required + reqs["Sở A – Chứng thực"].required == 259
    assert reqs["Sở A – Hộ tịch"].result.dossiers == 4000
    assert reqs["Sở B"].required == 1


def test_cli_shares_n_over_fields(runner):
    import json
    res = runner.invoke(args=["sample-size", "--policy", "qd2223-2025", "--field", "HT=2000",
                              "--field", "CT=2000", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["dossiers"] == 4000 and out["exact"] == 259.74 and out["required"] == 259
    assert [(f["field"], f["required"]) for f in out["fields"]] == [("HT", 130), ("CT", 129)]
    one = json.loads(runner.invoke(args=["sample-size", "--policy", "qd2223-2025",
                                         "--dossiers", "1", "--json"]).output)
    assert one["required"] == 1 and one["policy_required"] == 0
    bad = runner.invoke(args=["sample-size", "--policy", "qd2223-2025", "--field", "HT=-3"])
    assert bad.exit_code == 2 and "-3" in bad.output


@pytest.mark.parametrize(("rows", "formula", "words"), [
    ({"a": 0}, "N = 0 → 0", "không yêu cầu phiếu nào"),
    ({"a": 1}, "n = 1 / (1 + 1 × 0,07²) = 0,9951 → 0 → 1", "ít hơn 1 phiếu"),
    ({"a": 10001}, "n = 10.001 / (1 + 10.001 × 0,03²) = 1.000,01 → 1.000", "trên 10.000"),
])
def test_boundary_counts_are_explained(app, rows, formula, words):
    """N = 0, 1 and 10,001: what is required and why, in words."""
    from fieldwork.plans.sampling_text import explain
    with app.test_request_context("/"):
        unit = s.for_unit(s.QD2223, "floor", rows)
        text = explain(unit.result, unit, "a")
        assert text["formula"] == formula
        assert words in text["rule"]
