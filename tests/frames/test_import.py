"""Importing the one-stop system's dossier list: dry run, idempotency, bad rows, privacy."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from fieldwork.audit.models import AuditEvent
from fieldwork.errors import OperationError
from fieldwork.frames.lookup import find_dossier
from fieldwork.frames.models import FrameDossier, FrameImport
from fieldwork.frames.operations import import_frame
from fieldwork.plans.models import SurveyStatus
from fieldwork.privacy.crypto import blind_index, decrypt

from .conftest import run_import
from .helpers import HEADER, dossier, frame_csv, sample_frame


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_dry_run_changes_nothing(db, setup):
    events = count(db, AuditEvent)
    report = run_import(setup, frame_csv(sample_frame()), dry_run=True)
    assert (report.read, report.new, report.late, report.duplicates, report.rejected) == \
        (9, 9, 2, 0, 0)
    assert not report.committed and report.unused == []
    assert report.mapping["code"] == "Mã hồ sơ" and report.mapping["cid"] == "CCCD"
    assert count(db, FrameDossier) == 0 and count(db, FrameImport) == 0
    assert count(db, AuditEvent) == events


def test_import_then_again_adds_nothing(db, setup):
    data = frame_csv(sample_frame())
    first = run_import(setup, data)
    db.session.commit()
    assert first.committed and first.added == 9 and first.late == 2
    row = find_dossier(setup["survey"], "HS-TP-00002")
    assert row.late and row.field.code == "HT" and row.agency.name == "Sở Tư pháp"
    assert row.procedure == "Đăng ký khai sinh"
    assert decrypt(row.name_enc) == "Lê Thị Ánh Tuyết"
    assert decrypt(row.phone_enc) == "0902002002" and decrypt(row.cid_enc) == "000000000002"
    assert row.phone_index == blind_index("phone", "0902 002 002")
    assert row.cid_index == blind_index("cid", "000000000002")
    raw = db.session.execute(select(FrameDossier.name_enc, FrameDossier.phone_enc)
                             .where(FrameDossier.id == row.id)).one()
    assert "Tuyết" not in raw[0] and "0902" not in raw[1]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "frames.import"))
    assert event.after["added"] == 9 and "0902" not in str(event.after)
    second = run_import(setup, data)
    db.session.commit()
    assert (second.read, second.added, second.duplicates, second.rejected) == (9, 0, 9, 0)
    assert count(db, FrameDossier) == 9
    more = run_import(setup, frame_csv(sample_frame() + [dossier(7)]))
    assert (more.added, more.duplicates) == (1, 9)


def test_bad_rows_listed_with_reasons_and_nothing_saved(db, setup):
    rows = sample_frame()
    bad_dates = dossier(8)
    bad_dates[4], bad_dates[6] = "20/03/2026", "10/03/2026"  # returned before received
    conflict = list(rows[0])
    conflict[3] = "Thủ tục khác"
    unknown = dossier(9, agency="Sở Không Có")
    bad_phone = dossier(10)
    bad_phone[8] = "12345"
    repeat = list(rows[1])
    report = run_import(setup, frame_csv(rows + [bad_dates, conflict, unknown, bad_phone,
                                                  repeat]))
    assert not report.committed and report.rejected == 4 and report.duplicates == 1
    by_line = {(line, f): msg for line, f, msg in report.errors}
    # messages are in the user's language (Vietnamese here): check the facts they name
    assert "10/03/2026" in by_line[(11, "returned_on")]
    assert "20/03/2026" in by_line[(11, "returned_on")]
    assert "HS-TP-00001" in by_line[(12, "code")] and " 2)" in by_line[(12, "code")]
    assert "Sở Không Có" in by_line[(13, "agency")]
    assert "10" in by_line[(14, "phone")]
    assert count(db, FrameDossier) == 0 and count(db, FrameImport) == 0
    kept = run_import(setup, frame_csv(rows + [bad_dates]), skip_invalid=True)
    assert kept.committed and kept.added == 9 and kept.rejected == 1


def test_missing_and_extra_columns(db, setup):
    header = [h for h in HEADER if h != "Ngày trả kết quả"] + ["Ghi chú"]
    rows = [[c for i, c in enumerate(r) if HEADER[i] != "Ngày trả kết quả"] + ["x"]
            for r in sample_frame()]
    with pytest.raises(OperationError, match="returned_on"):
        run_import(setup, frame_csv(rows, header))
    ok = run_import(setup, frame_csv([r + ["ghi chú"] for r in sample_frame()],
                                     HEADER + ["Ghi chú"]), dry_run=True)
    assert ok.unused == ["Ghi chú"] and ok.new == 9
    mapped = run_import(setup, frame_csv(sample_frame(), ["Số HS", *HEADER[1:]]),
                        mapping={"code": "Số HS", "agency": "Cơ quan",
                                 "received_on": "Ngày tiếp nhận",
                                 "returned_on": "Ngày trả kết quả"})
    assert mapped.added == 9 and mapped.unused[0] == "Lĩnh vực"
    assert db.session.scalar(select(FrameDossier.name_enc).limit(1)) is None


def test_closed_survey_and_roles(db, setup):
    with pytest.raises(OperationError):
        import_frame(setup["survey"], io.BytesIO(frame_csv(sample_frame())), {}, setup["lan"])
    setup["survey"].status = SurveyStatus.CLOSED
    db.session.commit()
    with pytest.raises(OperationError, match="FR-1"):
        run_import(setup, frame_csv(sample_frame()))
    assert count(db, FrameDossier) == 0


def test_xlsx_frame(db, setup):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in sample_frame():
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    report = run_import(setup, buf.getvalue(), name="hoso.xlsx")
    assert report.file_format == "xlsx" and report.added == 9


def test_dates_fast_path_and_fallback(app):
    import datetime as dt

    from fieldwork.frames.fields import parse_day, parse_due
    assert parse_day("5/3/2026") == dt.date(2026, 3, 5)
    assert parse_day("2026-03-05") == dt.date(2026, 3, 5)
    for bad in ("31/02/2026", "01/01/1999", "01/01/2099", "hôm qua"):
        with pytest.raises(ValueError):
            parse_day(bad)
    assert parse_due("01/01/2099") == dt.date(2099, 1, 1)
