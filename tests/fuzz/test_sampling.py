"""Properties of the sample-size policies (fieldwork.plans.sampling) and of the margin of
error with the finite-population correction (fieldwork.stats.proportions).

Formulas as the module docstrings state them: Slovin n = N / (1 + N e²) with Decision
2223's tiered e; at least max(200, 30 % N) for 200-1,000 dossiers (5489/2016); Hue 2024;
the half-year rule; and z·sqrt(p(1-p)/n · (N-n)/(N-1)) with z = Φ⁻¹(0.5 + c/2).
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from fieldwork.plans import sampling as s
from fieldwork.stats import proportions as pr

from .budget import examples

COUNTS = st.integers(min_value=0, max_value=10**9)
TIER_EDGES = [0, 1, 2000, 2001, 4000, 4001, 6000, 6001, 10000, 10001, 10**12]


def _tier_margin(n: int) -> float:
    return 0.07 if n <= 2000 else 0.06 if n <= 4000 else 0.05 if n <= 6000 else \
        0.04 if n <= 10000 else 0.03


@settings(max_examples=examples(300))
@given(n=st.one_of(COUNTS, st.sampled_from(TIER_EDGES)), rounding=st.sampled_from(s.ROUNDINGS))
@example(n=4000, rounding="floor")
def test_qd2223_matches_slovin_and_never_exceeds_n(n, rounding):
    r = s.qd2223(n, rounding)
    e = _tier_margin(n)
    assert r.params["margin"] == Fraction(str(e))
    assert math.isclose(float(r.exact), n / (1 + n * e * e), rel_tol=1e-12, abs_tol=1e-12)
    assert r.required == (math.floor(r.exact) if rounding == "floor" else math.ceil(r.exact))
    assert 0 <= r.required <= n
    assert r.exact < 1 / Fraction(str(e)) ** 2  # Slovin never asks more than 1/e²
    if n == 4000:  # the decision's own worked example
        assert r.exact_float == 259.74 and (r.required == 259 if rounding == "floor" else 260)


@settings(max_examples=examples(300))
@given(a=COUNTS, b=COUNTS, rounding=st.sampled_from(s.ROUNDINGS))
@example(a=2000, b=2001, rounding="floor").via("tier edge")
@example(a=10000, b=10001, rounding="ceil").via("tier edge")
def test_qd2223_is_monotone_in_n(a, b, rounding):
    lo, hi = sorted((a, b))
    # e shrinks as N grows, and Slovin grows with N and with 1/e: never fewer forms for more.
    assert s.qd2223(lo, rounding).exact <= s.qd2223(hi, rounding).exact
    assert s.qd2223(lo, rounding).required <= s.qd2223(hi, rounding).required
    assert s.qd2223(lo, "floor").required <= s.qd2223(lo, "ceil").required \
        <= s.qd2223(lo, "floor").required + 1


@settings(max_examples=examples(200))
@given(n=COUNTS, e1=st.fractions(min_value=Fraction(1, 1000), max_value=Fraction(999, 1000)),
       e2=st.fractions(min_value=Fraction(1, 1000), max_value=Fraction(999, 1000)))
def test_slovin_shrinks_as_the_margin_grows(n, e1, e2):
    small, big = sorted((e1, e2))
    assert s.slovin(n, big) <= s.slovin(n, small) <= n


@settings(max_examples=examples(100))
@given(n=COUNTS, e=st.one_of(st.fractions(max_value=0), st.fractions(min_value=1),
                             st.sampled_from([Fraction(0), Fraction(1)])))
def test_slovin_rejects_a_margin_outside_0_1(n, e):
    with pytest.raises(ValueError):
        s.slovin(n, e)


@settings(max_examples=examples(200))
@given(n=st.integers(min_value=0, max_value=10**7))
def test_qd5489_minimum_and_share(n):
    if not 200 <= n <= 1000:
        with pytest.raises(s.OutOfRange) as err:
            s.qd5489(n)
        assert (err.value.low, err.value.high, err.value.dossiers) == (200, 1000, n)
        return
    r = s.qd5489(n)
    assert r.required == max(200, math.ceil(Fraction(3, 10) * n))
    assert r.required >= 200 and r.required >= Fraction(3, 10) * n and r.required <= n
    if n < 1000:
        assert s.qd5489(n + 1).required >= r.required


@settings(max_examples=examples(200))
@given(n=st.integers(min_value=0, max_value=10**7))
@example(n=99).via("edge")
@example(n=100).via("edge")
@example(n=999).via("edge")
@example(n=1000).via("edge")
def test_hue2024_all_under_100_then_100(n):
    if n >= 1000:
        with pytest.raises(s.OutOfRange):
            s.hue2024(n)
        return
    r = s.hue2024(n)
    assert r.required == (n if n < 100 else 100) and r.required <= n
    assert r.rule == ("all" if n < 100 else "minimum")


@settings(max_examples=examples(200))
@given(h1=COUNTS, h2=COUNTS)
@example(h1=10, h2=1).via("the 'Sở A' example of seed 002")
def test_half_year_rules(h1, h2):
    r = s.half_year(h1, h2)
    assert r.required == (h1 > 0) + (h2 > 0) and r.dossiers == h1 + h2
    assert r.required <= min(2, h1 + h2)
    if (h1, h2) == (10, 1):
        assert r.required == 2
    # An agency serving only state bodies: one survey per body per half-year, summed.
    b = s.for_scope(s.QD2223, "floor", 0, True, h1, h2)
    assert b.required == h1 + h2 == b.params["h1"] + b.params["h2"]
    with pytest.raises(s.InvalidCount):
        s.for_scope(s.QD2223, "floor", 0, True, h1, None)


@settings(max_examples=examples(200))
@given(policy=st.sampled_from(s.POLICIES), n=COUNTS, rounding=st.sampled_from(s.ROUNDINGS))
def test_compute_and_for_scope_agree(policy, n, rounding):
    try:
        r = s.compute(policy, n, rounding)
    except s.OutOfRange:
        with pytest.raises(s.OutOfRange):
            s.for_scope(policy, rounding, n, False, None, None)
        return
    assert r == s.for_scope(policy, rounding, n, False, None, None)
    assert r.policy == policy and 0 <= r.required <= n


WHOLE = st.integers(min_value=0, max_value=10**30)
BAD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(max_value=-1),
    st.floats(allow_nan=True, allow_infinity=True).filter(
        lambda f: not (f.is_integer() and f >= 0) if math.isfinite(f) else True),
    st.text(max_size=12), st.binary(max_size=8), st.lists(st.integers(), max_size=2),
    st.fractions(), st.complex_numbers(allow_nan=True),
    st.sampled_from(["", "-5", "4 000", "4,000", "1e3", "²", "++5", "+-5", "0x10", "nan",
                     "inf", "٣٤", "١٢\n", "4000.0", "Infinity"]))


@settings(max_examples=examples(400))
@given(value=st.one_of(BAD_VALUES, WHOLE, WHOLE.map(str), WHOLE.map(float)))
@example(value="²").via("a digit int() does not take (bug fixed in check_count)")
@example(value="++5").via("two signs (bug fixed in check_count)")
@example(value=float("nan"))
@example(value=float("inf"))
@example(value=-1)
@example(value=True)
@example(value=10**30)
def test_bad_counts_give_the_documented_error(value):
    """Any value is either a count >= 0 or InvalidCount, for every policy; never a crash."""
    try:
        n = s.check_count(value)
    except s.InvalidCount as exc:
        assert exc.name == "N" and str(exc)
        for policy in (*s.POLICIES, s.HALF_YEAR):
            with pytest.raises(s.SampleSizeError):
                if policy == s.HALF_YEAR:
                    s.half_year(value, 0)
                else:
                    s.compute(policy, value)
        return
    assert isinstance(n, int) and not isinstance(n, bool) and n >= 0
    for policy in s.POLICIES:
        try:
            assert s.compute(policy, value).required <= n
        except s.OutOfRange:
            pass


@settings(max_examples=examples(50))
@given(name=st.text(max_size=20).filter(lambda x: x not in s.POLICIES))
def test_unknown_policy(name):
    with pytest.raises(s.UnknownPolicy) as err:
        s.compute(name, 100)
    assert repr(name) in str(err.value)


# --- margin of error and the finite-population correction (stats.proportions) -----------

CONFIDENCE = st.floats(min_value=0.5, max_value=0.999)


@settings(max_examples=examples(300))
@given(data=st.data(), population=st.integers(min_value=2, max_value=10**7),
       p=st.floats(min_value=0.0, max_value=1.0), confidence=CONFIDENCE)
def test_margin_of_error_is_the_normal_formula_with_fpc(data, population, p, confidence):
    n = data.draw(st.integers(min_value=1, max_value=population), label="n")
    z = norm.ppf(0.5 + confidence / 2)
    direct = z * math.sqrt(p * (1 - p) / n * (population - n) / (population - 1))
    got = pr.margin_of_error(n, population, p, confidence)
    assert math.isclose(got, direct, rel_tol=1e-9, abs_tol=1e-12)
    assert got <= pr.margin_of_error(n, None, p, confidence) + 1e-15  # FPC only narrows
    assert 0.0 <= pr.fpc(n, population) <= 1.0
    if n == population:
        assert got == 0.0  # a census has no sampling error
    if n < population:  # more answers, smaller margin; more confidence, larger margin
        assert pr.margin_of_error(n + 1, population, p, confidence) <= got + 1e-15
        assert pr.fpc(n + 1, population) <= pr.fpc(n, population)
    higher = min(0.9999, confidence + 0.01)
    assert pr.margin_of_error(n, population, p, higher) >= got - 1e-15


@settings(max_examples=examples(200))
@given(data=st.data(), population=st.one_of(st.none(), st.integers(min_value=1, max_value=10**6)),
       confidence=CONFIDENCE)
def test_wilson_interval_holds_the_rate(data, population, confidence):
    n = data.draw(st.integers(min_value=1, max_value=population or 10**6), label="n")
    k = data.draw(st.integers(min_value=0, max_value=n), label="successes")
    lo, hi = pr.wilson_interval(k, n, confidence, population)
    assert 0.0 <= lo <= k / n + 1e-12 and k / n - 1e-12 <= hi <= 1.0
    if population is not None:
        plain = pr.wilson_interval(k, n, confidence)
        assert hi - lo <= plain[1] - plain[0] + 1e-12


@settings(max_examples=examples(200))
@given(n=st.one_of(st.integers(max_value=0), st.integers(min_value=1)),
       population=st.one_of(st.none(), st.integers()),
       p=st.floats(allow_nan=True, allow_infinity=True),
       confidence=st.floats(allow_nan=True, allow_infinity=True))
@example(n=10, population=100, p=0.5, confidence=float("nan"))
@example(n=10, population=5, p=0.5, confidence=0.95)
@example(n=10, population=0, p=0.5, confidence=0.95)
def test_margin_of_error_bad_input_is_a_value_error(n, population, p, confidence):
    try:
        got = pr.margin_of_error(n, population, p, confidence)
    except ValueError as exc:
        assert str(exc)
        return
    assert n > 0 and 0 <= p <= 1 and 0 < confidence < 1
    assert population is None or 1 <= population and n <= population
    assert math.isfinite(got) and got >= 0
