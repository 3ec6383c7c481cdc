"""The ``fieldwork frame`` commands, the call list (CSV) and the invitation lists (PDF)."""

from __future__ import annotations

import csv
import io
import json

import pypdfium2 as pdfium
from sqlalchemy import func, select

from fieldwork.frames.lists import mask_name
from fieldwork.frames.models import FrameDossier, FrameDraw
from fieldwork.frames.operations_draw import active_draw, apply_counts, make_draw
from fieldwork.frames.operations_lists import call_list, invitations_pdf
from fieldwork.plans.models_fieldwork import Assignment
from fieldwork.privacy.operations import grant_contact_access

from .conftest import run_import
from .helpers import HEADER, dossier, frame_csv, sample_frame


def pdf_text(data: bytes) -> str:
    """All text of a PDF, page after page."""
    pdf = pdfium.PdfDocument(data)
    try:
        out = []
        for page in pdf:
            tp = page.get_textpage()
            out.append(tp.get_text_range())
            tp.close()
            page.close()
        return "\n".join(out)
    finally:
        pdf.close()


def test_cli_import_dry_run_then_import(db, setup, runner, tmp_path):
    path = tmp_path / "hoso.csv"
    bad = dossier(9)
    bad[4], bad[6] = "20/03/2026", "10/03/2026"
    path.write_bytes(frame_csv(sample_frame() + [bad]))
    out = runner.invoke(args=["frame", "import", "fr-1", str(path), "--dry-run"])
    assert out.exit_code == 0, out.output
    assert "rows read: 10" in out.output and "would add: 9 (late: 2)" in out.output
    assert "rejected: 1" in out.output and "row 11, returned_on:" in out.output
    assert db.session.scalar(select(func.count()).select_from(FrameDossier)) == 0
    out = runner.invoke(args=["frame", "import", "FR-1", str(path)])
    assert out.exit_code == 1 and "nothing imported: 1 rows rejected" in out.output
    out = runner.invoke(args=["frame", "import", "FR-1", str(path), "--skip-invalid"])
    assert out.exit_code == 0 and "added: 9" in out.output
    out = runner.invoke(args=["frame", "import", "FR-1", str(path), "--skip-invalid"])
    assert "added: 0" in out.output and "skipped as duplicates: 9" in out.output
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"code": "Mã hồ sơ", "agency": "Không có cột"}))
    out = runner.invoke(args=["frame", "import", "FR-1", str(path), "--mapping", str(mapping)])
    assert out.exit_code == 1 and "received_on" in out.output  # required fields unmapped
    mapping.write_text(json.dumps({"code": "Mã hồ sơ", "agency": "Không có cột",
                                   "received_on": "Ngày tiếp nhận",
                                   "returned_on": "Ngày trả kết quả"}))
    out = runner.invoke(args=["frame", "import", "FR-1", str(path), "--mapping", str(mapping)])
    assert out.exit_code == 1 and "Không có cột" in out.output
    out = runner.invoke(args=["frame", "import", "NOPE", str(path)])
    assert out.exit_code == 1 and "unknown survey" in out.output


def test_cli_counts_and_draw_same_seed_same_file(db, setup, runner, tmp_path):
    run_import(setup, frame_csv([dossier(i, late=i % 4 == 0) for i in range(1, 41)]
                                + [dossier(i, "Sở Y tế", "YT") for i in range(1, 21)]))
    db.session.commit()
    out = runner.invoke(args=["frame", "counts", "FR-1"])
    assert "Sở Tư pháp: N 1000 -> 40, required sample 169 -> 33" in out.output, out.output
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    out = runner.invoke(args=["frame", "draw", "FR-1", "--seed", "11", "--late-first",
                              "--out", str(a)])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(a.read_text(encoding="utf-8-sig"))))
    assert list(rows[0]) == ["dossier_code", "agency", "field", "reserve", "rank"]
    main = [r for r in rows if r["reserve"] == "0"]
    assert len(main) == 33 + 18  # N = 20: 20 / 1.098 = 18.2 -> 18
    assert {r["agency"] for r in rows} == {"Sở Tư pháp", "Sở Y tế"}
    late = {f"HS-TP-{i:05d}" for i in range(4, 41, 4)}
    assert late <= {r["dossier_code"] for r in main}
    out = runner.invoke(args=["frame", "draw", "FR-1", "--seed", "11", "--late-first",
                              "--out", str(b)])
    assert "written again" in out.output and a.read_bytes() == b.read_bytes()
    out = runner.invoke(args=["frame", "draw", "FR-1", "--seed", "12", "--out", str(b)])
    assert out.exit_code == 1 and "11" in out.output
    out = runner.invoke(args=["frame", "draw", "FR-1", "--seed", "11", "--late-first",
                              "--reason", "Kiểm tra lại", "--out", str(b)])
    assert out.exit_code == 0 and a.read_bytes() == b.read_bytes()
    assert db.session.scalar(select(func.count()).select_from(FrameDraw)) == 2


