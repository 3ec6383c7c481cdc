"""Five-level scale items: top-two share, mean and bottom-two share; reason frequencies."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from .proportions import wilson_interval


@dataclass(frozen=True)
class ScaleSummary:
    """Summary of a 1-5 item: valid n, top-two (4-5) and bottom-two (1-2) shares, mean."""

    n: int
    top2: int
    bottom2: int
    mean: float | None
    top2_rate: float | None
    bottom2_rate: float | None
    top2_ci95: tuple[float, float] | None
    not_applicable: int
    blank: int


def scale_summary(answers, levels: int = 5, na_codes=("na",)) -> ScaleSummary:
    """Summarise codes "1".."levels" (ints accepted); N/A and blanks are counted apart."""
    if levels < 2:
        raise ValueError(f"levels must be at least 2, got {levels!r}")
    values = list(answers)
    blank = sum(1 for v in values if v is None or v == "")
    na = sum(1 for v in values if v in na_codes)
    nums = []
    for v in values:
        if v is None or v == "" or v in na_codes:
            continue
        x = int(v)
        if not 1 <= x <= levels:
            raise ValueError(f"scale value {v!r} outside 1..{levels}")
        nums.append(x)
    arr = np.asarray(nums, dtype=float)
    n = int(arr.size)
    if n == 0:
        return ScaleSummary(0, 0, 0, None, None, None, None, na, blank)
    top = int(np.count_nonzero(arr >= levels - 1))
    bottom = int(np.count_nonzero(arr <= 2))
    return ScaleSummary(n, top, bottom, float(arr.mean()), top / n, bottom / n,
                        wilson_interval(top, n), na, blank)


def reason_frequencies(selections, codes=None) -> list[tuple[str, int]]:
    """Count each reason code over sheets (each sheet a collection of chosen codes).

    Returns (code, count) in the questionnaire's order when ``codes`` is given (zeros kept),
    else by descending count.
    """
    counts: Counter = Counter()
    # The same selections repeat across sheets: each distinct one is counted once, in C.
    for chosen, k in Counter(map(tuple, filter(None, selections))).items():
        for code in set(chosen):
            counts[code] += k
    if codes is not None:
        return [(c, counts.get(c, 0)) for c in codes]
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
