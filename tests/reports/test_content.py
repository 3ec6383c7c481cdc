"""The outline: numbers formatted from the statistics dict, same in DOCX and PDF."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from docx import Document

from fieldwork.reports.content import (
    COMPARISON,
    NO_EARLIER,
    PLACEHOLDER,
    SHORTCOMINGS,
    SITUATION,
    Header,
    Para,
    Table,
    build_content,
    ci,
    num,
    pct,
)
from fieldwork.reports.docx_report import build_report_docx
from fieldwork.reports.narrative import NO_REASONS
from fieldwork.reports.pdf_report import build_report_pdf
from fieldwork.stats.dataset import snapshot_id
from fieldwork.stats.summary import summarise

TITLE = "Khảo sát sự hài lòng năm 2026"


def _rows():
    rows = []
    for i in range(30):
        rows.append({"serial": i, "version": 1, "agency": "Sở Tư pháp", "field": "Hộ tịch",
                     "channel": "paper_keyed", "satisfied": i >= 3,
                     "reasons": ["reason_c"] if i < 3 else []})
    for i in range(10):
        rows.append({"serial": 100 + i, "version": 1, "agency": "Sở Y tế", "field": None,
                     "channel": "online", "satisfied": i >= 3,
                     "reasons": ["reason_a", "reason_c"] if i < 3 else []})
    return rows


@pytest.fixture()
def stats():
    rows = _rows()
    out = summarise(rows, 2000, {"Sở Tư pháp": 1000, "Sở Y tế": 1000},
                    {"Sở Tư pháp": 30, "Sở Y tế": 20, "Sở Nội vụ": 10}, ["reason_a", "reason_c"],
                    bands=(0.8, 0.9))
    out.update(snapshot=snapshot_id(rows), survey="T-1", channels_used=["online", "paper_keyed"],
               bands={"values": [0.8, 0.9], "source": "Kế hoạch số 12/KH-TTKS đã thẩm định"})
    return out


@pytest.fixture()
def header():
    return Header(survey_title=TITLE, year=2026, issuing_body="TRUNG TÂM KHẢO SÁT",
                  date_line="Đà Nẵng, ngày      tháng      năm 2026", population=2000,
                  reason_labels={"reason_c": "Phải liên hệ nhiều lần"},
                  questionnaire=[("q01", "Ông/bà có hài lòng?", ["Hài lòng", "Chưa hài lòng"])])


def section(content, heading):
    """The section of ``content`` with this heading."""
    return next(s for s in content.sections if s.heading == heading)


def test_number_formats():
    assert pct(0.82664) == "82,66%"
    assert pct(None) == "—"
    assert num(4000) == "4.000"
    assert ci([0.801, 0.85]) == "80,10% – 85,00%"


def test_outline(stats, header):
    c = build_content(stats, header)
    assert c.kind == "BÁO CÁO"
    assert c.subject == "Kết quả khảo sát sự hài lòng năm 2026"
    headings = [s.heading for s in c.sections]
    assert SHORTCOMINGS in headings and headings[-2:] == [
        "PHỤ LỤC 1: MẪU KHẢO SÁT VÀ KẾT QUẢ THEO CƠ QUAN, ĐƠN VỊ", "PHỤ LỤC 2: PHIẾU KHẢO SÁT"]
    assert headings[:4] == ["CĂN CỨ VÀ MỤC ĐÍCH", SITUATION, "PHƯƠNG PHÁP VÀ MẪU KHẢO SÁT",
                            "KẾT QUẢ CHUNG"]
    assert headings.index(COMPARISON) == headings.index(SHORTCOMINGS) - 1
    text = " ".join(b.text for s in c.sections for b in s.blocks if hasattr(b, "text"))
    assert pct(stats["overall"]["rate"]) == "85,00%"
    assert "Chỉ số hài lòng chung: 85,00% (34/40 phiếu hài lòng)" in text
    assert "Căn cứ Kế hoạch khảo sát sự hài lòng năm 2026;" in text
    assert "Tổng số hồ sơ (N): 2.000." in text
    ranking = next(b for b in section(c, "KẾT QUẢ THEO CƠ QUAN, ĐƠN VỊ").blocks
                   if isinstance(b, Table))
    assert [r[1] for r in ranking.rows[1:]] == ["Sở Tư pháp", "Sở Y tế"]
    # Sở Y tế has 10 of the 20 forms it needs: listed after the ranked ones, not ranked.
    assert ranking.rows[2][0] == "—" and ranking.rows[2][4] == "70,00%"
    assert ranking.rows[2][6] == "Chưa đủ mẫu (cần 20)"
    assert ranking.rows[1][:1] == ["1"]
    assert ranking.rows[1][6] == ""  # exactly 90% is not below the 90% band
    note = next(b.text for b in section(c, "KẾT QUẢ THEO CƠ QUAN, ĐƠN VỊ").blocks
                if isinstance(b, Para) and b.italic)
    assert "Holm" in note and "“Dưới 80,00%”, “Dưới 90,00%”" in note
    assert "Kế hoạch số 12/KH-TTKS đã thẩm định" in note
    annex = c.sections[-2].blocks[0]
    assert annex.rows[3][1:5] == ["Sở Nội vụ", "10", "0", "—"]  # in scope, no answers yet
    reasons = next(b for b in section(c, "LÝ DO CHƯA HÀI LÒNG").blocks if isinstance(b, Table))
    assert reasons.rows[2] == ["2", "Phải liên hệ nhiều lần", "6", "100,00%"]


def test_results_by_source_beside_the_headline_and_no_bands_by_default(header):
    rows = _rows()
    paper = [r for r in rows if r["channel"] == "paper_keyed"]
    online = [{**r, "source": "city_online"} for r in rows if r["channel"] == "online"]
    stats = summarise(paper, 2000, required={"Sở Tư pháp": 30})
    stats.update(snapshot=snapshot_id(paper), survey="T-1", channels_used=["paper_keyed"],
                 bands=None, source="independent",
                 source_label_vi="Khảo sát độc lập (đơn vị khảo sát)",
                 sources={"city_online": {**summarise(online), "source": "city_online",
                                          "source_label_vi": "Phần mềm khảo sát trực tuyến "
                                                             "của thành phố"}})
    c = build_content(stats, header, with_charts=False)
    tables = [b for s in c.sections for b in s.blocks if isinstance(b, Table)]
    by_source = next(t for t in tables if t.rows[0][1] == "Nguồn kết quả")
    assert by_source.rows[1:] == [
        ["1", "Khảo sát độc lập (đơn vị khảo sát)", "30", "90,00%", ci(stats["overall"]["ci95"])],
        ["2", "Phần mềm khảo sát trực tuyến của thành phố", "10", "70,00%",
         ci(stats["sources"]["city_online"]["overall"]["ci95"])]]
    text = " ".join(b.text for s in c.sections for b in s.blocks if isinstance(b, Para))
    assert "Chỉ số hài lòng chung: 90,00% (27/30 phiếu hài lòng)" in text
    assert "Dưới" not in text and "Holm" in text
    assert stats["snapshot"] in text


def test_scope_subject(stats, header):
    c = build_content(stats, header, ("agency", "Sở Y tế"), with_charts=False)
    assert c.subject.splitlines()[1] == "Cơ quan, đơn vị: Sở Y tế"


def test_docx_and_pdf_show_the_same_numbers(stats, header):
    c = build_content(stats, header)
    doc = Document(io.BytesIO(build_report_docx(c)))
    paras = "\n".join(p.text for p in doc.paragraphs)
    cells = ["|".join(cell.text for cell in row.cells) for t in doc.tables for row in t.rows]
    assert "BÁO CÁO" in paras and c.subject in paras
    assert f"Chỉ số hài lòng chung: {pct(stats['overall']['rate'])}" in paras
    assert PLACEHOLDER in paras
    assert any(row.startswith("1|Sở Tư pháp|30|27|90,00%") for row in cells)
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in row for row in cells)
    assert len(doc.inline_shapes) == 2
    assert "PHỤ LỤC 2: PHIẾU KHẢO SÁT" in paras and "Câu 1. Ông/bà có hài lòng?" in paras

    pdf = pdfium.PdfDocument(build_report_pdf(c))
    try:
        text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    assert "BÁO CÁO" in text and "Kết quả khảo sát sự hài lòng năm 2026" in text
    assert "Chỉ số hài lòng chung: 85,00%" in text
    assert "Sở Tư pháp" in text and "Tồn tại, hạn chế".upper() in text


def test_change_from_previous_year(stats, header):
    from fieldwork.stats.compare import compare_proportions
    before = summarise(_rows()[:30], 2000)  # only Sở Tư pháp: 27/30
    c = build_content(stats, header, with_charts=False, previous=before, previous_year=2025)
    expected = compare_proportions(34, 40, 27, 30)
    blocks = section(c, COMPARISON).blocks
    text = [b.text for b in blocks if hasattr(b, "text")]
    assert text[0].startswith("So với năm 2025 (90,00%): -5,00 điểm phần trăm (KTC 95%: ")
    assert ("không có ý nghĩa" in text[0]) == (not expected.significant)
    years, agencies, fields = [b for b in blocks if isinstance(b, Table)]
    assert years.rows[1][:4] == ["2025", "30", "90,00%", ci(before["overall"]["ci95"])]
    assert years.rows[-1][:3] == ["2026 (năm nay)", "40", "85,00%"]
    assert agencies.rows[1] == ["1", "Sở Tư pháp", "90,00%", "90,00%", "+0,00", "Không"]
    assert len(agencies.rows) == 2  # Sở Y tế has no earlier figure
    # Fields repeated both years are compared the same way (Hộ tịch: 27/30 then 27/30).
    assert fields.rows[0][1] == "Lĩnh vực"
    assert fields.rows[1:] == [["1", "Hộ tịch", "90,00%", "90,00%", "+0,00", "Không"]]


def test_every_earlier_year_is_compared(stats, header):
    """Two earlier years: a column each; the change is from the latest year with data."""
    older = summarise(_rows()[:30][:20], 2000)  # Sở Tư pháp 2024: 17/20
    before = summarise(_rows()[30:], 1000)  # 2025: only Sở Y tế, 7/10
    c = build_content(stats, header, with_charts=False,
                      earlier=[(2024, older), (2025, before)])
    years, agencies = [b for b in section(c, COMPARISON).blocks if isinstance(b, Table)][:2]
    assert [r[0] for r in years.rows[1:]] == ["2024", "2025", "2026 (năm nay)"]
    assert agencies.rows[0][2:5] == ["Năm 2024", "Năm 2025", "Năm nay"]
    by_name = {r[1]: r for r in agencies.rows[1:]}
    assert by_name["Sở Tư pháp"][2:5] == ["85,00%", "—", "90,00%"]
    assert by_name["Sở Tư pháp"][5] == "+5,00"  # against 2024, its latest year with data
    assert by_name["Sở Y tế"][2:6] == ["—", "70,00%", "70,00%", "+0,00"]


def test_a_year_with_no_earlier_survey_says_so(stats, header):
    c = build_content(stats, header, with_charts=False)
    assert [b.text for b in section(c, COMPARISON).blocks] == [NO_EARLIER]


def test_situation_and_method_from_the_plan(stats):
    header = Header(survey_title=TITLE, year=2026, population=2000,
                    field_reasons=["Hộ tịch có nhiều hồ sơ nhất."],
                    plan_methods=["Phát phiếu tại Bộ phận Một cửa."],
                    method_rules=["Cỡ mẫu theo Quyết định số 2223/QĐ-UBND."],
                    scope_rows=[("Hộ tịch", "Sở Tư pháp", 1000, 30), ("", "Sở Y tế", 1000, 20)])
    c = build_content(stats, header, with_charts=False)
    blocks = section(c, SITUATION).blocks
    assert blocks[0].text == "Hộ tịch có nhiều hồ sơ nhất."
    table = next(b for b in blocks if isinstance(b, Table))
    assert table.rows[1:] == [["1", "Hộ tịch", "Sở Tư pháp", "1.000", "30"],
                              ["2", "Tất cả lĩnh vực", "Sở Y tế", "1.000", "20"],
                              ["", "Tổng cộng", "", "2.000", "50"]]
    agency = build_content(stats, header, ("agency", "Sở Y tế"), with_charts=False)
    table = next(b for b in section(agency, SITUATION).blocks if isinstance(b, Table))
    assert [r[2] for r in table.rows[1:-1]] == ["Sở Y tế"]
    method = [b.text for b in section(c, "PHƯƠNG PHÁP VÀ MẪU KHẢO SÁT").blocks
              if hasattr(b, "text")]
    assert method[:2] == ["Phát phiếu tại Bộ phận Một cửa.",
                          "Cỡ mẫu theo Quyết định số 2223/QĐ-UBND."]
    empty = build_content(stats, Header(survey_title=TITLE, year=2026), with_charts=False)
    assert section(empty, SITUATION).blocks[0].text == NO_REASONS


def test_many_agencies_chart_the_lowest(header):
    from fieldwork.reports.content import CHART_AGENCIES, Chart
    rows = [{"serial": i, "version": 1, "agency": f"Cơ quan {i % 60:02d}", "field": None,
             "channel": "paper_keyed", "satisfied": i % 7 != 0, "reasons": []}
            for i in range(600)]
    stats = summarise(rows, 6000)
    stats.update(snapshot=snapshot_id(rows), survey="T-2", channels_used=["paper_keyed"])
    c = build_content(stats, header)
    chart = next(b for b in section(c, "KẾT QUẢ THEO CƠ QUAN, ĐƠN VỊ").blocks
                 if isinstance(b, Chart))
    assert f"{CHART_AGENCIES} cơ quan, đơn vị có tỷ lệ thấp nhất" in chart.caption
    ranking = next(b for b in section(c, "KẾT QUẢ THEO CƠ QUAN, ĐƠN VỊ").blocks
                   if isinstance(b, Table))
    assert len(ranking.rows) == 61  # the table still lists every agency


def test_narrative_replaces_the_placeholder(stats, header):
    narrative = {"shortcomings": "Thời gian chờ còn dài.\n\nThông tin\nchưa đầy đủ.",
                 "recommendations": "  "}
    c = build_content(stats, header, with_charts=False, narrative=narrative)
    blocks = next(s for s in c.sections if s.heading == SHORTCOMINGS).blocks
    assert [(b.text, b.bold) for b in blocks] == [
        ("1. Tồn tại, hạn chế", True), ("Thời gian chờ còn dài.", False),
        ("Thông tin chưa đầy đủ.", False), ("2. Kiến nghị, đề xuất", True),
        (PLACEHOLDER, False)]
    doc = Document(io.BytesIO(build_report_docx(c)))
    paras = [p.text for p in doc.paragraphs]
    assert "Thông tin chưa đầy đủ." in paras and "2. Kiến nghị, đề xuất" in paras


@pytest.mark.parametrize("narrative", [None, {}, {"shortcomings": "", "recommendations": "\n\n"}])
def test_empty_narrative_keeps_the_placeholder(stats, header, narrative):
    c = build_content(stats, header, with_charts=False, narrative=narrative)
    blocks = next(s for s in c.sections if s.heading == SHORTCOMINGS).blocks
    assert [b.text for b in blocks] == [PLACEHOLDER]
