"""The one-stop system's real export (title block, merged two-row header, footer, phones and
IDs typed as numbers, the ward written "UBND phường ...") imports after one mapping step: the
columns the page preselects are the right ones, and one click imports every dossier."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.directory.models import AgencyKind
from fieldwork.frames.models import FrameDossier
from fieldwork.privacy.crypto import decrypt

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from ..imports.exports import dossiers, one_stop_xlsx


@pytest.mark.parametrize("dates", ["excel", "text"])
def test_the_one_stop_export_imports_after_one_mapping_step(client, db, factory, tmp_path,
                                                            dates):
    ward = factory.agency("Phường Hải Châu", kind=AgencyKind.WARD)
    factory.field("HT", "Hộ tịch")
    factory.survey("RX-1", agencies=[ward])
    manager = factory.user("manager")
    rows = dossiers(6)
    path = one_stop_xlsx(tmp_path / "DS_HS_TRA_KQ_T3.xlsx", rows, dates=dates)
    login(client, manager.email, PASSWORD)
    resp = client.post("/frames/RX-1/upload", data={
        "csrf_token": csrf_token(client, "/frames/RX-1"),
        "file": (io.BytesIO(path.read_bytes()), path.name)}, content_type="multipart/form-data")
    url = resp.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "Tên cột được đọc từ dòng 7-8" in page
    preselected = dict(re.findall(
        r'<select[^>]*name="(map_\w+)"[^>]*>.*?<option selected value="([^"]*)"', page, re.S))
    assert preselected["map_received_on"] == "Ngày Tiếp nhận"
    assert preselected["map_phone"] == "Số điện thoại" and preselected["map_cid"] == "Số CCCD"
    page = client.post(url, data={"csrf_token": csrf_token(client, url), "dry_run": "1",
                                  **preselected}).get_data(as_text=True)
    assert 'value="7-8"' in page and "Bỏ qua 4 dòng tiêu đề" in page  # still shown
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "commit": "1",
                                  **preselected})  # the one step: accept what is shown
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    got = db.session.scalars(select(FrameDossier).order_by(FrameDossier.code)).all()
    assert [d.code for d in got] == sorted(d.code for d in rows)
    first = got[0]
    assert first.agency_id == ward.id and first.received_on == dt.date(2026, 3, 2)
    assert first.returned_on == dt.date(2026, 3, 4) and first.due_on == dt.date(2026, 3, 5)
    assert decrypt(first.phone_enc) == "0905123400" and decrypt(first.cid_enc) == "048190000000"
    assert sum(d.late for d in got) == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "frames.import"))
    assert event.after["header_rows"] == "7-8" and event.after["title_rows"] == 4
    assert event.after["footer_rows"] == 5 and event.after["zeros_restored"] == {
        "phone": 6, "cid": 6}


def test_the_cli_lists_what_it_skipped_and_takes_a_header_row(runner, db, factory, tmp_path):
    ward = factory.agency("Phường Hải Châu", kind=AgencyKind.WARD)
    factory.field("HT", "Hộ tịch")
    factory.survey("RX-2", agencies=[ward])
    path = one_stop_xlsx(tmp_path / "ds.xlsx", dossiers(3))
    out = runner.invoke(args=["frame", "import", "RX-2", str(path), "--dry-run"])
    assert out.exit_code == 0, out.output
    assert "Tên cột được đọc từ dòng 7-8." in out.output
    assert "row 1 (title, skipped): UBND THÀNH PHỐ ĐÀ NẴNG | CỘNG HÒA" in out.output
    assert "row 12 (below the table, skipped): Tổng cộng: 3 hồ sơ" in out.output
    assert "would add: 3" in out.output
    out = runner.invoke(args=["frame", "import", "RX-2", str(path), "--header-row", "7-7",
                              "--dry-run"])
    assert out.exit_code == 1 and "received_on" in out.output  # "Ngày" alone names no date
    out = runner.invoke(args=["frame", "import", "RX-2", str(path), "--header-row", "x"])
    assert out.exit_code == 1 and "số thứ tự dòng" in out.output
    assert db.session.scalar(select(FrameDossier.id)) is None