def test_call_list_masked_unless_granted(db, setup):
    run_import(setup, frame_csv(sample_frame()))
    make_draw(setup["survey"], {"seed": 3, "size": 5}, setup["manager"])
    draw = active_draw(setup["survey"])
    rows = list(csv.DictReader(io.StringIO(call_list(draw, setup["manager"]).decode("utf-8-sig"))))
    assert len(rows) == len(draw.items) and rows[0]["draw_id"] == str(draw.id)
    codes = {r["dossier_code"] for r in rows}
    assert codes == {i.dossier.code for i in draw.items}
    assert all("xx xxx" in r["phone"] for r in rows)
    assert all(len(r["applicant"].split(".")) > 1 for r in rows)
    grant_contact_access(setup["manager"], {"survey_id": setup["survey"].id}, "test")
    rows = list(csv.DictReader(io.StringIO(call_list(draw, setup["manager"]).decode("utf-8-sig"))))
    assert all(r["phone"].isdigit() and len(r["phone"]) == 10 for r in rows)
    names = {i.dossier.code: i for i in draw.items}
    assert {r["applicant"] for r in rows} <= {"Trần Văn Đức", "Lê Thị Ánh Tuyết",
                                              "Phạm Quốc Bảo", "Hoàng Thị Thuỷ",
                                              "Võ Minh Khôi", "Đặng Thị Ngọc Hương"}
    assert set(names) == codes
    assert mask_name("Nguyễn Thị Hoà") == "N. T. H."


def test_invitation_pdf_per_assignment(db, setup, factory):
    survey, manager = setup["survey"], setup["manager"]
    run_import(setup, frame_csv([dossier(i) for i in range(1, 15)]
                                + [dossier(i, "Sở Y tế", "YT") for i in range(1, 4)]))
    apply_counts(survey, manager)
    tp = setup["agencies"][0]
    lan = factory.user("enumerator", name="Trần Thị Lan")
    minh = factory.user("enumerator", name="Đỗ Văn Minh")
    for person in (lan, minh):
        db.session.add(Assignment(survey_id=survey.id, enumerator_id=person.id,
                                  agency_id=tp.id, quota=10))
    db.session.commit()
    draw = make_draw(survey, {"seed": 9}, manager)
    grant_contact_access(manager, {"survey_id": survey.id}, "test")
    text = pdf_text(invitations_pdf(draw, manager))
    assert "DANH SÁCH MỜI THAM GIA KHẢO SÁT" in text
    assert "Trần Thị Lan" in text and "Đỗ Văn Minh" in text
    assert "Sở Tư pháp" in text and "Sở Y tế" in text
    assert "Lê Thị Ánh Tuyết" in text or "Đặng Thị Ngọc Hương" in text
    drawn_tp = [i.dossier.code for i in draw.items if i.agency_id == tp.id]
    assert all(code in text for code in drawn_tp)
    masked = pdf_text(invitations_pdf(draw, factory.user("manager")))
    assert "Tuyết" not in masked and "Hương" not in masked and "đã được che" in masked


def test_cli_lists(db, setup, runner, tmp_path):
    run_import(setup, frame_csv(sample_frame()))
    db.session.commit()
    out = runner.invoke(args=["frame", "lists", "FR-1", "--calls", str(tmp_path / "c.csv")])
    assert out.exit_code == 1 and "no draw" in out.output
    make_draw(setup["survey"], {"seed": 1, "size": 9}, setup["manager"])
    db.session.commit()
    out = runner.invoke(args=["frame", "lists", "FR-1", "--calls", str(tmp_path / "c.csv"),
                              "--invitations", str(tmp_path / "i.pdf"), "--identified"])
    assert out.exit_code == 0, out.output
    text = pdf_text((tmp_path / "i.pdf").read_bytes())
    assert "Trần Văn Đức" in text and "Phạm Quốc Bảo" in text
    calls = (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    assert "Hoàng Thị Thuỷ" in calls and HEADER[0] not in calls
