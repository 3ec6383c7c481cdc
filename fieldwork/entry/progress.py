"""Counts of the sheets in the system, for the fieldwork progress of steps 3 and 4.

Every ``EntrySheet`` is one of the contractor's own paper sheets, scanned or keyed: the
independent survey (answers citizens give online, at a kiosk or to the call centre live in
other tables and never count here). The counts are set-based (one grouped query per view,
whatever the number of sheets), by agency and field and by serial range handed out.

What each count means (``KINDS``):

``in_system``  sheets recorded, by scan or by keying
``scanned``    sheets with a complete scan (read and every doubt decided)
``keyed``      sheets typed by a person (from the paper, or an interview the contractor made)
``both``       sheets keyed and scanned
``conflicts``  sheets whose keying and scan (or two keyings) disagree, waiting for adjudication
``verified``   sheets through entry without open problems (keying done, no issue, not rejected)
``approved``   sheets approved for statistics
``rejected``   sheets rejected
``scan_pending`` sheets scanned but not complete yet (pages missing or doubts to decide)
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import and_, case, func, select

from ..extensions import db
from ..omr.models import ScanSheet, SheetStatus
from ..plans.models_fieldwork import SerialRange
from .models import EntrySheet, ReviewState, SheetSource, Stage

KINDS = ("in_system", "scanned", "keyed", "both", "conflicts", "verified", "approved",
         "rejected", "scan_pending")


def independent():
    """The condition on ``EntrySheet`` rows that are the independent survey's own sheets."""
    return EntrySheet.id.is_not(None)


def _columns():
    scanned = (EntrySheet.source == SheetSource.OMR) | EntrySheet.scan_sheet_id.is_not(None)
    keyed = EntrySheet.source != SheetSource.OMR  # typed by a person (interviews included)
    verified = and_(EntrySheet.stage == Stage.FINAL,
                    EntrySheet.review_state.not_in((ReviewState.HAS_ISSUES,
                                                    ReviewState.REJECTED)))

    def n(cond):
        return func.sum(case((cond, 1), else_=0))
    return (func.count(EntrySheet.id), n(scanned), n(keyed), n(and_(keyed, scanned)),
            n(EntrySheet.stage == Stage.ADJUDICATION), n(verified),
            n(EntrySheet.review_state == ReviewState.APPROVED),
            n(EntrySheet.review_state == ReviewState.REJECTED))


def _counter(values) -> Counter:
    return Counter({k: int(v or 0) for k, v in zip(KINDS, values, strict=False)})


def sheet_counts(survey) -> dict:
    """{"units": {(agency_id, field_id): Counter}, "ranges": {range id: Counter}} of the
    survey's sheets in the system (``KINDS``); a range also counts its incomplete scans."""
    units: dict[tuple, Counter] = {}
    rows = db.session.execute(
        select(EntrySheet.agency_id, EntrySheet.field_id, *_columns())
        .where(EntrySheet.survey_id == survey.id, independent())
        .group_by(EntrySheet.agency_id, EntrySheet.field_id))
    for agency_id, field_id, *values in rows:
        units[(agency_id, field_id)] = _counter(values)
    in_range = and_(EntrySheet.survey_id == SerialRange.survey_id,
                    EntrySheet.serial.between(SerialRange.first_serial, SerialRange.last_serial))
    ranges: dict[int, Counter] = {}
    for range_id, *values in db.session.execute(
            select(SerialRange.id, *_columns()).join(EntrySheet, in_range)
            .where(SerialRange.survey_id == survey.id, independent())
            .group_by(SerialRange.id)):
        ranges[range_id] = _counter(values)
    # Scans not complete yet have no entry record; they are on their range's count.
    taken = select(EntrySheet.id).where(EntrySheet.survey_id == ScanSheet.survey_id,
                                        EntrySheet.serial == ScanSheet.serial)
    for range_id, n in db.session.execute(
            select(SerialRange.id, func.count(ScanSheet.id)).join(ScanSheet, and_(
                ScanSheet.survey_id == SerialRange.survey_id,
                ScanSheet.serial.between(SerialRange.first_serial, SerialRange.last_serial)))
            .where(SerialRange.survey_id == survey.id, ScanSheet.status != SheetStatus.COMPLETE,
                   ~taken.exists())
            .group_by(SerialRange.id)):
        ranges.setdefault(range_id, Counter())["scan_pending"] += int(n)
    return {"units": units, "ranges": ranges}
