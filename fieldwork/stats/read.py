"""Reading a survey's answers from the database, set-based: the only reader of answers for
figures (``dataset.dataset`` calls it; everything else reads the dataset).

Approved sheets come in one grouped query that turns each sheet's answer rows into one row
of just the values the figures use (no ORM object per sheet or per answer); online answers
and imported results in one column query each.
"""

from __future__ import annotations

import gc
import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter

from sqlalchemy import Text, case, cast, func, select

from ..extensions import db
from . import sources as src
from .breakdowns import COMMENT_ITEMS, mask_numbers, row_date
from .criteria import layout as questionnaire_layout
from .criteria import merge_layouts
from .rows import (
    EMPTY,
    NO_COMMENTS,
    REASON_ITEMS,
    Row,
    dossier_key,
    form_reason,
    match_key,
    overall_item,
    record_maker,
    row_maker,
)
from .stream import batches

ALWAYS = ("dossier_code", "procedure", "survey_date", *COMMENT_ITEMS)


@dataclass
class Spec:
    """What the figures read from one questionnaire version."""

    number: int
    item: tuple | None
    reason: str | None
    layout: dict
    options: list | None  # the reason question's option codes
    whole: set  # codes read as whole lists (multiple choice, dates, texts)
    first: set  # codes read as their first value


def _spec(version) -> Spec:
    qn = version.questionnaire
    questions = list(qn.questions())
    reason = next((q for q in questions if q.code in REASON_ITEMS), None)
    lay = questionnaire_layout(qn)
    item = overall_item(questions)
    wanted = {*ALWAYS, *(i["code"] for i in lay["items"]), *(p["code"] for p in lay["profile"])}
    if item:
        wanted.add(item[0])
    if reason:
        wanted.add(reason.code)
    # Read whole only what ``sheet_row`` reads whole: the reasons, the comments and the
    # survey date; of everything else (dossier code, procedure, items, profile) it reads the
    # first value, which the database hands over as text, so no JSON is parsed for it.
    whole = {c for c in wanted if c in COMMENT_ITEMS or c == "survey_date"
             or (reason is not None and c == reason.code)}
    return Spec(version.number, item, reason.code if reason else None, lay,
                [o.code for o in reason.options] if reason else None, whole, wanted - whole)


def specs(version_ids) -> dict[int, Spec]:
    """The figures' view of each questionnaire version."""
    from ..forms.models import QuestionnaireVersion
    ids = sorted(set(version_ids))
    if not ids:
        return {}
    return {v.id: _spec(v) for v in db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.id.in_(ids)))}


def names() -> tuple[dict, dict]:
    """Agency and field names by id."""
    from ..directory.models import Agency, Field
    return (dict(db.session.execute(select(Agency.id, Agency.name)).all()),
            dict(db.session.execute(select(Field.id, Field.name)).all()))


def _approved(survey):
    from ..entry.models import EntrySheet, ReviewState
    return (EntrySheet.survey_id == survey.id,
            EntrySheet.review_state == ReviewState.APPROVED)


def _sheet_versions(survey) -> list[int]:
    from ..entry.models import EntrySheet
    return list(db.session.scalars(select(EntrySheet.version_id).where(
        *_approved(survey)).distinct()))


def _received_day(column):
    """The day a stored time falls on in Vietnam (UTC+7, no daylight saving time), as ISO
    text on PostgreSQL (what ``breakdowns.row_date`` makes of the time); the time itself
    elsewhere, for ``row_date``."""
    from sqlalchemy import literal_column
    if db.session.get_bind().dialect.name != "postgresql":
        return column
    return func.to_char(func.timezone(literal_column("INTERVAL '+07:00'"), column),
                        "YYYY-MM-DD")


def _day_text(column):
    """A stored date as ISO text on PostgreSQL; the date itself elsewhere."""
    if db.session.get_bind().dialect.name != "postgresql":
        return column
    return func.to_char(column, "YYYY-MM-DD")


def _pivot(survey, codes_first: list[str], codes_whole: list[str]):
    """One row per approved sheet: its columns, then the wanted answers (first value as text,
    or the whole JSON list as text). Unordered: sorting a city-year's wide rows would spill to
    disk in the database; ``sheet_rows`` orders the small rows it makes instead."""
    from ..entry.models import EntryAnswer, EntrySheet
    value = EntryAnswer.values

    def pick(code, expr):
        return func.max(case((EntryAnswer.question == code, expr)))

    cols = [pick(c, value[0].as_string()) for c in codes_first]
    cols += [pick(c, cast(value, Text)) for c in codes_whole]
    wanted = [*codes_first, *codes_whole]
    return (select(EntrySheet.id, EntrySheet.serial, EntrySheet.version_id,
                   EntrySheet.agency_id, EntrySheet.field_id, EntrySheet.source,
                   _received_day(EntrySheet.created_at), EntrySheet.phone_hash,
                   EntrySheet.cid_hash, *cols)
            .outerjoin(EntryAnswer, (EntryAnswer.sheet_id == EntrySheet.id)
                       & EntryAnswer.question.in_(wanted))
            .where(*_approved(survey)).group_by(EntrySheet.id))


@lru_cache(maxsize=4096)
def parse_cell(text: str) -> tuple:
    """A stored answer list (JSON text) as a tuple; dates and reason sets repeat a lot."""
    return tuple(json.loads(text))


def _batches(stmt):
    """Lists of plain row tuples of a column query, in the session's transaction (see
    ``stream``): no ORM step, no result processing per row."""
    return batches(db.session.connection(), stmt)


CHANNEL_OF_SHEET = {"omr": "paper_omr", "keyed": "paper_keyed", "interview": "interview"}


