"""Breakdowns of the satisfaction rate by period and by procedure; comments by agency.

Pure functions over dataset rows: ``date`` (ISO, from the survey date written on the form,
else the day the sheet was received), ``procedure`` (the procedure's name as written) and
``comments`` (free texts, already masked by ``privacy.mask.mask_free_text``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache

from ..privacy.mask import mask_free_text, mask_numbers  # noqa: F401 - re-exported
from .proportions import rate_entry, rate_of_counts, satisfaction_rate

PERIODS = ("month", "quarter", "half")
TOP_PROCEDURES = 15
COMMENT_ITEMS = ("q02_other", "q03")  # other reason (free text), other comments
_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_SPACES = re.compile(r"\s+")
VIETNAM = timezone(timedelta(hours=7), "ICT")  # no daylight saving time


def parse_date(text: str | None) -> date | None:
    """A form date "dd/mm/yyyy" (or ISO "yyyy-mm-dd") as a date; None if not a real date."""
    if not text:
        return None
    m = _DMY.match(text)
    parts = (m.group(3), m.group(2), m.group(1)) if m else None
    if parts is None:
        m = _ISO.match(text)
        parts = m.groups() if m else None
    if parts is None:
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def answer_date(values) -> date | None:
    """A date question's stored values as a date: the grid's eight digits (``ddmmyyyy``, one
    digit a value, as entry, OMR and online store them) or one "dd/mm/yyyy" or ISO text."""
    values = [str(v) for v in values or [] if v not in (None, "")]
    digits = "".join(values)
    if len(digits) == 8 and digits.isdigit():
        return parse_date(f"{digits[:2]}/{digits[2:4]}/{digits[4:]}")
    return parse_date(values[0]) if len(values) == 1 else None


def row_date(survey_date: str | date | None, received: date | datetime | None) -> str | None:
    """The row's date (ISO): the survey date on the form, else the day it was received in
    Vietnam (a stored time is UTC, naive or not)."""
    found = survey_date if isinstance(survey_date, date) else parse_date(survey_date)
    if found is None and isinstance(received, datetime):
        moment = received if received.tzinfo else received.replace(tzinfo=UTC)
        found = moment.astimezone(VIETNAM).date()
    elif found is None:
        found = received
    return found.isoformat() if found else None


def period_of(iso: str, kind: str) -> str:
    """"2026-05-14" -> "2026-05" (month), "2026-Q2" (quarter) or "2026-H1" (half-year)."""
    year, month = iso[:4], int(iso[5:7])
    if kind == "month":
        return f"{year}-{month:02d}"
    if kind == "quarter":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    if kind == "half":
        return f"{year}-H{1 if month <= 6 else 2}"
    raise ValueError(f"unknown period {kind!r}; choose one of {', '.join(PERIODS)}")


def _flag_rate(group, marks: list) -> dict:
    return rate_entry(group, satisfaction_rate(marks))


def period_rates(rows: list[dict], marks: list | None = None) -> dict:
    """Rates by month, quarter and half-year in time order; rows without a date counted
    (``marks``: the rows' flags, when the caller has them)."""
    from .proportions import flags
    from .rows import column
    out: dict = {}
    counts = Counter(zip(column(rows, "date"), flags(rows) if marks is None else marks,
                         strict=True))
    undated = sum(k for (day, _flag), k in counts.items() if not day)
    for kind in PERIODS:
        groups: dict = defaultdict(Counter)
        for (day, flag), k in counts.items():  # a year has few distinct dates
            if day:
                groups[period_of(day, kind)][flag] += k
        out[kind] = [rate_entry(g, rate_of_counts(groups[g])) for g in sorted(groups)]
    out["undated"] = undated
    return out


@lru_cache(maxsize=65536)
def normalise_name(text: str | None) -> str | None:
    """A name as written, with runs of spaces collapsed; None when empty (names repeat a lot:
    cached)."""
    text = _SPACES.sub(" ", text or "").strip()
    return text or None


@lru_cache(maxsize=65536)
def _fold(name: str) -> str:
    return name.casefold()


def procedure_rates(rows: list[dict], top: int = TOP_PROCEDURES,
                    marks: list | None = None) -> dict:
    """Rates of the ``top`` procedures by number of sheets; the others pooled.

    Names are grouped regardless of letter case and spacing and shown in their most
    frequent spelling. ``others`` pools the remaining procedures (``procedures`` says how
    many); ``unnamed`` counts rows without a procedure. Empty dict when none has one.
    """
    from .proportions import flags
    from .rows import column
    groups: dict = defaultdict(list)
    spellings: dict = defaultdict(Counter)
    # Rows share few (name, flag) pairs: each is looked at once, with its count, in the order
    # first seen (so the most frequent spelling's ties go to the one seen first).
    for (name, mark), k in Counter(zip(column(rows, "procedure"),
                                       flags(rows) if marks is None else marks,
                                       strict=True)).items():
        name = normalise_name(name) if name else None
        if name is not None:
            key = _fold(name)
            groups[key] += [mark] * k
            spellings[key][name] += k
    if not groups:
        return {}
    order = sorted(groups, key=lambda k: (-len(groups[k]), k))
    shown = [_flag_rate(spellings[k].most_common(1)[0][0], groups[k]) for k in order[:top]]
    rest = order[top:]
    others = None
    if rest:
        others = _flag_rate(None, [m for k in rest for m in groups[k]])
        others["procedures"] = len(rest)
    return {"rows": shown, "others": others,
            "unnamed": len(rows) - sum(len(g) for g in groups.values())}


def comment_texts(answers: dict, items=COMMENT_ITEMS) -> list[list[str]]:
    """[item, text] of each non-empty free-text comment of a sheet, stripped and masked."""
    out = []
    for code in items:
        for value in answers.get(code) or []:
            text = normalise_name(value if isinstance(value, str) else None)
            if text:
                out.append([code, mask_free_text(text)])
    return out


def _sheet_order(row: dict) -> tuple:
    serial = row["serial"]
    return (row["channel"], 0, serial, "") if isinstance(serial, int) else (
        row["channel"], 1, 0, str(serial))


def comments_by_agency(rows: list[dict]) -> list[dict]:
    """Comments grouped by agency (agencies by name, unknown last; texts in sheet order)."""
    from .rows import column
    groups: dict = defaultdict(list)
    said = [r for r, c in zip(rows, column(rows, "comments"), strict=True) if c]
    for r in sorted(said, key=_sheet_order):
        for item, text in r.get("comments") or []:
            groups[r["agency"]].append({"item": item, "text": text})
    order = sorted(groups, key=lambda a: (a is None, str(a or "")))
    return [{"agency": a, "count": len(groups[a]), "comments": groups[a]} for a in order]
