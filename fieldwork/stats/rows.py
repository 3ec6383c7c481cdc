"""Dataset rows: one per answer, small, from plain values (no database here).

A row is a ``Row`` (slots, read like a dict: ``row["agency"]``, ``row.get("date")``), so a
city-year of a million answers fits in a few hundred megabytes; the pure summaries read
rows and plain dicts alike. ``SNAPSHOT`` are the fields the snapshot id hashes; ``match``
(what counts an answer once within its source) and ``key`` (where the answer is stored)
are not part of it.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from operator import attrgetter

from .breakdowns import COMMENT_ITEMS, answer_date, comment_texts, normalise_name, row_date

# Overall satisfaction items of the built-in templates: code -> satisfied codes.
OVERALL_ITEMS = {"q01": ("yes",), "overall": ("4", "5")}
REASON_ITEMS = ("q02",)
SNAPSHOT = ("serial", "version", "agency", "field", "source", "channel", "dossier",
            "satisfied", "reasons", "procedure", "date", "items", "profile", "comments")
SNAPSHOT_OF = attrgetter(*SNAPSHOT)
EMPTY: dict = {}
NONE: tuple = ()
COMMENT_CODES = COMMENT_ITEMS


class Row:
    """One answer of the dataset (read-only by convention; shared empty values)."""

    __slots__ = (*SNAPSHOT, "match", "key")
    __getitem__ = object.__getattribute__

    def __init__(self, serial=None, version=None, agency=None, field=None, source=None,
                 channel=None, dossier=None, satisfied=None, reasons=None, procedure=None,
                 date=None, items=None, profile=None, comments=None, match=None,
                 key=None) -> None:
        # Spelled out: a million rows are made at a time.
        self.serial, self.version, self.agency, self.field = serial, version, agency, field
        self.source, self.channel, self.dossier = source, channel, dossier
        self.satisfied, self.reasons, self.procedure = satisfied, reasons, procedure
        self.date, self.items, self.profile, self.comments = date, items, profile, comments
        self.match, self.key = match, key

    def get(self, name: str, default=None):
        """Like ``dict.get``."""
        value = getattr(self, name, default)
        return default if value is None else value

    def __contains__(self, name: str) -> bool:
        return name in self.__slots__

    def as_dict(self) -> dict:
        """The snapshot fields as a plain dict."""
        return {k: getattr(self, k) for k in SNAPSHOT}

    def __eq__(self, other) -> bool:
        if isinstance(other, Row):
            other = other.as_dict()
        return isinstance(other, dict) and self.as_dict() == {k: other.get(k) for k in SNAPSHOT}

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Row({self.as_dict()!r})"


def column(rows, name: str) -> list:
    """The value of ``name`` in every row, in one pass (attribute access in C for ``Row``s,
    ``dict.get`` for plain dict rows)."""
    try:
        return list(map(attrgetter(name), rows))
    except AttributeError:
        return [r.get(name) for r in rows]


def snapshot_values(row) -> tuple | list:
    """A row's ``SNAPSHOT`` fields in order."""
    try:
        return SNAPSHOT_OF(row)
    except AttributeError:
        return [row.get(k) for k in SNAPSHOT]


def overall_item(questions) -> tuple[str, tuple[str, ...]] | None:
    """The overall satisfaction question of a questionnaire and its satisfied codes."""
    codes = {q.code for q in questions}
    for code, satisfied in OVERALL_ITEMS.items():
        if code in codes:
            return code, satisfied
    return None


def satisfied_flag(answers: dict, item: tuple[str, tuple[str, ...]] | None) -> bool | None:
    """True/False from the overall item's first value; None when blank, N/A or no such item."""
    if item is None:
        return None
    values = answers.get(item[0]) or []
    value = values[0] if values else None
    if value in (None, "", "na"):
        return None
    return value in item[1]


def dossier_key(code) -> str | None:
    """A dossier code as the frame stores it (trimmed, upper case), None when blank."""
    key = code.strip().upper() if isinstance(code, str) else ""
    return key or None


def match_key(dossier: str | None, phone_hash: str | None, cid_hash: str | None) -> str | None:
    """What identifies a respondent's dossier within a source: the dossier code, else phone
    and citizen ID together (never the phone alone: households share phones)."""
    if dossier:
        return "d:" + dossier
    if phone_hash and cid_hash:
        return f"p:{phone_hash}:{cid_hash}"
    return None


def form_reason(code: str) -> str:
    """An imported reason letter ("a".."g", "dd") as the form's code ("reason_a"); "other" stays."""
    return code if code == "other" or code.startswith("reason_") else f"reason_{code}"


@lru_cache(maxsize=2048)
def _day(values: tuple):
    return answer_date(values)


@lru_cache(maxsize=2048)
def _day_text(values: tuple) -> str | None:
    """The ISO text of a survey date's values, one string object per day."""
    found = _day(values)
    return sys.intern(found.isoformat()) if found else None


