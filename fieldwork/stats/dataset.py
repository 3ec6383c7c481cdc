"""The analysis dataset of a survey: one row per answer, of every source, counted once within
its source, filtered by one ``Filter``.

``dataset(survey, filter)`` is the one function statistics, exports, reports, the dashboard,
its charts and the public page read answers through. Everything else here is pure: counting
once, cross-source overlaps and the snapshot id work on plain rows, so every figure can be
recomputed from a frozen dataset, named by ``snapshot_id``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from . import sources as src
from .filters import Filter, FilterError
from .rows import (  # noqa: F401  (the dataset's row helpers, imported from here by others)
    OVERALL_ITEMS,
    REASON_ITEMS,
    SNAPSHOT,
    SNAPSHOT_OF,
    Row,
    column,
    dossier_key,
    form_reason,
    overall_item,
    satisfied_flag,
    sheet_row,
    snapshot_values,
)

CHANNELS = src.CHANNELS
SOURCE_ORDER = {s: i for i, s in enumerate(src.BUILTIN)}


def _row_order(row) -> tuple:
    """Earlier date first; on the same day the channel order, then the serial."""
    serial = row["serial"]
    channel = row["channel"]
    return (row.get("date") or "9999-12-31",
            CHANNELS.index(channel) if channel in CHANNELS else len(CHANNELS),
            (0, serial, "") if isinstance(serial, int) else (1, 0, str(serial)))


def _brief(row) -> dict:
    return {"serial": row["serial"], "source": row.get("source"), "channel": row["channel"],
            "dossier": row.get("dossier"), "agency": row["agency"], "field": row.get("field"),
            "date": row.get("date"), "satisfied": row.get("satisfied")}


def count_once(rows: list) -> tuple[list, list[dict]]:
    """Rows counted (each respondent's dossier once within its source) and the later answers.

    A dossier is known by its code, else by phone and citizen ID together (``row["match"]``);
    rows with neither all count. Of the rows of one source sharing a match the first
    (``_row_order``) counts; the others come back as duplicates, each with ``counted_as``
    naming the counted row: kept and listed, never dropped silently. Across sources nothing
    is removed (see ``overlaps``). Counted rows keep their input order.
    """
    first_seen: dict = {}
    groups: dict = {}  # only matches seen more than once
    for i, (match, source) in enumerate(zip(column(rows, "match"), column(rows, "source"),
                                            strict=True)):
        if not match:
            continue
        key = (source, match)
        if key in first_seen:
            groups.setdefault(key, [first_seen[key]]).append(i)
        else:
            first_seen[key] = i
    later: dict[int, dict] = {}
    for members in groups.values():
        members.sort(key=lambda i: _row_order(rows[i]))
        first = rows[members[0]]
        for i in members[1:]:
            later[i] = {**_brief(rows[i]), "counted_as": {
                "serial": first["serial"], "channel": first["channel"], "date": first["date"]}}
    if not later:
        return list(rows), []
    counted = [r for i, r in enumerate(rows) if i not in later]
    duplicates = sorted(later.values(), key=lambda d: (str(d["source"]), d["dossier"] or "",
                                                       str(d["serial"])))
    return counted, duplicates


def overlaps(rows: list) -> list[dict]:
    """Dossiers (by code) answered in more than one source, with every source's answer.

    An integrity signal, never a removal: each answer still counts in its own source. Sorted
    by dossier code; answers by source order, then date.
    """
    first: dict = {}  # dossier code -> source of its first row
    crossing: set = set()  # codes seen in a second source
    for code, source in zip(column(rows, "dossier"), column(rows, "source"), strict=True):
        if code:
            seen = first.setdefault(code, source)
            if seen != source:
                crossing.add(code)
    by_code: dict = {code: [] for code in crossing}
    for r, code in zip(rows, column(rows, "dossier"), strict=True):
        if code in by_code:
            by_code[code].append(r)
    out = []
    for code in sorted(by_code):
        members = by_code[code]
        members.sort(key=lambda r: (SOURCE_ORDER.get(r.get("source"), 99), str(r.get("source")),
                                    _row_order(r)))
        out.append({"dossier": code, "answers": [_brief(r) for r in members],
                    "disagree": len({r.get("satisfied") for r in members
                                     if r.get("satisfied") is not None}) > 1})
    return out


_canonical = snapshot_values


def _canonical_rows(rows: list) -> list:
    """``snapshot_values`` of each row (in C for ``Row``s)."""
    try:
        return list(map(SNAPSHOT_OF, rows))
    except AttributeError:  # plain dict rows
        return [_canonical(r) for r in rows]


def _ordered(rows: list) -> list:
    """Rows in the snapshot's order: source, channel, serial (as text)."""
    keys = zip([str(s or "") for s in column(rows, "source")], column(rows, "channel"),
               map(str, column(rows, "serial")), range(len(rows)), strict=True)
    return [rows[k[3]] for k in sorted(keys)]


def canonical_json(rows: list) -> str:
    """The dataset as canonical JSON: rows in a stable order, each the list of its
    ``SNAPSHOT`` fields in that order."""
    return json.dumps([_canonical(r) for r in _ordered(rows)], sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"))


def snapshot_id(rows: list) -> str:
    """sha256 of the canonical rows: the same rows always give the same id.

    Hashed in chunks, so a million rows never become one string."""
    ordered = _ordered(rows)
    h = hashlib.sha256()
    for i in range(0, len(ordered), 5000):
        h.update(json.dumps(_canonical_rows(ordered[i:i + 5000]), sort_keys=True,
                            ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return h.hexdigest()


@dataclass
class Dataset:
    """The rows of one view and what a reader needs beside them.

    ``rows``: counted answers the filter keeps (the headline source, or every source when
    combined); ``others``: the other sources' counted answers under the same filter (minus
    its channels, which belong to the view's source; every source when combined);
    ``duplicates``: later answers within
    a source, left out; ``overlaps``: dossiers answered in several sources (both kept).
    """

    filter: Filter
    rows: list
    others: dict[str, list]
    duplicates: list[dict]
    overlaps: list[dict]
    meta: dict
    sources: list[str]  # every source of the survey, in display order
    declared: dict = field(default_factory=dict)
    revision: int = 0

    @property
    def view_sources(self) -> list[str]:
        """The sources whose rows are in ``rows``."""
        return list(self.sources) if self.filter.combined else [self.filter.view]


def select_view(counted: list, duplicates: list[dict], crossing: list[dict], flt: Filter,
                known: list[str]) -> tuple[list, dict[str, list], list[dict], list[dict]]:
    """What one filter keeps of a survey's counted ``Row``s (pure; see ``Dataset``): the view's
    rows, every other source's rows under the same filter minus its channels, the view's
    later answers left out, and the cross-source overlaps the filter touches."""
    view = set(known) if flt.combined else {flt.view}
    narrow = flt.narrows
    rows = [r for r in counted if r.source in view and (not narrow or flt.keeps(r))]
    wide = flt.same_but(channels=())
    # Beside a source: the others; beside the combined view: every source on its own.
    others = {s: [r for r in counted if r.source == s and wide.keeps(r)]
              for s in known if flt.combined or s not in view}
    dups = [d for d in duplicates if d["source"] in view and flt.keeps(d)]
    kept = [o for o in crossing if any(wide.keeps(a) for a in o["answers"])]
    return rows, others, dups, kept


class _Recent:
    """The survey's rows (counted once, with duplicates and overlaps) at one revision, for
    the next reader; a few surveys per process."""

    def __init__(self, size: int = 3) -> None:
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key, make):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


RECENT_ROWS = _Recent()


def _prepared(survey) -> tuple:
    from .read import no_gc_pauses, read_survey
    with no_gc_pauses():  # a million acyclic rows, then the dicts counting them once
        rows, meta = read_survey(survey)
        counted, duplicates = count_once(rows)
        return counted, duplicates, overlaps(counted), meta


def dataset(survey, flt: Filter | None = None, revision: int | None = None) -> Dataset:
    """The survey's dataset under ``flt`` (default: the independent survey, everything).

    ``revision`` is the survey's data revision read by the caller (read first, so rows are
    never older than the revision they are cached under). Raises ``FilterError`` for a
    source the survey does not have.
    """
    from ..extensions import db
    from .revision import current, uncommitted
    flt = flt or Filter()
    declared = src.declared(survey)
    known = src.order([*src.BUILTIN, *declared])
    if not flt.combined and flt.view not in known:
        raise FilterError(f"'{flt.view}' is not a source of this survey; its sources are "
                          + ", ".join(known))
    if uncommitted(db.session, survey.id):  # this transaction's own changes: never cached
        revision = current(survey.id)
        counted, duplicates, crossing, meta = _prepared(survey)
    else:
        revision = current(survey.id) if revision is None else revision
        counted, duplicates, crossing, meta = RECENT_ROWS.get(
            (survey.id, survey.code, str(survey.created_at), revision),
            lambda: _prepared(survey))
    rows, others, dups, kept = select_view(counted, duplicates, crossing, flt, known)
    return Dataset(flt, rows, others, dups, kept, meta, known, declared, revision)
