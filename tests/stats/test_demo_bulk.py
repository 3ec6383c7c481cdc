"""Bulk demo sheets are indistinguishable from sheets keyed and approved one by one."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.entry import operations as entry_ops
from fieldwork.entry.serials import find_sheet, resolve
from fieldwork.entry.sources import approved_answers
from fieldwork.forms.batches import print_batch
from fieldwork.stats import demo
from fieldwork.stats.demo_bulk import KeyedSheet, insert_approved

from ..factories import approved_version

SHEET_COLUMNS = ("survey_id", "version_id", "print_batch_id", "agency_id", "enumerator_id",
                 "review_state", "source", "stage", "double", "in_assignment", "note",
                 "approved_by_id", "phone_hash", "cid_hash")


def _trail(db, sheet) -> list[tuple]:
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "entry_sheets", AuditEvent.object_id == str(sheet.id)
    ).order_by(AuditEvent.at, AuditEvent.id)).all()
    return [(e.action, e.actor_id, e.before, {k: v for k, v in (e.after or {}).items()
                                               if k != "serial"}) for e in events]


def _answers(sheet) -> list[tuple]:
    return [(a.question, a.values, a.status, a.source) for a in sheet.answers]


def test_bulk_sheet_matches_a_keyed_and_approved_sheet(db, factory):
    manager, reviewer = factory.user("manager"), factory.user("home_affairs")
    lan, hung = factory.user("enumerator"), factory.user("enumerator")
    agency = factory.agency("Sở Tư pháp")
    survey = factory.survey("BULK-1", agencies=[agency])
    approved_version(db, survey, {"manager": manager, "reviewer": reviewer}, "danang-2025")
    batch = print_batch(survey, {"count": 20, "assigned_user_id": lan.id,
                                 "agency_id": agency.id}, manager)
    field = factory.field("HT")
    rng = random.Random(1)
    who = demo.Agency(agency.id, agency.name, 1, [field], 0.5, 20)
    raws = [demo.answers(rng, who, field, date(2026, 6, 1 + i), 1 + i, i % 3 != 0)
            for i in range(10)]
    raws[0]["q03"] = "Cán bộ nhiệt tình."
    at = datetime(2026, 6, 20, 3, tzinfo=UTC)
    for mode, serials in (("none", range(1, 6)), ("all", range(6, 11))):
        # Keyed once, then (double entry on every sheet) twice; the bulk rows alike.
        entry_ops.update_settings(survey, {"double_mode": mode}, manager)
        for serial in serials:
            raw = raws[serial - 1]
            # Agency and field from the keying page's lists, as a keyer picks them.
            sheet = entry_ops.save_keying(resolve(survey, serial, lan), raw, lan,
                                          confirmed=True, identity=(agency.id, field.id))
            if sheet.double:
                entry_ops.save_keying(resolve(survey, serial, hung), raw, hung,
                                      confirmed=True, identity=(agency.id, field.id))
            entry_ops.transition(sheet, "approve", manager)
        insert_approved(survey, batch, [
            KeyedSheet(10 + serial, raws[serial - 1], agency.id, field.id, lan, hung, at,
                       at + timedelta(days=2)) for serial in serials], manager)
    db.session.expire_all()
    values = approved_answers(survey)
    bulk = [find_sheet(survey, 10 + s) for s in range(1, 11)]
    for one, other in zip([find_sheet(survey, s) for s in range(1, 11)], bulk,
                          strict=True):
        assert values[one.serial] == values[other.serial]
        assert {c: getattr(one, c) for c in SHEET_COLUMNS} == {
            c: getattr(other, c) for c in SHEET_COLUMNS}
        assert _answers(one) == _answers(other)
        assert [(k.pass_no, k.keyed_by_id, k.values, k.warnings, k.phone_hash, k.cid_hash)
                for k in one.keyings] == [
            (k.pass_no, k.keyed_by_id, k.values, k.warnings, k.phone_hash, k.cid_hash)
            for k in other.keyings]
        assert _trail(db, one) == _trail(db, other)
        assert other.approved_at is not None and other.created_at < other.approved_at
    assert [s.double for s in bulk] == [False] * 5 + [True] * 5
