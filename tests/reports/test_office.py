"""A report as the reviewer opens it: the DOCX through LibreOffice Writer, read back with
pdftotext; every figure is the string of the tested statistics (converted once a module)."""

from __future__ import annotations

import pytest

from fieldwork.reports.content import Header, build_content, num, pct
from fieldwork.reports.docx_report import build_report_docx
from fieldwork.reports.pdf_report import build_report_pdf
from fieldwork.stats.dataset import snapshot_id
from fieldwork.stats.summary import summarise

from ..documents.office import first_line, fonts, page_count, pages_text, to_pdf

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
AGENCIES = [f"Phường {name}" for name in ("Hải Châu", "Thanh Khê", "Sơn Trà", "Ngũ Hành Sơn",
                                          "Liên Chiểu", "Cẩm Lệ", "Hội An", "Hòa Khánh")]


def _rows():
    rows, serial = [], 0
    for k, agency in enumerate(AGENCIES):
        for i in range(40 + 7 * k):
            serial += 1
            unhappy = i % (4 + k) == 0
            rows.append({"serial": serial, "version": 1, "agency": agency,
                         "field": ("Hộ tịch", "Đất đai", "Chứng thực")[i % 3],
                         "channel": "paper_keyed", "satisfied": not unhappy,
                         "reasons": ["reason_c", "reason_a"][: 1 + i % 2] if unhappy else []})
    return rows


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    rows = _rows()
    stats = summarise(rows, 20000, {a: 2500 for a in AGENCIES}, {a: 50 for a in AGENCIES},
                      ["reason_a", "reason_c"])
    stats.update(snapshot=snapshot_id(rows), survey="T-1", channels_used=["paper_keyed"])
    header = Header(survey_title="Khảo sát sự hài lòng năm 2026", year=2026,
                    issuing_body="TRUNG TÂM KHẢO SÁT ĐỘC LẬP", issuer_name="Trung tâm Khảo sát "
                    "Độc lập", date_line="Đà Nẵng, ngày      tháng      năm 2026",
                    population=20000, authority="KT. Giám đốc", signer_title="PHÓ GIÁM ĐỐC",
                    signer_name="Trần Minh Khoa",
                    reason_labels={"reason_a": "Công khai, minh bạch thông tin",
                                   "reason_c": "Phải liên hệ nhiều lần"})
    content = build_content(stats, header, narrative={
        "shortcomings": "Người dân phải liên hệ nhiều lần.", "recommendations": "Rút ngắn."})
    root = tmp_path_factory.mktemp("report")
    (root / "bc.docx").write_bytes(build_report_docx(content))
    ours = root / "bc-ours.pdf"
    ours.write_bytes(build_report_pdf(content))
    lo = to_pdf([root / "bc.docx"], root / "lo", tmp_path_factory.mktemp("lo-profile"))[0]
    return {"stats": stats, "lo": lo, "ours": ours, "pages": pages_text(lo)}


def test_every_figure_is_the_statistics(report):
    stats, text = report["stats"], "\n".join(report["pages"])
    flat = " ".join(text.split())
    o = stats["overall"]
    assert (f"Chỉ số hài lòng chung: {pct(o['rate'])} ({num(o['satisfied'])}/{num(o['n'])} "
            "phiếu hài lòng)") in flat
    lines = [" ".join(ln.split()) for ln in text.splitlines()]
    for a in stats["agencies"]:  # ranked ones by rank (range), the others with "—"
        if a["rank"] is None and a.get("status") != "insufficient":
            continue
        row = (f"{a['rank'] or '—'} {a['agency']} {num(a['n'])} {num(a['satisfied'])} "
               f"{pct(a['rate'])}")
        assert any(ln.startswith(row) for ln in lines), row
    for r in stats["reasons"]:
        assert any(num(r["count"]) in ln and ("nhiều lần" in ln or "minh bạch" in ln)
                   for ln in lines)


def test_layout_as_the_reviewer_sees_it(report):
    pages = report["pages"]
    head = [ln.strip() for ln in pages[0].splitlines() if ln.strip()]
    assert any(ln.startswith("TRUNG TÂM KHẢO SÁT ĐỘC LẬP") and ln.endswith(MOTTO) for ln in head)
    assert "DỰ THẢO" in pages[0]
    assert abs(len(pages) - page_count(report["ours"])) <= 1
    for number, page in enumerate(pages[1:], 2):
        assert first_line(page).split()[0] == str(number)
    names = {r["name"].split("+")[-1] for r in fonts(report["lo"])}
    assert "LiberationSerif-Italic" in names and all(r["embedded"] for r in fonts(report["lo"]))
    signed = next(p for p in pages if "Trần Minh Khoa" in p)
    assert "KT. GIÁM ĐỐC" in signed and "Trên đây là Báo cáo" in signed
