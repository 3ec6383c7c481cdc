"""``fieldwork scan``: pages read and stored, JSON output, duplicates, rejects, bad files."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from fieldwork.forms.batches import print_batch
from fieldwork.omr.models import PageStatus, ScanPage, ScanSheet, SheetStatus, VerificationItem
from fieldwork.omr.synth.degrade import Scan

from .conftest import batch_scans
from .generator import agrees, write


def _scan(runner, *args):
    result = runner.invoke(args=["scan", *map(str, args), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_folder_is_read_with_truth_and_json_document(db, runner, printed, tmp_path):
    samples = batch_scans(printed, scan=Scan(rotation=180, skew=2.0, jpeg=70))
    write(samples, tmp_path / "in")
    (tmp_path / "in" / "notes.txt").write_text("ghi chú của người quét")  # not a scan: skipped
    doc = _scan(runner, tmp_path / "in")
    pages = doc["pages"]
    assert [p["status"] for p in pages] == ["read"] * 6
    for p, s in zip(pages, samples, strict=True):
        assert (p["survey"], p["serial"], p["page"], p["reason"]) == ("SCAN-1", s.serial, s.page,
                                                                      None)
        assert p["file"].endswith(f"{s.serial}-p{s.page}.{s.ext}") and p["index"] == 0
        for code, truth in s.truth.items():
            got = p["answers"][code]
            assert set(got) == {"values", "status"}
            assert got["status"] in ("ok", "blank", "multiple", "doubtful")
            assert agrees(type("A", (), got), truth)
    summary = doc["summary"]
    assert (summary["read"], summary["rejected"], summary["sheets"]) == (6, 0, 3)
    assert summary["sheets_complete"] + summary["sheets_to_verify"] == 3
    stored = db.session.scalars(select(ScanPage)).all()
    assert all(p.image_path and p.upright for p in stored)


def test_same_sheet_twice_never_counts_twice(db, runner, printed, tmp_path):
    samples = batch_scans(printed, only={"00000001"})
    write(samples, tmp_path / "a")
    write(batch_scans(printed, seed=1, only={"00000001"}), tmp_path / "b", stem="rescan")
    first = _scan(runner, tmp_path / "a")
    second = _scan(runner, tmp_path / "b", tmp_path / "a")
    assert [p["status"] for p in first["pages"]] == ["read", "read"]
    assert [p["status"] for p in second["pages"]] == ["duplicate"] * 4
    counted = db.session.scalar(select(func.count()).select_from(ScanPage).where(
        ScanPage.status == PageStatus.READ))
    assert counted == 2
    sheet = db.session.scalars(select(ScanSheet)).one()
    assert (sheet.pages_read, sheet.pages_expected) == (2, 2)


def test_rejects_keep_going_and_say_why(db, runner, printed, survey, people, tmp_path):
    pilot = print_batch(survey, {"count": 1, "pilot": True,
                                 "agency_id": survey.scope[0].agency_id}, people["manager"])
    elsewhere = _other_survey(db, people)
    other = print_batch(elsewhere, {"count": 1, "agency_id": elsewhere.scope[0].agency_id},
                        people["manager"])
    db.session.commit()
    folder = tmp_path / "mixed"
    write(batch_scans(printed, only={"00000001"})[:1], folder, stem="a-good")
    write(batch_scans(pilot)[:1], folder, stem="b-pilot")
    write(batch_scans(other)[:1], folder, stem="c-other")
    (folder / "d-broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    (folder / "e-bomb.png").write_bytes(_bomb())
    (folder / "f-tiny.png").write_bytes(_tiny())
    doc = _scan(runner, "--survey", "SCAN-1", folder)
    got = [(p["status"], p["reason"]) for p in doc["pages"]]
    assert got == [("read", None), ("rejected", "pilot_in_live"), ("rejected", "other_survey"),
                   ("rejected", "corrupt_file"), ("rejected", "too_large"),
                   ("rejected", "too_small")]
    assert doc["summary"]["rejects_by_reason"]["pilot_in_live"] == 1
    assert doc["summary"]["sheets_missing_pages"] == [{"serial": "00000001", "missing": [2]}]
    kept = db.session.scalars(select(ScanPage).where(ScanPage.status == PageStatus.REJECTED))
    assert all(p.detail for p in kept)


def test_human_summary_and_missing_folder(runner, printed, tmp_path):
    write(batch_scans(printed, only={"00000002"})[1:], tmp_path / "one")
    result = runner.invoke(args=["scan", str(tmp_path / "one")])
    assert result.exit_code == 0, result.output
    assert "1 read" in result.output and "missing page(s) 1" in result.output
    assert runner.invoke(args=["scan", str(tmp_path / "nope")]).exit_code != 0


def test_doubtful_answers_wait_for_verification(db, runner, printed, tmp_path):
    samples = batch_scans(printed, only={"00000003"})
    page = samples[0].image.copy()
    write(samples, tmp_path / "s")
    _scan(runner, tmp_path / "s")
    items = db.session.scalars(select(VerificationItem)).all()
    sheet = db.session.scalars(select(ScanSheet)).one()
    assert sheet.status == (SheetStatus.TO_VERIFY if items else SheetStatus.COMPLETE)
    assert page.shape[0] > 1000


def _other_survey(db, people):
    from fieldwork.directory.models import Agency, AgencyKind
    from fieldwork.forms import operations as forms_ops
    from fieldwork.plans.operations import add_scope, create_survey

    s = create_survey({"code": "OTHER-9", "title": "Khảo sát khác", "year": 2026}, "test")
    agency = Agency(name="Sở Khác", kind=AgencyKind.DEPARTMENT)
    db.session.add(agency)
    db.session.flush()
    add_scope(s, {"agency_id": agency.id, "dossiers": 100}, "test")
    v = forms_ops.create_from_template(s, "sipas", people["manager"])
    forms_ops.transition(v, "submit", people["manager"])
    forms_ops.transition(v, "approve", people["reviewer"], "Đồng ý")
    db.session.commit()
    return s


def _bomb() -> bytes:
    import struct
    import zlib

    chunk = b"IHDR" + struct.pack(">IIBBBBB", 30000, 30000, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk
            + struct.pack(">I", zlib.crc32(chunk)) + b"\x00" * 32)


def _tiny() -> bytes:
    import cv2
    import numpy as np

    return cv2.imencode(".png", np.zeros((1, 1), np.uint8))[1].tobytes()


def test_complete_sheets_reach_data_entry_review(db, runner, printed, tmp_path):
    """After a batch, its complete sheets are entry records waiting for review."""
    from fieldwork.entry.models import EntrySheet

    files = write(batch_scans(printed, only={"00000001", "00000002"}), tmp_path / "in")
    assert runner.invoke(args=["scan", str(tmp_path / "in")]).exit_code == 0
    records = db.session.scalars(select(EntrySheet)).all()
    assert {r.serial for r in records} == {1, 2} and len(files) == 4
    assert all(r.review_state.value in ("received", "has_issues") for r in records)