def _shared(text: str | None) -> str | None:
    """One string object per distinct date (a year has 365 of them, a dataset a million rows)."""
    return sys.intern(text) if text else None


def survey_day(values):
    """``answer_date`` of a date question's values (tuples cached: a year has few days)."""
    if not values:
        return None
    return _day(values) if isinstance(values, tuple) else answer_date(values)


def _row_date(values, received) -> str | None:
    """``row_date`` of a survey date's values (the text cached per day when they are a tuple,
    as the read hands them over), else of the day received."""
    if values and isinstance(values, tuple):
        found = _day_text(values)
        if found:
            return found
    return _shared(row_date(survey_day(values), received))


def sheet_row(sheet: dict, item, reason_code: str | None, lay: dict | None = None) -> Row:
    """One dataset row from a plain answer dict (serial, version, agency, field, source,
    channel, answers, received, and optionally phone_hash, cid_hash, key).

    ``dossier`` is the dossier code written on the form (trimmed, upper case) or None.
    Besides the satisfied flag and reasons it keeps the procedure as written, the date
    (survey date on the form, else the day received), the 5-level ``items`` and the
    ``profile`` answers of the layout ``lay`` (codes only), and the free-text comments,
    masked.
    """
    answers = sheet.get("answers") or EMPTY
    lay = lay or EMPTY

    def first(code):
        values = answers.get(code)
        return values[0] if values and values[0] != "" else None

    reasons = sorted(answers.get(reason_code) or NONE) if reason_code else []
    dossier = dossier_key(first("dossier_code"))
    items = {i["code"]: first(i["code"]) for i in lay.get("items", NONE)} or EMPTY
    profile = {p["code"]: first(p["code"]) for p in lay.get("profile", NONE)} or EMPTY
    return Row(serial=sheet["serial"], version=sheet.get("version"),
               agency=sheet.get("agency"), field=sheet.get("field"),
               source=sheet.get("source"), channel=sheet["channel"], dossier=dossier,
               satisfied=satisfied_flag(answers, item), reasons=reasons,
               procedure=normalise_name(first("procedure")),
               date=_row_date(answers.get("survey_date"), sheet.get("received")),
               items=items, profile=profile, comments=comment_texts(answers),
               match=match_key(dossier, sheet.get("phone_hash"), sheet.get("cid_hash")),
               key=sheet.get("key"))


@lru_cache(maxsize=4096)
def _sorted_reasons(values: tuple) -> list:
    """The sorted reasons of a selection (a year has few distinct ones: one list each,
    shared by the rows that chose them, which never change it)."""
    return sorted(values)


@lru_cache(maxsize=4096)
def _flag_of(value, satisfied: tuple) -> bool | None:
    return None if value in (None, "", "na") else value in satisfied


NO_COMMENTS: list = []  # shared by the rows without a comment (rows are read-only)


def _hashable(values):
    """``values`` as a tuple (for the caches), or as they are when they hold lists."""
    try:
        found = values if isinstance(values, tuple) else tuple(values)
        hash(found)
        return found
    except TypeError:
        return values


def row_maker(item, reason_code: str | None, lay: dict | None = None):
    """``sheet_row`` for many sheets of one questionnaire version: ``make(answers, serial,
    version, agency, field, source, channel, received, phone_hash, cid_hash, key)`` gives
    exactly the row ``sheet_row`` gives for the same values, with what repeats (flags,
    reason sets, days, names) looked up once. ``received`` may also be the day it stands
    for, as ISO text (the database's reader works it out)."""
    lay = lay or EMPTY
    item_code, satisfied = (item[0], tuple(item[1])) if item else (None, ())
    item_codes = [i["code"] for i in lay.get("items", NONE)]
    profile_codes = [p["code"] for p in lay.get("profile", NONE)]
    comment_codes = COMMENT_CODES

    def first(answers, code):
        values = answers.get(code)
        return values[0] if values and values[0] != "" else None

    def make(answers, serial, version, agency, field, source, channel, received, phone_hash,
             cid_hash, key) -> Row:
        if reason_code:
            chosen = answers.get(reason_code)
            chosen = _hashable(chosen) if chosen else NONE
            reasons = _sorted_reasons(chosen) if isinstance(chosen, tuple) else sorted(chosen)
        else:
            reasons = []
        dossier = dossier_key(first(answers, "dossier_code"))
        if item_code is None:
            flag = None
        else:
            value = first(answers, item_code)
            try:
                flag = _flag_of(value, satisfied)
            except TypeError:  # an unhashable answer
                flag = None if value in (None, "", "na") else value in satisfied
        day_values = answers.get("survey_date")
        day = None
        if day_values:
            day_values = _hashable(day_values)
            if isinstance(day_values, tuple):
                day = _day_text(day_values)
            elif survey_day(day_values):
                day = _shared(row_date(survey_day(day_values), None))
        if day is None:
            day = _shared(received) if isinstance(received, str) else \
                _shared(row_date(None, received))
        has_comment = False
        for code in comment_codes:
            if answers.get(code):
                has_comment = True
                break
        return Row(serial=serial, version=version, agency=agency, field=field, source=source,
                   channel=channel, dossier=dossier, satisfied=flag, reasons=reasons,
                   procedure=normalise_name(first(answers, "procedure")), date=day,
                   items={c: first(answers, c) for c in item_codes} or EMPTY,
                   profile={c: first(answers, c) for c in profile_codes} or EMPTY,
                   comments=(comment_texts(answers) or NO_COMMENTS) if has_comment
                   else NO_COMMENTS,
                   match=match_key(dossier, phone_hash, cid_hash), key=key)

    return make


