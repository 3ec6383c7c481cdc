"""Data entry's work queues: paper to key, second keyings, adjudications, sheets to review."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from ..auth.roles import RoleName
from ..extensions import db
from ..omr.models import ScanSheet, SheetStatus
from ..plans.models_fieldwork import Assignment, SerialRange
from ..queues import Queue, Row, register_queue
from .models import EntrySheet, Keying, ReviewState, Stage
from .workflow import REVIEWERS


def to_key(user) -> list[Row]:
    """Completed forms handed back on paper from the user's serial ranges that are neither
    keyed nor being scanned yet (the count of a range's return, less the sheets of the range
    in the system or read in part by the scanner)."""
    in_range = and_(EntrySheet.survey_id == SerialRange.survey_id,
                    EntrySheet.serial.between(SerialRange.first_serial, SerialRange.last_serial))
    mine = (SerialRange.assignment_id == Assignment.id, Assignment.enumerator_id == user.id,
            SerialRange.completed.is_not(None))
    ranges = db.session.execute(
        select(SerialRange.id, SerialRange.survey_id, SerialRange.completed,
               SerialRange.returned_on, func.count(EntrySheet.id))
        .join(Assignment, Assignment.id == SerialRange.assignment_id)
        .outerjoin(EntrySheet, in_range).where(*mine)
        .group_by(SerialRange.id, SerialRange.survey_id, SerialRange.completed,
                  SerialRange.returned_on)).all()
    if not ranges:
        return []
    taken = select(EntrySheet.id).where(EntrySheet.survey_id == ScanSheet.survey_id,
                                        EntrySheet.serial == ScanSheet.serial)
    scanning = dict(db.session.execute(
        select(SerialRange.id, func.count(ScanSheet.id))
        .join(Assignment, Assignment.id == SerialRange.assignment_id)
        .join(ScanSheet, and_(ScanSheet.survey_id == SerialRange.survey_id,
                              ScanSheet.serial.between(SerialRange.first_serial,
                                                       SerialRange.last_serial)))
        .where(*mine, ScanSheet.status != SheetStatus.COMPLETE, ~taken.exists())
        .group_by(SerialRange.id)).all())
    out: dict[int, list] = {}
    for range_id, survey_id, completed, returned_on, in_system in ranges:
        left = max(0, completed - in_system - scanning.get(range_id, 0))
        if left:
            got = out.setdefault(survey_id, [0, None])
            got[0] += left
            got[1] = min(got[1], returned_on) if got[1] else returned_on
    return [Row(sid, n, oldest and _midnight(oldest)) for sid, (n, oldest) in out.items()]


def _midnight(day):
    from datetime import UTC, datetime, time
    return datetime.combine(day, time(), tzinfo=UTC)


def second_keyings(user) -> list[Row]:
    """Sheets waiting for their second keying that the user did not key the first time."""
    keyed = select(Keying.sheet_id).where(Keying.keyed_by_id == user.id)
    return [Row(sid, n, oldest) for sid, n, oldest in db.session.execute(
        select(EntrySheet.survey_id, func.count(), func.min(EntrySheet.created_at))
        .where(EntrySheet.stage == Stage.AWAITING_KEY2, EntrySheet.id.not_in(keyed))
        .group_by(EntrySheet.survey_id))]


def to_adjudicate(user) -> list[Row]:
    """Sheets whose keyings (or keying and scan) disagree."""
    return [Row(sid, n, oldest) for sid, n, oldest in db.session.execute(
        select(EntrySheet.survey_id, func.count(), func.min(EntrySheet.created_at))
        .where(EntrySheet.stage == Stage.ADJUDICATION).group_by(EntrySheet.survey_id))]


REVIEW = (ReviewState.RECEIVED, ReviewState.EDITED, ReviewState.HAS_ISSUES)


def to_review(user) -> list[Row]:
    """Sheets through entry that nobody has approved or rejected yet."""
    return [Row(sid, n, oldest) for sid, n, oldest in db.session.execute(
        select(EntrySheet.survey_id, func.count(), func.min(EntrySheet.created_at))
        .where(EntrySheet.stage == Stage.FINAL, EntrySheet.review_state.in_(REVIEW))
        .group_by(EntrySheet.survey_id))]


def register() -> None:
    """Data entry's queues."""
    key = (RoleName.ENUMERATOR, RoleName.MANAGER)
    register_queue(Queue("entry.key", _l("Paper forms handed back, to key"),
                         (RoleName.ENUMERATOR,), to_key, "entry.key",
                         lambda s: {"code": s.code}, nav="entry.index", order=10))
    register_queue(Queue("entry.second", _l("Sheets to key a second time"), key,
                         second_keyings, "entry.key", lambda s: {"code": s.code},
                         nav="entry.index", order=11))
    register_queue(Queue("entry.adjudicate", _l("Sheets whose keyings disagree"), REVIEWERS,
                         to_adjudicate, "entry.adjudication", lambda s: {"survey": s.code},
                         nav="entry.adjudication", order=30))
    register_queue(Queue("entry.review", _l("Keyed and scanned sheets to review"), REVIEWERS,
                         to_review, "entry.reviews", lambda s: {"survey": s.code},
                         nav="entry.reviews", order=31))
