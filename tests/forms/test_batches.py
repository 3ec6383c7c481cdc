"""Print batches: approval gate, pilot prints, unique serials, limits, files and audit."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.errors import OperationError
from fieldwork.forms import api
from fieldwork.forms import operations as ops
from fieldwork.forms.batches import next_free_serial, print_batch
from fieldwork.forms.models import PrintBatch


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def _for(survey, **data) -> dict:
    """A print request for the survey's agency."""
    return {"agency_id": survey.scope[0].agency_id, **data}


def test_live_print_needs_an_approved_version(db, survey, people):
    manager = people[0]
    ops.create_from_template(survey, "danang-2025", manager)
    with pytest.raises(OperationError, match="phê duyệt"):
        print_batch(survey, _for(survey, count=5), manager)
    with pytest.raises(OperationError, match="phê duyệt"):
        print_batch(survey, _for(survey, count=5, version=1), manager)
    assert _count(db, PrintBatch) == 0
    pilot = print_batch(survey, _for(survey, count=3, pilot=True), manager)
    assert pilot.pilot and pilot.version.number == 1
    assert not api.serials_printed(survey, pilot.first_serial, pilot.last_serial)


def test_live_batch_writes_pdf_layout_and_audit(db, survey, approved, people, app):
    batch = print_batch(survey, _for(survey, count=4, note="Phường A"), people[0])
    assert (batch.first_serial, batch.last_serial) == (1, 4)
    pdf = Path(batch.pdf_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == batch.pdf_sha256
    assert str(pdf).startswith(app.config["FIELDWORK_DATA_DIR"])
    layout = json.loads(Path(batch.layout_path).read_text(encoding="utf-8"))
    assert layout["survey"] == survey.code and layout["version"] == approved.number
    assert batch.pages_per_sheet == len(layout["pages"])
    ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "print.batch")).one()
    assert ev.after["first"] == "00000001" and ev.after["last"] == "00000004"
    assert api.serials_printed(survey, 1, 4) and not api.serials_printed(survey, 1, 5)
    assert next_free_serial(survey) == 5


def test_serials_are_unique_per_survey_forever(db, survey, approved, people):
    manager = people[0]
    print_batch(survey, _for(survey, count=10), manager)
    print_batch(survey, _for(survey, count=5, pilot=True), manager)  # pilot takes 11-15
    with pytest.raises(OperationError, match="trùng"):
        print_batch(survey, _for(survey, count=3, start_serial=9), manager)
    with pytest.raises(OperationError, match="trùng"):
        print_batch(survey, _for(survey, count=1, start_serial=15), manager)
    later = print_batch(survey, _for(survey, count=2, start_serial=100), manager)
    assert (later.first_serial, later.last_serial) == (100, 101)
    assert _count(db, PrintBatch) == 3


@pytest.mark.parametrize("data, message", [
    ({"count": 0}, "từ 1 đến"),
    ({"count": -3}, "từ 1 đến"),
    ({"count": 10 ** 6}, "từ 1 đến"),
    ({"count": "abc"}, "số nguyên"),
    ({"count": 5, "version": 9}, "không có phiên bản"),
    ({"count": 5, "start_serial": 0}, "Số phiếu phải nằm"),
    ({"count": 5, "agency_id": None}, "chọn cơ quan được in"),
])
def test_bad_print_requests_write_nothing(db, survey, approved, people, data, message, app):
    events = _count(db, AuditEvent)
    folder = Path(app.config["FIELDWORK_DATA_DIR"]) / "print" / survey.code
    files = set(folder.glob("*")) if folder.exists() else set()
    with pytest.raises(OperationError, match=message):
        print_batch(survey, _for(survey, **data), people[0])
    assert _count(db, PrintBatch) == 0 and _count(db, AuditEvent) == events
    assert (set(folder.glob("*")) if folder.exists() else set()) == files


def test_assign_later_is_audited_and_checked(db, factory, survey, approved, people):
    from fieldwork.forms.batches import assign_batch
    manager = people[0]
    batch = print_batch(survey, _for(survey, count=3), manager)
    enumerator = factory.user("enumerator")
    assign_batch(batch, {"assigned_user_id": enumerator.id,
                         "assigned_agency_id": survey.scope[0].agency_id}, manager)
    assert batch.assigned_user_id == enumerator.id
    ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "print.assign")).one()
    assert ev.after == {"user": enumerator.id, "agency": survey.scope[0].agency_id}
    with pytest.raises(OperationError, match="điều tra viên"):
        assign_batch(batch, {"assigned_user_id": manager.id}, manager)
    assert batch.assigned_user_id == enumerator.id
