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
