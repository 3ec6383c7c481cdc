"""Satisfaction rates with Wilson intervals (finite-population corrected) and margins of error.

Every figure a report prints comes from one of these functions; each is checked in
``tests/stats`` against values computed by hand or by statsmodels.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats


def z_value(confidence: float = 0.95) -> float:
    """The two-sided normal quantile for ``confidence`` (1.959964 for 95%)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence!r}")
    return float(stats.norm.ppf(0.5 + confidence / 2.0))


def fpc(n: int, population: int | None) -> float:
    """Finite-population correction factor (N - n) / (N - 1) for the variance; 1 if N unknown."""
    if population is None:
        return 1.0
    if population < 1:
        raise ValueError(f"population must be at least 1, got {population!r}")
    if n > population:
        raise ValueError(f"sample n={n} exceeds population N={population}")
    if population == 1:
        return 0.0
    return (population - n) / (population - 1)


def wilson_interval(successes: int, n: int, confidence: float = 0.95,
                    population: int | None = None) -> tuple[float, float]:
    """Wilson score interval for a proportion; with N known, the variance carries the FPC.

    The correction enters as an effective sample size n / fpc (a census gives a zero-width
    interval at the observed rate).
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    f = fpc(n, population)
    if f == 0.0:
        return (p, p)
    n_eff = n / f
    z = z_value(confidence)
    z2 = z * z
    centre = (p + z2 / (2 * n_eff)) / (1 + z2 / n_eff)
    half = z * math.sqrt(p * (1 - p) / n_eff + z2 / (4 * n_eff * n_eff)) / (1 + z2 / n_eff)
    return (max(0.0, centre - half), min(1.0, centre + half))


def margin_of_error(n: int, population: int | None = None, p: float = 0.5,
                    confidence: float = 0.95) -> float:
    """Half-width of the normal interval for a proportion p with n answers (FPC if N known)."""
    if n <= 0:
        raise ValueError(f"n must be positive, got {n!r}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must lie in [0, 1], got {p!r}")
    return z_value(confidence) * math.sqrt(p * (1 - p) / n * fpc(n, population))


@dataclass(frozen=True)
class Rate:
    """A satisfaction rate: counts, share and its interval; blanks and N/A counted apart."""

    n: int
    satisfied: int
    rate: float | None
    ci95: tuple[float, float] | None
    blank: int = 0
    not_applicable: int = 0

    def to_dict(self) -> dict:
        """JSON-ready dict (rates as fractions 0-1)."""
        d = asdict(self)
        d["ci95"] = list(self.ci95) if self.ci95 else None
        return d


def satisfaction_rate(answers, satisfied_codes=("yes",), na_codes=("na",),
                      population: int | None = None) -> Rate:
    """Share of answers in ``satisfied_codes``; None/"" are blanks and ``na_codes`` excluded."""
    return rate_of_counts(Counter(answers), satisfied_codes, na_codes, population)


def rate_of_counts(counts: Counter, satisfied_codes=("yes",), na_codes=("na",),
                   population: int | None = None) -> Rate:
    """``satisfaction_rate`` from the answers already counted ({answer: count})."""
    blank = counts[None] + counts[""]
    na = sum(counts[c] for c in set(na_codes) - {None, ""})
    n = sum(counts.values()) - blank - na
    sat = sum(counts[c] for c in set(satisfied_codes) - {None, ""} - set(na_codes))
    if n == 0:
        return Rate(0, 0, None, None, blank, na)
    if population is not None and population < n:
        population = None  # N from the plan can lag the data; never claim a census wrongly
    return Rate(n, sat, sat / n, wilson_interval(sat, n, population=population), blank, na)


FLAGS = {True: "yes", False: "no", None: None}


def row_flag(row: dict) -> str | None:
    """A dataset row's satisfied flag as an answer code: "yes", "no" or None (blank)."""
    return "yes" if row["satisfied"] else ("no" if row["satisfied"] is False else None)


def flags(rows) -> list:
    """``row_flag`` of every row, in one pass."""
    from .rows import column
    return [FLAGS.get(v) for v in column(rows, "satisfied")]


def rate_entry(group, rate: Rate) -> dict:
    """One row of a rates table: the group with n, satisfied, rate and interval."""
    return {"group": group, "n": rate.n, "satisfied": rate.satisfied, "rate": rate.rate,
            "ci95": list(rate.ci95) if rate.ci95 else None}


def rates_by_group(groups, answers, **kwargs) -> dict:
    """``satisfaction_rate`` for each distinct value of ``groups`` (parallel sequences)."""
    groups = np.asarray(list(groups), dtype=object)
    answers = np.asarray(list(answers), dtype=object)
    if groups.shape != answers.shape:
        raise ValueError("groups and answers must have the same length")
    populations = kwargs.pop("populations", None) or {}
    out = {}
    for g in dict.fromkeys(groups.tolist()):
        out[g] = satisfaction_rate(answers[groups == g].tolist(),
                                   population=populations.get(g), **kwargs)
    return out
