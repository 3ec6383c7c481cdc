"""Reproducible, agency-stratified random samples and re-check periods (pure)."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping, Sequence
from datetime import date

from flask_babel import lazy_gettext as _l

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)


def period_bounds(kind: str, period: str) -> tuple[date, date]:
    """First day and the day after the last of '2026-03' (month) or '2026-Q1' (quarter)."""
    text = period.strip()
    if kind == "month":
        m = _MONTH.match(text)
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ValueError(str(_l("write the month as YYYY-MM, e.g. 2026-03")))
        year, month = int(m.group(1)), int(m.group(2))
        start = date(year, month, 1)
        end = date(year + (month == 12), month % 12 + 1, 1)
        return start, end
    if kind == "quarter":
        m = _QUARTER.match(text)
        if not m:
            raise ValueError(str(_l("write the quarter as YYYY-Qn, e.g. 2026-Q1")))
        year, q = int(m.group(1)), int(m.group(2))
        start = date(year, 3 * q - 2, 1)
        end = date(year + (q == 4), (3 * q) % 12 + 1, 1)
        return start, end
    raise ValueError(str(_l("the period is a month or a quarter")))


def stratum_size(available: int, mode: str, value: int) -> int:
    """How many to draw from a stratum: ``value`` sheets, or ``value`` percent rounded up."""
    if value <= 0:
        raise ValueError(str(_l("the sample size must be positive")))
    if mode == "count":
        return min(available, value)
    if mode == "percent":
        if value > 100:
            raise ValueError(str(_l("a percentage is at most 100")))
        return min(available, math.ceil(available * value / 100))
    raise ValueError(str(_l("the size is a count or a percentage")))


def draw_sample(strata: Mapping[object, Sequence[int]], seed: int, mode: str, value: int,
                salt: str = "") -> dict[object, list[int]]:
    """Draw from each stratum without replacement; the same inputs give the same sample.

    Each stratum has its own generator seeded from (seed, salt, stratum key), and its ids
    are sorted first, so the draw does not depend on query order or on other strata.
    """
    out: dict[object, list[int]] = {}
    for key in sorted(strata, key=lambda k: (k is None, str(k))):
        ids = sorted(strata[key])
        k = stratum_size(len(ids), mode, value)
        rng = random.Random(f"{seed}:{salt}:{key}")
        out[key] = sorted(rng.sample(ids, k))
    return out
