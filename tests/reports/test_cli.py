"""``fieldwork report``: synthesis and per-agency/field drafts from the tested statistics."""

from __future__ import annotations

import io
import re
import subprocess

import pypdfium2 as pdfium
import pytest
from docx import Document
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.entry.models import EntrySheet
from fieldwork.reports.content import pct
from fieldwork.stats.statistics import survey_statistics

from ..stats.test_dataset import build


@pytest.fixture()
def data(db, factory):
    """ST-1 of the stats tests; Sở Tư pháp's sheets are in field HT."""
    d = build(db, factory)
    d.field = factory.field("HT", "Hộ tịch")
    for sheet in db.session.scalars(select(EntrySheet).where(EntrySheet.agency_id == d.a.id)):
        sheet.field_id = d.field.id
    db.session.commit()
    return d


def _pdf_text(path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def test_synthesis_docx(runner, data, db, tmp_path):
    out = tmp_path / "bc.docx"
    res = runner.invoke(args=["report", "st-1", "--format", "docx", "--out", str(out)])
    assert res.exit_code == 0, res.output
    stats = survey_statistics(data.survey)
    doc = Document(io.BytesIO(out.read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in text and "Kết quả khảo sát thử" in text
    assert f"Chỉ số hài lòng chung: {pct(stats['overall']['rate'])}" in text
    rows = ["|".join(c.text for c in r.cells) for t in doc.tables for r in t.rows]
    for a in stats["agencies"]:  # both below their required 169 forms: listed, not ranked
        assert a["status"] == "insufficient"
        assert any(f"—|{a['agency']}|{a['n']}|{a['satisfied']}|{pct(a['rate'])}" in r
                   and "Chưa đủ mẫu (cần 169)" in r for r in rows)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.generate"))
    assert event.actor_label == "cli" and event.after["snapshot"] == stats["snapshot"]


def test_synthesis_pdf(runner, data, tmp_path):
    out = tmp_path / "bc.pdf"
    res = runner.invoke(args=["report", "ST-1", "--format", "pdf", "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = _pdf_text(out)
    rate = pct(survey_statistics(data.survey)["overall"]["rate"])
    assert rate == "85,00%"
    assert "BÁO CÁO" in text and "Kết quả khảo sát thử" in text
    assert f"Chỉ số hài lòng chung: {rate}" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "PHỤ LỤC 2: PHIẾU KHẢO SÁT" in text  # the survey's approved questionnaire


def test_agency_and_field_reports(runner, data, tmp_path):
    out = tmp_path / "yte.pdf"
    res = runner.invoke(args=["report", "ST-1", "--agency", "sở y tế", "--format", "pdf",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = _pdf_text(out)
    assert "Cơ quan, đơn vị: Sở Y tế" in text and "Chỉ số hài lòng chung: 70,00%" in text
    assert "Sở Tư pháp" not in text  # only the agency's own rows and quota
    out = tmp_path / "ht.docx"
    res = runner.invoke(args=["report", "ST-1", "--field", "ht", "--format", "docx",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "Lĩnh vực: Hộ tịch" in text and "Chỉ số hài lòng chung: 90,00%" in text
    res = runner.invoke(args=["report", "ST-1", "--agency", str(data.b.id), "--format", "docx",
                              "--out", str(tmp_path / "b.docx")])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("args, message", [
    (["NOPE", "--format", "pdf"], "unknown survey"),
    (["ST-1", "--format", "odt"], "unknown format"),
    (["ST-1", "--format", "pdf", "--agency", "Sở Không Có"], "unknown agency"),
    (["ST-1", "--format", "pdf", "--field", "ZZ"], "unknown field"),
    (["ST-1", "--format", "pdf", "--field", "HT", "--agency", "Sở Y tế"], "not both"),
    (["ST-1", "--format", "pdf", "--previous", "NOPE"], "unknown survey"),
    (["ST-1", "--format", "pdf", "--previous", "st-1"], "another survey"),
])
def test_bad_input(runner, data, tmp_path, args, message):
    res = runner.invoke(args=["report", *args, "--out", str(tmp_path / "x.pdf")])
    assert res.exit_code != 0
    assert message in res.output and "Traceback" not in res.output
    assert not (tmp_path / "x.pdf").exists()


def test_unwritable_path(runner, data, tmp_path):
    res = runner.invoke(args=["report", "ST-1", "--format", "pdf",
                              "--out", str(tmp_path / "missing" / "x.pdf")])
    assert res.exit_code != 0 and "cannot write" in res.output
    # A write that fails whoever runs the tests (root ignores permissions): a full device.
    res = runner.invoke(args=["report", "ST-1", "--format", "pdf", "--out", "/dev/full"])
    assert res.exit_code != 0 and "cannot write '/dev/full'" in res.output
    assert "Traceback" not in res.output


def test_pdf_page_rasterises(runner, data, tmp_path):
    out = tmp_path / "bc.pdf"
    assert runner.invoke(args=["report", "ST-1", "--format", "pdf", "--out", str(out)]
                         ).exit_code == 0
    done = subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(out),
                           str(tmp_path / "page")], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "page-1.png").read_bytes().startswith(b"\x89PNG")


def test_previous_survey_without_answers(runner, data, factory, tmp_path):
    factory.survey("ST-0", agencies=[data.a, data.b], year=2025)
    out = tmp_path / "bc.docx"
    res = runner.invoke(args=["report", "ST-1", "--previous", "ST-0", "--format", "docx",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "Không có số liệu năm 2025 để so sánh." in text


def test_report_content_takes_the_narrative(data):
    from fieldwork.reports.content import SHORTCOMINGS
    from fieldwork.reports.operations import report_content
    c = report_content(data.survey, narrative={"shortcomings": "Chờ lâu.",
                                               "recommendations": "Rút ngắn thời gian."})
    blocks = next(s for s in c.sections if s.heading == SHORTCOMINGS).blocks
    assert [b.text for b in blocks] == ["1. Tồn tại, hạn chế", "Chờ lâu.",
                                        "2. Kiến nghị, đề xuất", "Rút ngắn thời gian."]


ENGLISH = re.compile(r"\b(the|of|Decision|formula|margin|dossiers?|[Rr]ound(ed)?|Synthesis|"
                     r"report|Agency|Field|version|Slovin|policy|sample)\b")


def _texts(doc) -> list[str]:
    out = [doc.kind, doc.subject, *doc.recipients, *doc.signature.lines]
    for block in [*doc.intro, *doc.closing, *(b for s in doc.sections for b in s.blocks)]:
        if hasattr(block, "text"):
            out.append(block.text)
        elif hasattr(block, "rows"):
            out += [cell for row in block.rows for cell in row]
    return out + [s.heading for s in doc.sections]


def test_documents_are_vietnamese_whatever_the_ui_language(app, data):
    """The report and the plan leave the system in Vietnamese words only, even made by a
    user whose interface is in English (the method and sample sentences included)."""
    from flask_babel import force_locale

    from fieldwork.plans.docx_export import plan_document
    from fieldwork.reports.document import report_document
    from fieldwork.reports.operations import report_content
    with app.test_request_context("/"), force_locale("en"):
        report = report_document(report_content(data.survey))
        plan = plan_document(data.survey)
    texts = _texts(report) + _texts(plan)
    assert any("Quyết định số 2223/QĐ-UBND" in t for t in texts)
    bad = [t for t in texts if ENGLISH.search(t)]
    assert not bad, bad
