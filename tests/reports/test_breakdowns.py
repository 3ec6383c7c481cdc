"""Every figure of the new report parts is the string of the tested statistics function."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pypdfium2 as pdfium
import pytest
from docx import Document

from fieldwork.forms.builtin import danang_2025, sipas
from fieldwork.reports.breakdowns import COMMENT_CAP, period_label
from fieldwork.reports.content import (
    COMMENTS,
    Chart,
    Header,
    Para,
    Table,
    build_content,
    ci,
    dec,
    num,
    pct,
)
from fieldwork.reports.docx_report import build_report_docx
from fieldwork.reports.pdf_report import build_report_pdf
from fieldwork.stats.criteria import layout
from fieldwork.stats.dataset import overall_item, sheet_row, snapshot_id
from fieldwork.stats.summary import summarise

from ..stats.sipas_data import answers as sipas_answers

CRITERIA = "KẾT QUẢ THEO YẾU TỐ VÀ TIÊU CHÍ ĐÁNH GIÁ"
BREAKDOWNS = "KẾT QUẢ THEO THỜI GIAN"


def _stats(rows, lay):
    out = summarise(rows, layout=lay)
    out.update(snapshot=snapshot_id(rows), survey="T", channels_used=["paper_keyed"])
    return out


def sipas_stats():
    qn = sipas()
    lay, item = layout(qn), overall_item(list(qn.questions()))
    rows = [sheet_row({"serial": s, "version": 1, "agency": "A" if s % 3 else "B",
                       "channel": "paper_keyed", "answers": sipas_answers(s),
                       "received": datetime(2026, 3 + s % 4, 5, tzinfo=UTC)}, item, None, lay)
            for s in range(1, 41)]
    return _stats(rows, lay)


def danang_stats(comments_a: int = 3):
    qn = danang_2025()
    lay, item = layout(qn), overall_item(list(qn.questions()))
    procs = ["Đăng ký khai sinh"] * 5 + ["Chứng thực bản sao"] * 3 + [
        f"Thủ tục {i}" for i in range(20)]
    rows = []
    for s in range(1, 61):  # sheets 29-60 name no procedure
        proc = procs[s - 1] if s <= len(procs) else ""
        ans = {"q01": ["yes" if s % 4 else "no"], "procedure": [proc],
               "survey_date": [f"{s % 28 + 1:02d}/{s % 9 + 3:02d}/2026"],
               "q03": [f"Góp ý số {s}, gọi tôi 0905123{s:03d}"] if s <= comments_a else []}
        rows.append(sheet_row({"serial": s, "version": 1, "agency": "Sở Tư pháp",
                               "channel": "paper_keyed", "answers": ans}, item, "q02", lay))
    return _stats(rows, lay)


@pytest.fixture()
def header():
    return Header(survey_title="Khảo sát sự hài lòng năm 2026", year=2026, population=None)


def _section(content, heading):
    return next(s for s in content.sections if s.heading.startswith(heading))


def _tables(section):
    return [b for b in section.blocks if isinstance(b, Table)]


def test_criteria_tables_are_the_statistics(header):
    stats = sipas_stats()
    c = build_content(stats, header)
    section = _section(c, CRITERIA)
    aspects, items = _tables(section)
    for row, a in zip(aspects.rows[1:], stats["aspects"], strict=False):
        assert row[1:] == [a["title"], num(a["items"]), pct(a["index"])]
    assert aspects.rows[-1][-1] == pct(stats["sipas_index"])
    assert len(items.rows) == 1 + len(stats["criteria"]) == 18
    numbers = [r[0] for r in items.rows[1:]]
    assert numbers[:4] == ["1.1", "1.2", "1.3", "2.1"] and numbers[-1] == "6"
    assert not any(s.heading == "LÝ DO CHƯA HÀI LÒNG" for s in c.sections)  # no such item
    for row, k in zip(items.rows[1:], stats["criteria"], strict=True):
        assert row[1:] == [k["text"], num(k["n"]), pct(k["top2_rate"]),
                       ci(k["top2_ci95"]), dec(k["mean"]), pct(k["bottom2_rate"]),
                       num(k["not_applicable"])]
    assert any(isinstance(b, Chart) for b in section.blocks)


def test_profile_periods_and_groups_are_the_statistics(header):
    stats = sipas_stats()
    c = build_content(stats, header)
    profile = _tables(_section(c, "PHƯƠNG PHÁP VÀ MẪU KHẢO SÁT"))[0]
    gender = next(p for p in stats["profile"] if p["code"] == "gender")
    start = next(i for i, r in enumerate(profile.rows) if r[0] == gender["text"])
    for row, o in zip(profile.rows[start:], gender["options"], strict=False):
        assert row[1:] == [o["label"], num(o["count"]), pct(o["share"])]
    assert _section(c, BREAKDOWNS).heading == "KẾT QUẢ THEO THỜI GIAN VÀ NHÓM NGƯỜI TRẢ LỜI"
    months, periods, groups = _tables(_section(c, BREAKDOWNS))
    assert [r[1:] for r in months.rows[1:]] == [
        [period_label(m["group"]), num(m["n"]), pct(m["rate"]), ci(m["ci95"])]
        for m in stats["periods"]["month"]]
    assert months.rows[1][1] == "Tháng 03/2026"
    assert [r[1] for r in periods.rows[1:]] == ["Quý I/2026", "Quý II/2026",
                                                "6 tháng đầu năm 2026"]
    assert [r[1:] for r in groups.rows[1:]] == [
        [g["label"] if g["group"] else "Không trả lời", num(g["n"]), pct(g["rate"]),
         ci(g["ci95"])] for g in stats["groups"]["rates"]]
    assert not any(s.heading.endswith(COMMENTS) for s in c.sections)


def test_procedures_and_comments_are_the_statistics(header):
    stats = danang_stats(comments_a=COMMENT_CAP + 3)
    c = build_content(stats, header)
    assert not any(s.heading == CRITERIA for s in c.sections)
    assert _tables(_section(c, "PHƯƠNG PHÁP VÀ MẪU KHẢO SÁT")) == []  # no profile items
    tables = _tables(_section(c, BREAKDOWNS))
    assert _section(c, BREAKDOWNS).heading == "KẾT QUẢ THEO THỜI GIAN VÀ THỦ TỤC HÀNH CHÍNH"
    procedures = tables[-1]
    p = stats["procedures"]
    assert len(procedures.rows) == 1 + 15 + 1
    assert procedures.rows[1][1:] == ["Đăng ký khai sinh", num(5), pct(p["rows"][0]["rate"]),
                                      ci(p["rows"][0]["ci95"])]
    assert procedures.rows[-1][1:] == ["Các thủ tục khác (7 thủ tục)", num(p["others"]["n"]),
                                       pct(p["others"]["rate"]), ci(p["others"]["ci95"])]
    annex = c.sections[-1]
    assert annex.annex and annex.heading == f"PHỤ LỤC 2: {COMMENTS}"
    texts = [b.text for b in annex.blocks if isinstance(b, Para)]
    group = stats["comments"][0]
    assert texts[0] == f"Sở Tư pháp ({num(group['count'])} ý kiến)"
    assert texts[1] == "– " + group["comments"][0]["text"] and "xxx xxx xxx" in texts[1]
    assert len(texts) == 1 + COMMENT_CAP + 1 and p["unnamed"] == 32
    assert texts[-1].startswith("… và 3 ý kiến khác")
    assert not any("0905123" in t for t in texts)


def test_docx_and_pdf_render_the_new_parts(header):
    header.questionnaire = [("q01", "Ông/bà có hài lòng?", ["Hài lòng", "Chưa hài lòng"])]
    sipas_content = build_content(sipas_stats(), header)
    danang_content = build_content(danang_stats(), header)
    doc = Document(io.BytesIO(build_report_docx(sipas_content)))
    cells = ["|".join(cell.text for cell in row.cells) for t in doc.tables for row in t.rows]
    item = _tables(_section(sipas_content, CRITERIA))[1].rows[1]
    assert "|".join(item) in cells
    assert len(doc.inline_shapes) == 3  # agencies, aspects, months
    doc = Document(io.BytesIO(build_report_docx(danang_content)))
    paras = [p.text for p in doc.paragraphs]
    assert f"PHỤ LỤC 3: {COMMENTS}" in paras
    assert any(p.startswith("– Góp ý số 1, gọi tôi ") for p in paras)
    for content, needle in ((sipas_content, "Chỉ số hài lòng theo yếu tố"),
                            (danang_content, "Đăng ký khai sinh")):
        pdf = pdfium.PdfDocument(build_report_pdf(content))
        try:
            text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        finally:
            pdf.close()
        assert needle in text
