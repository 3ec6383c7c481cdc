"""Bulk insertion of keyed, approved sheets for the demo year (a few thousand in seconds).

Every row is shaped exactly as the keying path leaves it (``entry.operations.save_keying``
then ``entry.operations.transition(sheet, "approve")``): the typed answers go through
``entry.validation.check_answers``, contacts are encrypted with their blind index on the
keying and copied to the sheet, each final answer carries its source (``key1``, or ``key2``
when the sheet was drawn for double entry and keyed twice alike), and every keying and the
approval have their audit entry in ``audit.operations.record``'s shape.  Only the speed
differs: rows are written with one multi-row INSERT per table instead of one flush per sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select

from ..audit.models import AuditEvent
from ..audit.operations import _jsonable
from ..entry.double import drawn, settings_for
from ..entry.models import (
    CONTACT_QUESTIONS,
    EntryAnswer,
    EntrySheet,
    Keying,
    ReviewState,
    SheetSource,
    Stage,
)
from ..entry.validation import check_answers
from ..extensions import db
from ..forms.models import PrintBatch, format_serial
from ..privacy.crypto import blind_index, encrypt


@dataclass
class KeyedSheet:
    """One paper sheet as typed: its serial, who keyed and approved it, when, and the text."""

    serial: int
    raw: dict
    agency_id: int | None
    field_id: int | None
    enumerator: object  # User who keyed it first
    second: object  # User who keys it again if it is drawn for double entry
    keyed_at: datetime
    approved_at: datetime
    extra: dict = field(default_factory=dict)


def _contacts(checked) -> dict:
    out = {}
    for kind in CONTACT_QUESTIONS.values():
        value = checked.contact.get(kind, "")
        out[f"{kind}_enc"] = encrypt(value) if value else None
        out[f"{kind}_hash"] = blind_index(kind, value) if value else None
    return out


def _event(actor, action: str, sheet_id: int, at: datetime, before=None, after=None) -> dict:
    return {"at": at, "actor_id": actor.id, "actor_label": actor.email,
            "object_type": EntrySheet.__tablename__, "object_id": str(sheet_id),
            "action": action, "before": _jsonable(before), "after": _jsonable(after),
            "reason": None}


def insert_approved(survey, batch: PrintBatch, sheets: list[KeyedSheet], approver) -> int:
    """Write ``sheets`` of ``batch`` as keyed (and double-keyed where drawn) approved sheets."""
    if not sheets:
        return 0
    version = batch.version
    qn = version.questionnaire
    questions = list(qn.questions())
    settings = settings_for(survey)
    prepared, sheet_rows = [], []
    for s in sheets:
        if not batch.first_serial <= s.serial <= batch.last_serial:
            raise ValueError(f"serial {s.serial} is not in batch {batch.id}")
        checked = check_answers(qn, s.raw)
        if checked.errors or checked.warnings:
            raise ValueError(f"demo sheet {s.serial}: {checked.errors or checked.warnings}")
        double = drawn(settings, s.serial)
        contacts = _contacts(checked)
        prepared.append((s, checked, double, contacts))
        sheet_rows.append({
            "survey_id": survey.id, "serial": s.serial, "version_id": version.id,
            "print_batch_id": batch.id, "agency_id": s.agency_id, "field_id": s.field_id,
            "enumerator_id": s.enumerator.id, "review_state": ReviewState.APPROVED,
            "source": SheetSource.KEYED, "stage": Stage.FINAL, "double": double,
            "in_assignment": True, "scan_sheet_id": None, "note": "",
            "created_at": s.keyed_at, "updated_at": s.approved_at,
            "approved_at": s.approved_at, "approved_by_id": approver.id, **contacts})
    db.session.flush()
    db.session.execute(insert(EntrySheet.__table__), sheet_rows)
    ids = dict(db.session.execute(select(EntrySheet.serial, EntrySheet.id).where(
        EntrySheet.survey_id == survey.id,
        EntrySheet.serial.between(batch.first_serial, batch.last_serial))).all())
    answers, keyings, events = [], [], []
    for s, checked, double, contacts in prepared:
        sheet_id, source = ids[s.serial], "key2" if double else "key1"
        for q in questions:
            kind = CONTACT_QUESTIONS.get(q.code)
            values = [] if kind else list(checked.values.get(q.code, []))
            status = (("contact" if contacts[f"{kind}_hash"] else "blank") if kind
                      else ("ok" if values else "blank"))
            answers.append({"sheet_id": sheet_id, "question": q.code, "values": values,
                            "status": status, "source": source, "updated_at": s.keyed_at})
        passes = [(1, s.enumerator, s.keyed_at, contacts)]
        if double:
            again = s.keyed_at + (s.approved_at - s.keyed_at) / 3
            passes.append((2, s.second, again, _contacts(checked)))
        for pass_no, user, at, enc in passes:
            keyings.append({"sheet_id": sheet_id, "pass_no": pass_no, "keyed_by_id": user.id,
                            "values": checked.values, "warnings": [], "started_at": at.replace(
                                second=0, microsecond=0), "saved_at": at, **enc})
            events.append(_event(user, "entry.key", sheet_id, at, after={
                "serial": format_serial(s.serial), "pass": pass_no,
                "state": ReviewState.RECEIVED,
                "stage": Stage.AWAITING_KEY2 if double and pass_no == 1 else Stage.FINAL,
                "double": double, "source": SheetSource.KEYED, "warnings": [],
                "differences": []}))
        events.append(_event(approver, "entry.approve", sheet_id, s.approved_at,
                              before={"state": ReviewState.RECEIVED},
                              after={"state": ReviewState.APPROVED,
                                     "serial": format_serial(s.serial)}))
    db.session.execute(insert(EntryAnswer.__table__), answers)
    db.session.execute(insert(Keying.__table__), keyings)
    db.session.execute(insert(AuditEvent.__table__), events)
    return len(sheets)
