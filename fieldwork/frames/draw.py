"""Allocation of a sample over strata and the seeded draw inside each stratum (pure).

A stratum is an agency, or an agency and one of its fields. The plan's required sample n
of an agency (or a total size) is shared over its strata in proportion to their dossier
counts by the largest-remainder method, so the parts add up exactly. Inside a stratum the
units are drawn by simple random sampling or systematically (random start, fixed interval
over the list ordered by date returned); with ``late_first`` the dossiers returned after
their due date are taken first. Reserves for refusals come after the sample, in order.
Every stratum has its own generator seeded by the draw's seed and the stratum's key, so
the same seed on the same frame gives the same draw.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ..plans.sampling import largest_remainder  # noqa: F401  (re-exported: draw.largest_remainder)

SIMPLE = "simple"
SYSTEMATIC = "systematic"
METHODS = (SIMPLE, SYSTEMATIC)


@dataclass(frozen=True)
class Unit:
    """One dossier of the frame as the draw sees it."""

    id: int
    code: str
    stratum: tuple
    late: bool = False
    returned: str = ""  # ISO date, for the systematic order


@dataclass
class Picked:
    """What was drawn in one stratum: sample and reserves, each in drawing order."""

    stratum: tuple
    population: int
    late: int
    target: int
    reserve_target: int
    sample: list[Unit] = field(default_factory=list)
    reserves: list[Unit] = field(default_factory=list)


def reserve_count(target: int, population: int, percent: int) -> int:
    """Reserves for a stratum: ``percent`` of its sample, rounded up, as far as units remain."""
    if percent < 0:
        raise ValueError("percent must be 0 or more")
    return max(0, min(math.ceil(Fraction(target * percent, 100)), population - target))


def _pick(pool: Sequence[Unit], k: int, method: str, rng: random.Random) -> list[Unit]:
    """``k`` units of ``pool`` (in drawing order) by the method."""
    if k <= 0:
        return []
    if k >= len(pool):
        chosen = list(pool)
        rng.shuffle(chosen)
        return chosen
    if method == SIMPLE:
        return rng.sample(list(pool), k)
    step = Fraction(len(pool), k)
    start = Fraction(rng.randrange(step.numerator), step.denominator)  # in [0, step)
    return [pool[min(len(pool) - 1, math.floor(start + i * step))] for i in range(k)]


def _ordered(units: Iterable[Unit], method: str) -> list[Unit]:
    if method == SYSTEMATIC:
        return sorted(units, key=lambda u: (u.returned, u.code))
    return sorted(units, key=lambda u: u.code)


def _take(pools: list[list[Unit]], k: int, method: str, rng: random.Random) -> list[Unit]:
    """``k`` units from the pools in priority order (the first pool is used up first)."""
    out: list[Unit] = []
    for pool in pools:
        if len(out) >= k:
            break
        out.extend(_pick(pool, min(k - len(out), len(pool)), method, rng))
    return out


def draw_stratum(units: Iterable[Unit], target: int, reserves: int, method: str, seed: int,
                 late_first: bool = False) -> Picked:
    """Draw ``target`` units and then ``reserves`` more from one stratum's units."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    units = _ordered(units, method)
    if not units:
        return Picked((), 0, 0, 0, 0)
    key = units[0].stratum
    rng = random.Random(f"{seed}|" + "|".join(str(p) for p in key))
    pools = ([[u for u in units if u.late], [u for u in units if not u.late]]
             if late_first else [units])
    picked = Picked(key, len(units), sum(u.late for u in units), min(target, len(units)),
                    reserves)
    picked.sample = _take(pools, picked.target, method, rng)
    taken = {u.id for u in picked.sample}
    rest = [[u for u in pool if u.id not in taken] for pool in pools]
    picked.reserves = _take(rest, reserves, method, rng)
    picked.reserve_target = len(picked.reserves)
    return picked


def draw(units: Iterable[Unit], targets: dict[tuple, int], method: str, seed: int, *,
         reserve_percent: int = 20, late_first: bool = False) -> list[Picked]:
    """Draw every stratum of ``targets`` ({stratum: n}) from ``units``, in the key order."""
    by_stratum: dict[tuple, list[Unit]] = {}
    for u in units:
        by_stratum.setdefault(u.stratum, []).append(u)
    out = []
    for key in sorted(targets, key=_sort_key):
        members = by_stratum.get(key, [])
        n = min(targets[key], len(members))
        picked = draw_stratum(members, n, reserve_count(n, len(members), reserve_percent),
                              method, seed, late_first)
        picked.stratum = key
        out.append(picked)
    return out


def _sort_key(key: tuple) -> tuple:
    return tuple((p is None, p if p is not None else 0) for p in key)
