"""Batches printed for an agency, or for the draw's dossiers: records, re-prints, bad input.

A generic batch names its agency (and field) on the paper and in its record; a personalised
batch prints one sheet per drawn dossier and records the dossier with the serial (the QR code
stays the same short code). Printing a dossier again needs a reason and voids its old serial;
a void serial or a sheet of another agency is refused by the reader; a returned personalised
sheet answers its dossier once.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.errors import OperationError
from fieldwork.forms.batches import print_batch
from fieldwork.forms.models import PrintBatch, PrintedSheet
from fieldwork.forms.records import sheet_record

HT, CT = "Hộ tịch", "Chứng thực"


@pytest.fixture()
def world(db, factory, people, approved, survey):
    """FORM-1 (2025 form approved) with two agencies, a frame of 30 + 20 dossiers and a draw."""
    from fieldwork.frames.demo import dossier_list
    from fieldwork.frames.operations import import_frame
    from fieldwork.frames.operations_draw import make_draw

    manager = people[0]
    fields = [factory.field("HT", HT), factory.field("CT", CT)]
    a, b = (row.agency for row in survey.scope)
    data = dossier_list([(a.name, 30), (b.name, 20)], ["HT", "CT"], seed=3)
    import_frame(survey, io.BytesIO(data), {"name": "list.csv"}, manager)
    make_draw(survey, {"seed": 5, "size": 16, "reserve_percent": 25}, manager)
    db.session.commit()
    return manager, a, b, fields


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_generic_batch_is_printed_for_an_agency_of_the_scope(db, world, survey, factory):
    manager, a, _b, fields = world
    batch = print_batch(survey, {"agency_id": a.id, "count": 5}, manager)
    assert batch.agency_id == a.id and not batch.personal and batch.pages_per_sheet == 1
    layout = json.loads(Path(batch.layout_path).read_text(encoding="utf-8"))
    # The agency's fields (from the frame, the scope naming the agency alone) are ticked.
    assert layout["imprint"]["agency"] == a.name
    assert sorted(name for _c, name in layout["imprint"]["fields"]) == sorted([CT, HT])
    record = sheet_record(survey.id, batch.first_serial)
    assert record.agency_id == a.id and record.known()["agency"] == a.name
    assert record.field_for("ht") == fields[0].id and record.dossier is None
    # For one field: printed, not ticked, and recorded.
    one = print_batch(survey, {"agency_id": a.id, "field_id": fields[1].id, "count": 2},
                      manager)
    layout = json.loads(Path(one.layout_path).read_text(encoding="utf-8"))
    assert layout["imprint"]["field"] == CT and not layout["imprint"]["fields"]
    assert sheet_record(survey.id, one.first_serial).field_id == fields[1].id


def test_bad_requests_are_refused_and_save_nothing(db, world, survey, factory):
    manager, a, _b, _fields = world
    outsider = factory.agency("UBND phường ngoài phạm vi")
    other_field = factory.field("YT", "Y tế")
    before = (_count(db, PrintBatch), _count(db, AuditEvent))
    for data, message in [
        ({"agency_id": outsider.id, "count": 5}, "không thuộc phạm vi"),
        ({"count": 5}, "chọn cơ quan"),
        ({"agency_id": a.id, "field_id": other_field.id, "count": 5}, "không thuộc các lĩnh vực"),
        ({"agency_id": a.id, "draw": True, "pilot": True}, "in thử"),
        ({"agency_id": a.id, "draw": True, "count": 0}, "từ 1 trở lên"),
    ]:
        with pytest.raises(OperationError, match=message):
            print_batch(survey, data, manager)
        db.session.rollback()
    assert (_count(db, PrintBatch), _count(db, AuditEvent)) == before


def test_the_draw_prints_one_sheet_per_drawn_dossier_recorded_with_its_serial(db, world, survey):
    from fieldwork.forms.batches import mac_key
    from fieldwork.forms.qrpayload import QRPayload, sign
    from fieldwork.frames.models import FrameDrawItem

    manager, a, b, _fields = world
    drawn = db.session.scalars(select(FrameDrawItem).where(
        FrameDrawItem.reserve.is_(False))).all()
    batch = print_batch(survey, {"draw": True}, manager)  # every agency of the draw
    assert batch.personal and batch.agency_id is None and batch.count == len(drawn)
    sheets = db.session.scalars(select(PrintedSheet).order_by(PrintedSheet.serial)).all()
    assert {s.dossier_id for s in sheets} == {i.dossier_id for i in drawn}
    assert [s.serial for s in sheets] == list(range(batch.first_serial, batch.last_serial + 1))
    assert all(s.agency_id == s.dossier.agency_id for s in sheets)
    # Grouped by agency on paper, and the QR code is the usual short one (no dossier in it).
    names = [s.agency.name for s in sheets]
    assert names == sorted(names)
    assert len(sign(QRPayload(survey.code, 1, sheets[0].serial_text, 1, False), mac_key())) < 50
    record = sheet_record(survey.id, sheets[0].serial)
    assert record.dossier.id == sheets[0].dossier_id
    assert record.known()["dossier_code"] == sheets[0].dossier.code
    assert record.known()["procedure"] == sheets[0].dossier.procedure
    layout = json.loads(Path(batch.layout_path).read_text(encoding="utf-8"))
    assert layout["imprint"]["personal"] and not layout["pages"][0]["contact_areas"]
    # Nothing left to print: refused with what to do.
    with pytest.raises(OperationError, match="đã được in phiếu.*lý do"):
        print_batch(survey, {"draw": True, "agency_id": a.id}, manager)


def test_printing_again_needs_a_reason_and_voids_the_old_serials(db, world, survey):
    manager, a, _b, _fields = world
    first = print_batch(survey, {"draw": True, "agency_id": a.id}, manager)
    db.session.commit()
    old = db.session.scalars(select(PrintedSheet).where(PrintedSheet.batch_id == first.id)
                             .order_by(PrintedSheet.serial)).all()
    # One came back already: it is never printed again.
    from fieldwork.forms.personal import returned
    returned(survey.id, old[0].serial, manager, "scan")
    again = print_batch(survey, {"draw": True, "agency_id": a.id,
                                 "reprint_reason": "Lô phiếu bị thất lạc"}, manager)
    assert again.count == len(old) - 1
    for sheet in old:
        db.session.refresh(sheet)
    assert old[0].voided_at is None
    assert all(s.voided_at is not None and s.void_reason == "Lô phiếu bị thất lạc"
               for s in old[1:])
    live = db.session.scalars(select(PrintedSheet).where(PrintedSheet.voided_at.is_(None))).all()
    assert len(live) == len(old) and len({s.dossier_id for s in live}) == len(old)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "print.void"))
    assert event.reason == "Lô phiếu bị thất lạc"
    assert event.after["serials"] == [s.serial_text for s in old[1:]]


def test_a_returned_personalised_sheet_is_recorded_once(db, world, survey):
    from fieldwork.forms.personal import returned

    manager, a, _b, _fields = world
    batch = print_batch(survey, {"draw": True, "agency_id": a.id, "count": 2}, manager)
    returned(survey.id, batch.first_serial, manager, "scan")
    returned(survey.id, batch.first_serial, manager, "keying")  # scanned and keyed: once
    returned(survey.id, batch.last_serial, manager, "keying")
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "print.returned").order_by(AuditEvent.id)).all()
    assert [e.after["via"] for e in events] == ["scan", "keying"]
    assert _count(db, PrintedSheet, PrintedSheet.returned_at.is_not(None)) == 2
    assert returned(survey.id, 99999, manager, "scan") is None  # not a personalised serial


def test_a_void_serial_is_refused_when_keyed_and_when_scanned(db, world, survey, people):
    from fieldwork.entry.serials import resolve
    from fieldwork.omr.operations import create_batch, resolver
    from fieldwork.omr.read import Rejected

    manager, a, b, _fields = world
    print_batch(survey, {"draw": True, "agency_id": a.id, "count": 3}, manager)
    again = print_batch(survey, {"draw": True, "agency_id": a.id, "count": 1,
                                 "reprint_reason": "In mờ"}, manager)
    void = db.session.scalar(select(PrintedSheet).where(PrintedSheet.voided_at.is_not(None)))
    refused = f"{void.serial_text}.*in lại.*{again.first_serial:08d}"
    with pytest.raises(OperationError, match=refused):
        resolve(survey, void.serial, manager)
    scan = create_batch({"survey": survey}, manager)
    payload = type("P", (), {"survey": survey.code, "serial": void.serial_text, "version": 1,
                             "pilot": False, "page": 1})
    with pytest.raises(Rejected) as caught:
        resolver(scan, {})(payload)
    assert caught.value.code == "void_serial"
    # A sheet printed for agency A read in an upload declared for agency B: refused.
    live = db.session.scalar(select(PrintedSheet).where(PrintedSheet.voided_at.is_(None)))
    for_b = create_batch({"survey": survey, "agency": b}, manager)
    payload.serial = live.serial_text
    with pytest.raises(Rejected) as caught:
        resolver(for_b, {})(payload)
    assert caught.value.code == "other_agency" and a.name in caught.value.detail
    assert resolver(create_batch({"survey": survey, "agency": a}, manager), {})(payload)


def test_the_header_names_the_city_above_the_agencies_and_the_contractor(db, world, survey,
                                                                         factory):
    from fieldwork.directory.models import AgencyKind
    from fieldwork.forms.imprints import plan_header

    manager, a, b, _fields = world
    city = factory.agency("UBND thành phố Đà Nẵng", kind=AgencyKind.CITY)
    a.parent_id = b.parent_id = city.id
    survey.contractor = "Công ty Khảo sát ABC"
    db.session.commit()
    header = plan_header(survey)
    assert (header.survey, header.commissioner, header.contractor) == (
        survey.title, "UBND thành phố Đà Nẵng", "Công ty Khảo sát ABC")
    batch = print_batch(survey, {"agency_id": a.id, "count": 1}, manager)
    assert batch.imprint["header"]["commissioner"] == "UBND thành phố Đà Nẵng"


def test_zbarimg_reads_the_short_qr_code_of_generic_and_personalised_sheets(db, world, survey,
                                                                           tmp_path):
    """Checked with the program a user would: poppler rasterises the printed page, zbarimg
    reads its QR code, which names the serial and nothing of the dossier or agency."""
    import subprocess

    from fieldwork.forms.batches import mac_key
    from fieldwork.forms.qrpayload import verify

    manager, a, _b, _fields = world
    generic = print_batch(survey, {"agency_id": a.id, "count": 1}, manager)
    personal = print_batch(survey, {"draw": True, "agency_id": a.id, "count": 1}, manager)
    dossier = db.session.scalar(select(PrintedSheet).where(
        PrintedSheet.batch_id == personal.id)).dossier
    for batch in (generic, personal):
        stem = tmp_path / f"b{batch.id}"
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1",
                        batch.pdf_path, str(stem)], check=True)
        png = next(tmp_path.glob(f"b{batch.id}*.png"))
        out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], check=True,
                             capture_output=True, text=True).stdout.strip()
        payload = verify(out, mac_key())
        assert payload.serial == batch.serial_text(batch.first_serial) and payload.page == 1
        assert dossier.code not in out and a.name not in out and len(out) < 50


def test_the_draw_prints_no_form_for_a_dossier_already_settled(db, world, survey):
    """Answered online or by telephone, refused or ineligible: no paper for it; a dossier the
    call centre could not reach still gets its form (paper may reach it)."""
    from fieldwork.frames.models import FrameDrawItem, Outcome

    manager, a, _b, _fields = world
    items = db.session.scalars(select(FrameDrawItem).where(
        FrameDrawItem.reserve.is_(False), FrameDrawItem.agency_id == a.id)
        .order_by(FrameDrawItem.id)).all()
    settled = (Outcome.ANSWERED, Outcome.PARTIAL, Outcome.REFUSED, Outcome.INELIGIBLE)
    for item, outcome in zip(items, (*settled, Outcome.NOT_REACHABLE), strict=False):
        item.outcome = outcome
    db.session.commit()
    from fieldwork.forms.print_views import print_targets

    offered = {t["value"]: t["count"] for t in print_targets(survey)}
    batch = print_batch(survey, {"draw": True, "agency_id": a.id}, manager)
    assert offered[f"draw:{a.id}"] == batch.count  # the print page offers what is printed
    printed = set(db.session.scalars(select(PrintedSheet.dossier_id).where(
        PrintedSheet.batch_id == batch.id)))
    assert printed == {i.dossier_id for i in items[len(settled):]}
    assert batch.count == len(items) - len(settled)
    # Once the rest is printed too, a dossier's settled outcome is no reason to print more.
    with pytest.raises(OperationError, match="đã được in phiếu"):
        print_batch(survey, {"draw": True, "agency_id": a.id}, manager)
    for item in items[len(settled):]:
        item.outcome = Outcome.REFUSED
    db.session.commit()
    with pytest.raises(OperationError, match="đang chờ trả lời"):
        print_batch(survey, {"draw": True, "agency_id": a.id}, manager)
