"""Year-over-year comparison of two proportions, agency ranking and sample adequacy."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .proportions import wilson_interval, z_value


@dataclass(frozen=True)
class Comparison:
    """This year vs last year: difference, its Newcombe interval, the z test and verdict."""

    rate_now: float
    rate_before: float
    difference: float
    ci95: tuple[float, float]
    z: float
    p_value: float
    significant: bool


def compare_proportions(sat_now: int, n_now: int, sat_before: int, n_before: int,
                        alpha: float = 0.05) -> Comparison:
    """Two-proportion comparison: pooled z test (= chi-square without continuity correction).

    The interval of the difference is Newcombe's hybrid score interval from the two Wilson
    intervals.
    """
    for s, n in ((sat_now, n_now), (sat_before, n_before)):
        if n <= 0 or not 0 <= s <= n:
            raise ValueError(f"need 0 <= satisfied <= n and n > 0, got {s}/{n}")
    p1, p2 = sat_now / n_now, sat_before / n_before
    table = np.array([[sat_now, n_now - sat_now], [sat_before, n_before - sat_before]])
    if (table.sum(axis=0) == 0).any():
        z, p_value = 0.0, 1.0  # everybody (un)satisfied both years: no evidence of change
    else:
        chi2, p_value, _, _ = stats.chi2_contingency(table, correction=False)
        z = math.copysign(math.sqrt(chi2), p1 - p2)
    l1, u1 = wilson_interval(sat_now, n_now, confidence=1 - alpha)
    l2, u2 = wilson_interval(sat_before, n_before, confidence=1 - alpha)
    d = p1 - p2
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Comparison(p1, p2, d, (lo, hi), float(z), float(p_value), bool(p_value < alpha))


def rank_agencies(rates: dict, thresholds=(0.80, 0.90)) -> list[dict]:
    """Agencies by rate, best first, each marked with the highest threshold it falls below."""
    rows = [(name, r) for name, r in rates.items() if r.rate is not None]
    rows.sort(key=lambda kv: (-kv[1].rate, str(kv[0])))
    out = []
    for rank, (name, r) in enumerate(rows, 1):
        below = [t for t in sorted(thresholds) if r.rate < t]
        out.append({"rank": rank, "agency": name, "n": r.n, "satisfied": r.satisfied,
                    "rate": r.rate, "ci95": r.ci95, "below": below[0] if below else None})
    return out


def sample_adequacy(collected: int, required: int) -> dict:
    """Collected vs required forms: shortfall and whether the quota is met."""
    if collected < 0 or required < 0:
        raise ValueError("counts must not be negative")
    return {"collected": collected, "required": required,
            "shortfall": max(required - collected, 0), "met": collected >= required,
            "share": (collected / required) if required else None}


def achieved_margin(n: int, population: int | None, confidence: float = 0.95) -> float:
    """Margin of error achieved at p = 0.5 with the FPC (compare with the plan's e)."""
    from .proportions import margin_of_error
    return margin_of_error(n, population, 0.5, confidence)


__all__ = ["Comparison", "compare_proportions", "rank_agencies", "sample_adequacy",
           "achieved_margin", "z_value"]
