"""Sample-size policies: how many completed forms an agency needs, with the computation shown.

Pure functions, no Flask. Arithmetic is exact (``fractions.Fraction``) so that boundaries such
as 30 % of 1,000 dossiers give exactly 300, never 300.00000000000006.

Policies (BRIEF section 4, seeds 000, 002 and 004):

``qd2223-2025``
    Decision 2223/QĐ-UBND of Da Nang (2025): Slovin's formula n = N / (1 + N e²) with the
    margin e chosen by N (<= 2,000: 7 %; 2,001-4,000: 6 %; 4,001-6,000: 5 %;
    6,001-10,000: 4 %; > 10,000: 3 %). The decision's own example rounds 259.74 *down* to
    "at least 259 forms"; that is the default rounding here, ``ceil`` is offered as the
    conservative alternative.
``half-year``
    Decision 2223/2025 for agencies whose applicants are only state bodies: one survey per
    submitting body per half-year in which it submitted (the "Sở A" example: 10 dossiers in
    the first half, 1 in the second, gives 2).
``qd5489-2016``
    Decision 5489/QĐ-UBND of 2016 as quoted in seed 000: at least 200 forms and at least 30 %
    of dossiers, for units with 200 to 1,000 dossiers (no rule outside that range).
``hue-2024``
    Plan 116/KH-UBND of Hue (2024, seed 004): under 100 dossiers all of them (100 %);
    from 100 to under 1,000 at least 100 (no rule from 1,000 up).

The decision's N is a unit's (an agency's) total dossiers in the year (BRIEF section 4), so
``for_unit`` computes n once on the sum of the agency's scope rows, then shares it over the
rows (its fields) by the largest remainder. Section III.2.c is written for the city's
online software; the contractor's plan adopts it for the paper survey. The decision's
example rounds down, which could leave a unit with 0 forms; our own floor: an agency, and
each of its fields, with N >= 1 requires at least 1 form.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, field
from fractions import Fraction

QD2223 = "qd2223-2025"
QD5489 = "qd5489-2016"
HUE2024 = "hue-2024"
HALF_YEAR = "half-year"
POLICIES = (QD2223, QD5489, HUE2024)
ROUNDINGS = ("floor", "ceil")

# (highest N of the tier or None for "no upper bound", margin e); Decision 2223/2025 III.2.c.
QD2223_TIERS: tuple[tuple[int | None, Fraction], ...] = (
    (2000, Fraction(7, 100)),
    (4000, Fraction(6, 100)),
    (6000, Fraction(5, 100)),
    (10000, Fraction(4, 100)),
    (None, Fraction(3, 100)),
)


class SampleSizeError(ValueError):
    """Base class: the input cannot be used by the policy (the message is English)."""


class InvalidCount(SampleSizeError):
    """A dossier or submission count is negative or not a whole number."""

    def __init__(self, name: str, value: object) -> None:
        super().__init__(f"{name} must be a whole number, 0 or more (got {value!r})")
        self.name, self.value = name, value


class OutOfRange(SampleSizeError):
    """The policy has no rule for this many dossiers."""

    def __init__(self, policy: str, dossiers: int, low: int | None, high: int | None) -> None:
        super().__init__(f"policy {policy} has no rule for N = {dossiers} "
                         f"(it covers {low if low is not None else 0} to "
                         f"{high if high is not None else 'any'} dossiers)")
        self.policy, self.dossiers, self.low, self.high = policy, dossiers, low, high


class UnknownPolicy(SampleSizeError):
    """No policy of that name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown policy {name!r}; choose one of "
                         f"{', '.join((*POLICIES, HALF_YEAR))}")
        self.name = name