def sheet_rows(survey, spec_of: dict[int, Spec], agencies: dict, fields: dict) -> list[Row]:
    """Rows of the survey's approved sheets (the independent survey)."""
    mine = [spec_of[v] for v in _sheet_versions(survey) if v in spec_of]
    first = sorted(set().union(*(s.first for s in mine)) - set().union(*(s.whole for s in mine)))
    whole = sorted(set().union(*(s.whole for s in mine)))
    start = 9  # the sheet's columns, then the answers
    makers = {v: (s.number, record_maker(s.item, s.reason, s.layout, first, whole, start))
              for v, s in spec_of.items()}
    channel_of = CHANNEL_OF_SHEET
    source = src.INDEPENDENT
    out = []
    for batch in _batches(_pivot(survey, first, whole)):
        for rec in batch:
            number, make = makers[rec[2]]
            serial = rec[1]
            out.append(make(rec, serial if isinstance(serial, int) else int(serial), number,
                            agencies.get(rec[3]), fields.get(rec[4]), source,
                            channel_of.get(rec[5]) or channel_of.get(str(rec[5]),
                                                                     "paper_keyed"),
                            rec[6], rec[7], rec[8], f"s:{rec[0]}"))
    out.sort(key=_by_serial)  # by serial, as entry numbers the sheets (unique in a survey)
    return out


_by_serial = attrgetter("serial")


def online_rows(survey, spec_of: dict[int, Spec], agencies: dict, fields: dict) -> list[Row]:
    """Rows of the answers citizens gave themselves online or at a kiosk (city_online)."""
    from ..online.models import OnlineResponse as R
    makers = {v: (s.number, row_maker(s.item, s.reason, s.layout))
              for v, s in spec_of.items()}
    loads = json.loads
    out = []
    stmt = select(R.id, R.version_id, R.agency_id, R.field_id, R.channel, R.dossier_code,
                  R.phone_hash, R.cid_hash, cast(R.answers, Text),
                  _received_day(R.created_at)).where(R.survey_id == survey.id).order_by(R.id)
    for batch in _batches(stmt):
        for rid, version, agency, field_id, channel, code, phone, cid, text, received \
                in batch:
            number, make = makers[version]
            channel = str(channel)
            answers = loads(text) if text else {}
            if not isinstance(answers, dict):
                answers = {}
            if code and not answers.get("dossier_code"):
                answers["dossier_code"] = [code]
            out.append(make(answers, f"{'web' if channel == 'online' else 'kiosk'}-{rid}",
                            number, agencies.get(agency), fields.get(field_id),
                            src.CITY_ONLINE, channel, received, phone, cid, f"o:{rid}"))
    return out


@lru_cache(maxsize=4096)
def _imported_reasons(text: str | None) -> list:
    """An imported row's reason letters (JSON text) as the form's codes, sorted (one list
    per distinct set, shared by the rows, which never change it)."""
    return sorted(form_reason(c) for c in (json.loads(text) if text else None) or [])


def _yes(value) -> bool:
    """A stored boolean as a cursor hands it over (True, 1, None; "t" or "f" as text)."""
    return value == "t" if isinstance(value, str) else bool(value)


def imported_rows(survey, agencies: dict) -> list[Row]:
    """Rows of imported results (city software, call centre 1022, declared sources).

    The file's record id identifies a row within its file only; it never stands in for a
    dossier code, so it is not part of the row."""
    from ..imports.models import ImportedResponse as R
    days: dict = {}
    out = []
    stmt = select(R.id, R.source, R.channel, R.agency_id, _day_text(R.response_date),
                  R.satisfied, cast(R.reasons, Text), R.comment, R.dossier_code,
                  R.phone_hash, R.cid_hash).where(R.survey_id == survey.id).order_by(R.id)
    for batch in _batches(stmt):
        for rid, source, channel, agency, day, sat, reasons, comment, code, phone, cid \
                in batch:
            dossier = dossier_key(code)
            comment = comment.strip() if comment else None
            if day is not None and day not in days:
                days[day] = sys.intern(day) if isinstance(day, str) else row_date(None, day)
            out.append(Row(
                serial=f"{source}-{rid}", version=None, agency=agencies.get(agency),
                field=None, source=source, channel=str(channel), dossier=dossier,
                satisfied=_yes(sat), reasons=_imported_reasons(reasons), procedure=None,
                date=days.get(day), items=EMPTY, profile=EMPTY,
                comments=[["q03", mask_numbers(comment)]] if comment else NO_COMMENTS,
                match=match_key(dossier, phone, cid), key=f"i:{rid}"))
    return out


def _online_versions(survey) -> list[int]:
    from ..online.models import OnlineResponse
    return list(db.session.scalars(select(OnlineResponse.version_id).where(
        OnlineResponse.survey_id == survey.id).distinct()))


@contextmanager
def no_gc_pauses():
    """Hold the cyclic garbage collector while a million small rows are made: they hold no
    cycles, and a collection every few hundred thousand allocations costs seconds."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_survey(survey) -> tuple[list[Row], dict]:
    """Every answer of the survey, of every source (nothing counted once yet), and the meta:
    the reason codes and the merged questionnaire layout (newest version's wording first)."""
    with no_gc_pauses():
        return _read_survey(survey)


def _read_survey(survey) -> tuple[list[Row], dict]:
    agencies, fields = names()
    spec_of = specs([*_sheet_versions(survey), *_online_versions(survey)])
    rows = sheet_rows(survey, spec_of, agencies, fields)
    rows += online_rows(survey, spec_of, agencies, fields)
    rows += imported_rows(survey, agencies)
    newest = sorted(spec_of.values(), key=lambda s: -s.number)
    codes = next((s.options for s in newest if s.options is not None), None)
    return rows, {"reason_codes": codes, "layout": merge_layouts(s.layout for s in newest)}
