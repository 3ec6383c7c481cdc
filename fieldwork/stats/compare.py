"""Year-over-year comparison of two proportions, rank ranges of agencies, bands and sample
adequacy."""

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


RANK_ALPHA = 0.05
RANK_METHOD = ("pairwise two-proportion z tests (pooled variance) between every two ranked "
               "agencies, Holm's correction over all pairs, family-wise 5%: an agency's rank "
               "range runs from 1 + the agencies significantly above it to the number ranked "
               "- the agencies significantly below it")
RANK_METHOD_VI = ("so sánh từng cặp cơ quan bằng kiểm định z hai tỷ lệ (phương sai gộp), "
                  "hiệu chỉnh Holm trên mọi cặp, mức ý nghĩa chung 5%: hạng của một cơ quan "
                  "là khoảng từ 1 + số cơ quan cao hơn có ý nghĩa thống kê đến tổng số cơ quan "
                  "được xếp hạng - số cơ quan thấp hơn có ý nghĩa thống kê")


def pairwise_z(sat, n) -> tuple[np.ndarray, np.ndarray]:
    """z and two-sided p of the pooled two-proportion z test for every pair (i, j), as
    K x K matrices (the diagonal is z 0, p 1). Where the pooled rate is 0 or 1 there is no
    evidence of a difference: z 0, p 1."""
    sat = np.asarray(sat, dtype=float)
    n = np.asarray(n, dtype=float)
    if sat.shape != n.shape or (n <= 0).any() or (sat < 0).any() or (sat > n).any():
        raise ValueError("need 0 <= satisfied <= n and n > 0 for every group")
    p = sat / n
    pooled = (sat[:, None] + sat[None, :]) / (n[:, None] + n[None, :])
    se = np.sqrt(pooled * (1 - pooled) * (1 / n[:, None] + 1 / n[None, :]))
    diff = p[:, None] - p[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, diff / np.where(se > 0, se, 1), 0.0)
    pvalue = np.where(se > 0, 2 * stats.norm.sf(np.abs(z)), 1.0)
    np.fill_diagonal(z, 0.0)
    np.fill_diagonal(pvalue, 1.0)
    return z, pvalue


def holm_reject(pvalues, alpha: float = RANK_ALPHA) -> np.ndarray:
    """Holm's step-down rejections: sort the m p-values, reject while the i-th smallest
    (from 0) is at most alpha / (m - i), stop at the first that is not (the same decisions as
    statsmodels' ``multipletests(method="holm")``, which the tests check)."""
    p = np.asarray(pvalues, dtype=float)
    m = p.size
    order = np.argsort(p, kind="stable")
    passes = p[order] <= alpha / (m - np.arange(m))
    stop = m if passes.all() else int(np.argmin(passes))
    reject = np.zeros(m, dtype=bool)
    reject[order[:stop]] = True
    return reject


def rank_ranges(groups: list[tuple[object, int, int]], alpha: float = RANK_ALPHA
                ) -> list[dict]:
    """Ranks that respect uncertainty, by ``RANK_METHOD``.

    ``groups`` are (name, satisfied, n) with n > 0. Returns them best first (rate, then
    name) as {name, position, rank_min, rank_max}; agencies whose differences are not
    significant share overlapping ranges. Deterministic: the same counts give the same
    ranges.
    """
    rows = sorted(groups, key=lambda g: (-g[1] / g[2], str(g[0])))
    k = len(rows)
    if k == 0:
        return []
    if k == 1:
        return [{"name": rows[0][0], "position": 1, "rank_min": 1, "rank_max": 1}]
    z, pvalue = pairwise_z([g[1] for g in rows], [g[2] for g in rows])
    upper = np.triu_indices(k, 1)
    reject = holm_reject(pvalue[upper], alpha)
    significant = np.zeros((k, k), dtype=bool)
    significant[upper] = reject
    significant |= significant.T
    above = (significant & (z < 0)).sum(axis=1)  # z[i, j] < 0: j's rate is higher
    below = (significant & (z > 0)).sum(axis=1)
    return [{"name": g[0], "position": i + 1, "rank_min": int(1 + above[i]),
             "rank_max": int(k - below[i])} for i, g in enumerate(rows)]


def rank_text(rank_min: int, rank_max: int) -> str:
    """"3" or "3-7"."""
    return str(rank_min) if rank_min == rank_max else f"{rank_min}-{rank_max}"


def band_below(rate: float | None, bands) -> float | None:
    """The lowest of the plan's band thresholds the rate falls below (None: none, or no
    bands set)."""
    if rate is None:
        return None
    below = [t for t in sorted(bands or ()) if rate < t]
    return below[0] if below else None


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


__all__ = ["Comparison", "compare_proportions", "rank_ranges", "rank_text", "band_below",
           "pairwise_z", "sample_adequacy", "achieved_margin", "z_value"]