@dataclass(frozen=True)
class SampleSize:
    """The result of a policy: exact value, whole forms required, and how it was reached.

    ``rule`` is a machine key (e.g. ``slovin``, ``all``, ``minimum``) and ``params`` hold the
    numbers a caller needs to explain it in the user's language.
    """

    policy: str
    dossiers: int
    exact: Fraction
    required: int
    rule: str
    params: dict = field(default_factory=dict)

    @property
    def exact_float(self) -> float:
        """The exact value rounded to two decimals (259.74), for display and JSON."""
        return round(float(self.exact), 2)


def check_count(value: object, name: str = "N") -> int:
    """Return ``value`` as an int >= 0, or raise InvalidCount (accepts "4000", 4000, 4000.0)."""
    if isinstance(value, bool):
        raise InvalidCount(name, value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().removeprefix("+").isdecimal():
        number = int(value.strip())
    else:
        raise InvalidCount(name, value)
    if number < 0:
        raise InvalidCount(name, value)
    return number


def margin_2223(dossiers: int) -> Fraction:
    """The allowed error e that Decision 2223/2025 sets for ``dossiers`` dossiers a year."""
    n = check_count(dossiers)
    for high, e in QD2223_TIERS:
        if high is None or n <= high:
            return e
    raise AssertionError("unreachable: the last tier has no upper bound")


def slovin(dossiers: int, margin: Fraction) -> Fraction:
    """Slovin's n = N / (1 + N e²), exactly."""
    n = check_count(dossiers)
    if not 0 < margin < 1:
        raise ValueError("the margin e must lie strictly between 0 and 1")
    return Fraction(n) / (1 + n * margin * margin)


def qd2223(dossiers: int, rounding: str = "floor") -> SampleSize:
    """Decision 2223/2025: Slovin with the tiered margin; ``floor`` follows its own example."""
    n = check_count(dossiers)
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be one of {', '.join(ROUNDINGS)}")
    e = margin_2223(n)
    exact = slovin(n, e)
    required = math.floor(exact) if rounding == "floor" else math.ceil(exact)
    return SampleSize(QD2223, n, exact, required, "slovin",
                      {"margin": e, "rounding": rounding})


def half_year(submissions_h1: int, submissions_h2: int) -> SampleSize:
    """Agencies serving only state bodies: one survey per half-year in which a body submitted.

    For one submitting body: 10 submissions in the first half and 1 in the second give 2.
    """
    h1 = check_count(submissions_h1, "submissions-h1")
    h2 = check_count(submissions_h2, "submissions-h2")
    required = int(h1 > 0) + int(h2 > 0)
    return SampleSize(HALF_YEAR, h1 + h2, Fraction(required), required, "half_year",
                      {"h1": h1, "h2": h2})


def half_year_bodies(bodies_h1: int, bodies_h2: int) -> SampleSize:
    """The half-year rule for an agency: bodies that submitted in each half, one survey each."""
    b1 = check_count(bodies_h1, "bodies-h1")
    b2 = check_count(bodies_h2, "bodies-h2")
    return SampleSize(HALF_YEAR, b1 + b2, Fraction(b1 + b2), b1 + b2, "half_year_bodies",
                      {"h1": b1, "h2": b2})


def qd5489(dossiers: int) -> SampleSize:
    """Decision 5489/2016: at least 200 and at least 30 % of dossiers, for 200-1,000 dossiers."""
    n = check_count(dossiers)
    if not 200 <= n <= 1000:
        raise OutOfRange(QD5489, n, 200, 1000)
    share = Fraction(3, 10) * n
    exact = max(Fraction(200), share)
    return SampleSize(QD5489, n, exact, math.ceil(exact), "minimum_and_share",
                      {"minimum": 200, "share": Fraction(3, 10), "share_value": share})


def hue2024(dossiers: int) -> SampleSize:
    """Hue 2024: under 100 dossiers, all of them; from 100 to under 1,000, at least 100."""
    n = check_count(dossiers)
    if n < 100:
        return SampleSize(HUE2024, n, Fraction(n), n, "all", {})
    if n < 1000:
        return SampleSize(HUE2024, n, Fraction(100), 100, "minimum", {"minimum": 100})
    raise OutOfRange(HUE2024, n, 0, 999)


def compute(policy: str, dossiers: int, rounding: str = "floor") -> SampleSize:
    """Run the policy called ``policy`` (one of POLICIES) for ``dossiers`` dossiers."""
    if policy == QD2223:
        return qd2223(dossiers, rounding)
    if policy == QD5489:
        return qd5489(dossiers)
    if policy == HUE2024:
        return hue2024(dossiers)
    raise UnknownPolicy(policy)


def for_scope(policy: str, rounding: str, dossiers: int, state_bodies_only: bool,
              bodies_h1: int | None, bodies_h2: int | None) -> SampleSize:
    """The requirement of one scope row: the half-year rule for agencies serving only state
    bodies (once their submitting bodies are counted), else the survey's policy."""
    if state_bodies_only:
        if bodies_h1 is None or bodies_h2 is None:
            raise InvalidCount("bodies-h1/h2", None)
        return half_year_bodies(bodies_h1, bodies_h2)
    return compute(policy, dossiers, rounding)


def largest_remainder(total: int, sizes: dict[Hashable, int]) -> dict[Hashable, int]:
    """Share ``total`` over keys in proportion to ``sizes`` (Hamilton); never above a size.

    The quotas add up to ``min(total, sum(sizes))``; ties in the remainders go to the larger
    stratum, then to the earlier key.
    """
    if total < 0:
        raise ValueError("total must be 0 or more")
    population = sum(sizes.values())
    if population == 0 or total == 0:
        return {k: 0 for k in sizes}
    if total >= population:
        return dict(sizes)
    exact = {k: Fraction(total * n, population) for k, n in sizes.items()}
    quota = {k: math.floor(q) for k, q in exact.items()}
    left = total - sum(quota.values())
    keys = list(sizes)
    order = sorted(sizes, key=lambda k: (-(exact[k] - quota[k]), -sizes[k], keys.index(k)))
    for k in order[:left]:
        quota[k] += 1
    return quota


@dataclass(frozen=True)
class UnitSample:
    """An agency's required sample on its yearly N and its share for each scope row.

    ``result`` is the policy's computation on the unit's N; ``required`` is its whole forms,
    raised to 1 when the policy gives 0 for N >= 1 (``floor_raised``); ``shares`` give each
    row its part (largest remainder over the rows' N), ``raised`` the rows with N >= 1 whose
    part was 0 and became 1, so the shares may add up to ``required`` plus ``len(raised)``.
    """

    result: SampleSize
    required: int
    floor_raised: bool
    shares: dict
    exact_shares: dict
    raised: tuple = ()

    @property
    def total(self) -> int:
        """Forms required over all the unit's rows (``required`` plus raised rows)."""
        return sum(self.shares.values())


def at_least_one(required: int, dossiers: int) -> int:
    """Our floor beside the decision's rounding: never fewer than 1 form where N >= 1."""
    return max(required, 1) if dossiers >= 1 else required


def for_unit(policy: str, rounding: str, rows: dict[Hashable, int]) -> UnitSample:
    """Decision-style n on the unit's N (the sum of ``rows``: key -> the row's dossiers),
    shared over the rows by the largest remainder; every row and the unit with N >= 1 gets
    at least 1 form."""
    counts = {k: check_count(v) for k, v in rows.items()}
    total = sum(counts.values())
    result = compute(policy, total, rounding)
    required = at_least_one(result.required, total)
    shares = largest_remainder(required, counts)
    exact = {k: (Fraction(required * n, total) if total else Fraction(0))
             for k, n in counts.items()}
    raised = tuple(k for k, n in counts.items() if n >= 1 and shares[k] == 0)
    for k in raised:
        shares[k] = 1
    return UnitSample(result, required, required != result.required, shares, exact, raised)
