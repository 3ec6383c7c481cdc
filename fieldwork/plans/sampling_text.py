"""Sample-size results explained in the user's language (web pages, CLI, DOCX)."""

from __future__ import annotations

from fractions import Fraction

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import sampling as s

POLICY_LABELS = {
    s.QD2223: _l("Decision 2223/QĐ-UBND (2025): Slovin's formula, error margin by dossier count"),
    s.QD5489: _l("Decision 5489/QĐ-UBND (2016): at least 200 and 30 percent (200-1,000 dossiers)"),
    s.HUE2024: _l("Hue 2024: all dossiers under 100; at least 100 from 100 to under 1,000"),
    s.HALF_YEAR: _l("Half-year rule (agencies serving only state bodies)"),
}
# Section III.2.c is written for the city's online software; the plan says it adopts it.
ADOPTION = {
    s.QD2223: _l("Section III.2.c of Decision 2223/QĐ-UBND sets this minimum for the city's "
                 "online survey software; this plan adopts the same formula, on each agency's "
                 "yearly dossiers N, for the independent paper survey."),
}
FLOOR_RULE = _l("Beside the decision's rounding, this plan never requires fewer than 1 form of "
                "an agency, or of a field of it, that had at least 1 dossier (N ≥ 1).")
ROUNDING_LABELS = {
    "floor": _l("Round down, as in Decision 2223's own example (259.74 → 259)"),
    "ceil": _l("Round up (conservative)"),
}


def num(value, digits: int = 2) -> str:
    """A number in the current locale with at most ``digits`` decimals (4.000; 259,74)."""
    if isinstance(value, Fraction):
        value = round(float(value), digits)
    return format_decimal(value, "#,##0." + "#" * digits if digits else "#,##0")


def pct(value: Fraction) -> str:
    """A fraction as a percentage in the current locale (0.06 → 6%)."""
    return num(value * 100) + "%"


def _tier(dossiers: int) -> str:
    low = 0
    for high, _e in s.QD2223_TIERS:
        if high is None:
            return _("over %(n)s", n=num(low))
        if dossiers <= high:
            if low == 0:
                return _("up to %(n)s", n=num(high))
            return _("%(low)s to %(high)s", low=num(low + 1), high=num(high))
        low = high
    return ""


def _raised(result: s.SampleSize, required: int) -> str:
    """`` → 1`` when our floor raised the policy's whole forms, else nothing."""
    return f" → {num(required)}" if required != result.required else ""


def allocation(unit: s.UnitSample, key) -> str:
    """How one row's share of its agency's n was reached (empty for a single-row agency)."""
    if len(unit.shares) < 2:
        return ""
    text = _("n = %(n)s of the agency shared over its %(k)s fields in proportion to their "
             "dossiers (largest remainder): %(exact)s → %(share)s.", n=num(unit.required),
             k=len(unit.shares), exact=num(unit.exact_shares[key]),
             share=num(unit.shares[key] if key not in unit.raised else 0))
    if key in unit.raised:
        text += " " + _("Raised to 1: this field had dossiers.")
    return text


def explain(result: s.SampleSize, unit: s.UnitSample | None = None, key=None,
            required: int | None = None) -> dict[str, str]:
    """``formula`` (the arithmetic on the agency's N), ``rule`` (which rule and rounding) and
    ``allocation`` (this row's share of the agency's n) as text."""
    p = result.params
    n = result.dossiers
    if required is None:
        required = unit.required if unit is not None else s.at_least_one(result.required, n)
    up = _raised(result, required)
    alloc = allocation(unit, key) if unit is not None and key is not None else ""
    if result.rule == "slovin":
        e = p["margin"]
        formula = (f"n = {num(n)} / (1 + {num(n)} × {num(e)}²) = {num(result.exact)}"
                   f" → {num(result.required)}{up}")
        if p["rounding"] == "floor":
            rounding = _("rounded down, as in the decision's own example (259.74 → 259 forms)")
        else:
            rounding = _("rounded up to whole forms")
        rule = _("Decision 2223/2025: error margin e = %(e)s for %(tier)s dossiers a year; "
                 "%(rounding)s.", e=pct(e), tier=_tier(n), rounding=rounding) + " " + str(
                     FLOOR_RULE)
    elif result.rule == "minimum_and_share":
        formula = (f"max(200; 30% × {num(n)} = {num(p['share_value'])}) = {num(result.exact)}"
                   f" → {num(result.required)}")
        rule = _("Decision 5489/2016: at least 200 forms and at least 30 percent of the dossiers "
                 "(units with 200 to 1,000 dossiers); a fraction is rounded up.")
    elif result.rule == "all":
        formula = f"n = N = {num(n)}"
        rule = _("Hue 2024: under 100 dossiers, every dossier is surveyed (100 percent).")
    elif result.rule == "minimum":
        formula = f"n = {num(result.required)}"
        rule = _("Hue 2024: from 100 to under 1,000 dossiers, at least 100 forms.")
    elif result.rule == "half_year":
        formula = (f"({num(p['h1'])} > 0) + ({num(p['h2'])} > 0) = {num(result.required)}{up}")
        rule = _("Decision 2223/2025, agencies serving only state bodies: one survey per "
                 "submitting body for each half-year in which it submitted.")
    else:  # half_year_bodies
        formula = f"{num(p['h1'])} + {num(p['h2'])} = {num(result.required)}{up}"
        rule = _("Decision 2223/2025, agencies serving only state bodies: one survey per "
                 "submitting body for each half-year in which it submitted (bodies in the "
                 "first half + bodies in the second half).")
    if up and result.rule != "slovin":
        rule += " " + str(FLOOR_RULE)
    return {"formula": formula, "rule": rule, "allocation": alloc}


def error_message(exc: s.SampleSizeError) -> str:
    """A sample-size error in the user's language."""
    if isinstance(exc, s.OutOfRange):
        if exc.policy == s.QD5489:
            return _("Decision 5489/2016 only covers units with 200 to 1,000 dossiers; "
                     "N = %(n)s is outside that range. Choose another policy.", n=num(exc.dossiers))
        return _("The Hue 2024 rule only covers fewer than 1,000 dossiers; N = %(n)s is "
                 "outside that range. Choose another policy.", n=num(exc.dossiers))
    if isinstance(exc, s.UnknownPolicy):
        return _("Unknown sample-size policy %(name)s; choose one of %(names)s.",
                 name=exc.name, names=", ".join((*s.POLICIES, s.HALF_YEAR)))
    if isinstance(exc, s.InvalidCount):
        if exc.value is None:
            return _("This agency serves only state bodies: enter how many submitting bodies "
                     "filed dossiers in each half of the year.")
        return _("%(name)s must be a whole number, 0 or more; got “%(value)s”.",
                 name=exc.name, value=exc.value)
    return str(exc)