def _parsed(text: str | None) -> tuple | None:
    """A stored answer list (JSON text) as the read hands it over: None when absent or
    empty, else a tuple (``read.parse_cell``)."""
    if text is None or text == "[]":
        return None
    from .read import parse_cell
    return parse_cell(text)


def record_maker(item, reason_code: str | None, lay: dict | None, first_codes: list[str],
                 whole_codes: list[str], base: int):
    """``row_maker`` reading the answers straight from a pivoted record: the answers of
    ``first_codes`` (their first value as text, or None) from ``base`` on, then those of
    ``whole_codes`` (the stored list as JSON text, or None). The row is the one
    ``sheet_row`` makes of ``{code: [text]}`` and ``{code: parse_cell(json)}`` ("[]" and
    None left out), without making that dict."""
    lay = lay or EMPTY
    where = {c: (base + i, False) for i, c in enumerate(first_codes)}
    where.update({c: (base + len(first_codes) + i, True) for i, c in enumerate(whole_codes)})

    def getter(code):
        """The first answer of ``code`` as ``sheet_row``'s ``first`` reads it."""
        if code not in where:
            return lambda rec: None
        i, whole = where[code]
        if not whole:
            return lambda rec: rec[i] if rec[i] is not None and rec[i] != "" else None

        def first_of_list(rec):
            values = _parsed(rec[i])
            return values[0] if values and values[0] != "" else None
        return first_of_list

    item_code, satisfied = (item[0], tuple(item[1])) if item else (None, ())
    flag_of = getter(item_code) if item_code else None
    dossier_of, procedure_of = getter("dossier_code"), getter("procedure")
    items = [(c, getter(c)) for c in (i["code"] for i in lay.get("items", NONE))]
    profile = [(c, getter(c)) for c in (p["code"] for p in lay.get("profile", NONE))]
    reason_at = where[reason_code][0] if reason_code in where else None
    reason_whole = reason_code in where and where[reason_code][1]
    day_at = where["survey_date"][0] if "survey_date" in where else None
    day_whole = "survey_date" in where and where["survey_date"][1]
    comment_at = [(c, *where[c]) for c in COMMENT_CODES if c in where]
    days: dict = {}

    def reasons_of(rec):
        if reason_at is None:
            return [] if not reason_code else _sorted_reasons(NONE)
        text = rec[reason_at]
        if not reason_whole:
            return _sorted_reasons((text,)) if text is not None else _sorted_reasons(NONE)
        values = _hashable(_parsed(text) or NONE)
        return _sorted_reasons(values) if isinstance(values, tuple) else sorted(values)

    def day_of(rec, received):
        text = rec[day_at] if day_at is not None else None
        if text is not None:
            found = days.get(text, False)
            if found is False:
                values = _parsed(text) if day_whole else (text,)
                found = _row_date(values, None) if values else None
                days[text] = found
            if found:
                return found
        if isinstance(received, str):
            return _shared(received)
        return _shared(row_date(None, received))

    def make(rec, serial, version, agency, field, source, channel, received, phone_hash,
             cid_hash, key) -> Row:
        dossier = dossier_key(dossier_of(rec))
        if flag_of is None:
            flag = None
        else:
            value = flag_of(rec)
            flag = None if value in (None, "", "na") else value in satisfied
        comments = NO_COMMENTS
        for _code, i, whole in comment_at:
            if rec[i] is not None and (not whole or rec[i] != "[]"):
                comments = comment_texts({c: (_parsed(rec[j]) if w else [rec[j]])
                                          for c, j, w in comment_at
                                          if rec[j] is not None}) or NO_COMMENTS
                break
        return Row(serial=serial, version=version, agency=agency, field=field, source=source,
                   channel=channel, dossier=dossier, satisfied=flag, reasons=reasons_of(rec),
                   procedure=normalise_name(procedure_of(rec)), date=day_of(rec, received),
                   items={c: get(rec) for c, get in items} or EMPTY,
                   profile={c: get(rec) for c, get in profile} or EMPTY,
                   comments=comments, match=match_key(dossier, phone_hash, cid_hash),
                   key=key)

    return make
