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


def exact(value: Fraction) -> str:
    """The exact value with two decimals, or four where two would show a whole number that
    is not (1 / 1.0049 = 0.9951, never "1")."""
    if value.denominator != 1 and round(value, 2) == round(value):
        return num(value, 4)
    return num(value)


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
        formula = (f"n = {num(n)} / (1 + {num(n)} × {num(e)}²) = {exact(result.exact)}"
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
    if n == 0 and result.rule != "half_year_bodies":
        formula = "N = 0 → 0"
        rule = _("No dossier in the year (N = 0): no form is required.")
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


def _vn(value) -> str:
    from babel.numbers import format_decimal as babel_decimal
    return babel_decimal(value, "#,##0", locale="vi")


def method_sentences(policy: str, rounding: str, state_bodies: bool = False) -> list[str]:
    """How the sample size was set, in Vietnamese words only (documents leave the system in
    Vietnamese whatever the user's language): the rule, its tiers, the rounding."""
    if policy == s.QD2223:
        tiers, low = [], 0
        for high, e in s.QD2223_TIERS:
            pct_e = f"{int(e * 100)}%"
            if high is None:
                tiers.append(f"trên {_vn(low)} hồ sơ: {pct_e}")
            elif low == 0:
                tiers.append(f"đến {_vn(high)} hồ sơ: {pct_e}")
            else:
                tiers.append(f"từ {_vn(low + 1)} đến {_vn(high)} hồ sơ: {pct_e}")
            low = high or low
        out = ["Cỡ mẫu của mỗi cơ quan, đơn vị được xác định theo Quyết định số 2223/QĐ-UBND "
               "ngày 27/10/2025 của UBND thành phố Đà Nẵng: n = N/(1 + N × e²), trong đó N "
               "là tổng số hồ sơ của cơ quan, đơn vị trong năm, e là sai số cho phép theo số "
               "hồ sơ (" + "; ".join(tiers) + ")."]
        out.append("Mục III.2.c của Quyết định quy định cỡ mẫu tối thiểu này cho phần mềm "
                   "khảo sát trực tuyến của thành phố; kế hoạch áp dụng cùng công thức, trên "
                   "tổng số hồ sơ trong năm của từng cơ quan, đơn vị, cho khảo sát độc lập "
                   "bằng phiếu giấy.")
        out.append("Kết quả tính được làm tròn xuống như ví dụ của Quyết định (259,74 được "
                   "tính là tối thiểu 259 phiếu)." if rounding == "floor" else
                   "Kết quả tính được làm tròn lên thành số phiếu nguyên.")
    elif policy == s.QD5489:
        out = ["Cỡ mẫu được xác định theo Quyết định số 5489/QĐ-UBND năm 2016: tối thiểu 200 "
               "phiếu và không ít hơn 30% số hồ sơ đối với đơn vị có từ 200 đến 1.000 hồ sơ; "
               "phần lẻ được làm tròn lên."]
    elif policy == s.HUE2024:
        out = ["Cỡ mẫu được xác định theo Kế hoạch số 116/KH-UBND năm 2024 (Thừa Thiên Huế): "
               "đơn vị dưới 100 hồ sơ khảo sát toàn bộ hồ sơ; đơn vị từ 100 đến dưới 1.000 hồ "
               "sơ khảo sát tối thiểu 100 phiếu."]
    else:
        out = []
    if out:
        out.append("Ngoài cách làm tròn nêu trên, không yêu cầu ít hơn 01 phiếu đối với cơ "
                   "quan, đơn vị (hoặc lĩnh vực của cơ quan, đơn vị) có từ 01 hồ sơ trở lên.")
    if state_bodies:
        out.append("Đơn vị đặc thù (đối tượng nộp hồ sơ chỉ là cơ quan nhà nước): mỗi cơ quan "
                   "nộp hồ sơ được khảo sát tối thiểu 01 lần trong mỗi 06 tháng có nộp hồ sơ.")
    return out
