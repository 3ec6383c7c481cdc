"""Integrity signals over sheets (pure): repeated contacts, identical bursts, straight-lining,
sheets keyed outside an assignment. They point a manager at sheets to look at; nothing here
changes or deletes anything."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

BURST_WINDOW = timedelta(minutes=30)
BURST_MIN = 5
BURST_ALPHA = 0.001
STRAIGHT_MIN_ITEMS = 5


@dataclass(frozen=True)
class SheetFacts:
    """What the detectors need to know about one sheet."""

    id: int
    serial: int
    created_at: datetime
    agency_id: int | None = None
    enumerator_id: int | None = None
    phone_hash: str | None = None
    cid_hash: str | None = None
    in_assignment: bool = True
    answers: dict[str, tuple] = field(default_factory=dict)  # choice answers only


@dataclass
class Signal:
    """One finding: its kind, the sheets concerned, and details for the report."""

    kind: str
    sheet_ids: list[int]
    detail: dict = field(default_factory=dict)


def duplicate_contacts(sheets: Iterable[SheetFacts]) -> list[Signal]:
    """The same phone or citizen ID (by blind index) on more than one sheet."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for s in sheets:
        if s.phone_hash:
            groups[("phone", s.phone_hash)].append(s.id)
        if s.cid_hash:
            groups[("cid", s.cid_hash)].append(s.id)
    return [Signal(f"duplicate_{kind}", sorted(ids), {"hash": h})
            for (kind, h), ids in sorted(groups.items()) if len(ids) > 1]


def _answers_key(answers: dict[str, tuple]) -> tuple:
    return tuple(sorted((q, tuple(sorted(map(str, v)))) for q, v in answers.items()))


def identical_bursts(sheets: Iterable[SheetFacts], window: timedelta = BURST_WINDOW,
                     min_count: int = BURST_MIN, alpha: float = BURST_ALPHA) -> list[Signal]:
    """At least ``min_count`` sheets with identical answers keyed by one enumerator within
    ``window``, *and* more of them than chance explains: with p the share of that answer
    pattern over the whole survey and n the enumerator's sheets in that time, the binomial
    probability of k or more such sheets is below ``alpha``. Common patterns (e.g. a plain
    "satisfied") keyed in a batch are normal; a run of an unusual pattern is not. Touching
    windows merge into one signal."""
    from bisect import bisect_left, bisect_right

    from scipy.stats import binom

    sheets = [s for s in sheets if s.answers]
    share = Counter(_answers_key(s.answers) for s in sheets)
    total = len(sheets)
    by_person: dict[object, list[SheetFacts]] = defaultdict(list)
    for s in sheets:
        if s.enumerator_id is not None:
            by_person[s.enumerator_id].append(s)
    out = []
    for enumerator, mine in by_person.items():
        mine.sort(key=lambda s: (s.created_at, s.id))
        times = [s.created_at for s in mine]
        groups: dict[tuple, list[SheetFacts]] = defaultdict(list)
        for s in mine:
            groups[_answers_key(s.answers)].append(s)
        for key, rows in groups.items():
            p = share[key] / total
            flagged = [False] * len(rows)
            i = 0
            for j in range(len(rows)):
                while rows[j].created_at - rows[i].created_at > window:
                    i += 1
                k = j - i + 1
                if k < min_count:
                    continue
                n = bisect_right(times, rows[j].created_at) - bisect_left(
                    times, rows[i].created_at)
                if binom.sf(k - 1, n, p) < alpha:
                    flagged[i:j + 1] = [True] * k
            out += _clusters(enumerator, rows, flagged, window)
    return sorted(out, key=lambda sig: sig.detail["start"])


def _clusters(enumerator, rows, flagged, window) -> list[Signal]:
    out, cluster = [], []
    for s, f in zip(rows, flagged, strict=True):
        if f and cluster and s.created_at - cluster[-1].created_at > window:
            out.append(_burst(enumerator, cluster))
            cluster = []
        if f:
            cluster.append(s)
    if cluster:
        out.append(_burst(enumerator, cluster))
    return out


def _burst(enumerator, cluster: Sequence[SheetFacts]) -> Signal:
    return Signal("burst", [s.id for s in cluster], {
        "enumerator_id": enumerator, "count": len(cluster),
        "start": cluster[0].created_at, "end": cluster[-1].created_at})


def batteries(questions: Iterable[tuple[str, str, Sequence[str]]],
              min_items: int = STRAIGHT_MIN_ITEMS) -> list[list[str]]:
    """Groups of single-choice questions sharing one scale of 3+ options, from
    (code, kind, option codes) triples; only groups of ``min_items`` or more."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for code, kind, options in questions:
        if kind == "single" and len(options) >= 3:
            groups[tuple(options)].append(code)
    return [codes for codes in groups.values() if len(codes) >= min_items]


def straight_lining(sheets: Iterable[SheetFacts], groups: Sequence[Sequence[str]],
                    min_items: int = STRAIGHT_MIN_ITEMS) -> list[Signal]:
    """Sheets answering every item of a rating battery with the same option."""
    out = []
    for s in sheets:
        for codes in groups:
            values = [s.answers.get(c) for c in codes]
            given = [v for v in values if v]
            if len(given) >= min_items and len(given) == len(codes) and len(set(given)) == 1:
                out.append(Signal("straight_line", [s.id], {
                    "items": len(given), "value": ",".join(map(str, given[0]))}))
                break
    return out


def outside_assignment(sheets: Iterable[SheetFacts]) -> list[Signal]:
    """Sheets keyed from a serial that was not in the enumerator's assignment."""
    return [Signal("outside_assignment", [s.id], {"enumerator_id": s.enumerator_id})
            for s in sheets if not s.in_assignment]


def all_signals(sheets: Sequence[SheetFacts], groups: Sequence[Sequence[str]] = (),
                window: timedelta = BURST_WINDOW, min_count: int = BURST_MIN) -> list[Signal]:
    """Every detector over the same sheets."""
    return (duplicate_contacts(sheets) + identical_bursts(sheets, window, min_count)
            + straight_lining(sheets, groups) + outside_assignment(sheets))
