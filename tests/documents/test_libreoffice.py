"""The DOCX as LibreOffice Writer lays it out (the office suite of offices without Word):
converted once for the module, then read with pdftotext, pdffonts, pdfium and pdftoppm."""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from fieldwork.documents import Signature
from fieldwork.documents.pdf import render_pdf
from fieldwork.documents.word import render_docx

from .office import first_line, fonts, grey_shapes, page_count, pages_text, to_pdf
from .samples import CLOSING, LONG_PARENT, MOTTO, report

CASES = {
    "draft": lambda: report(parent=LONG_PARENT),
    "issued": lambda: report(draft=False, parent="UBND THÀNH PHỐ ĐÀ NẴNG"),
    "unsigned": lambda: report(draft=False, signature=Signature(), paragraphs=3),
}


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """Each case as our PDF and as LibreOffice's PDF of our DOCX (one conversion run)."""
    root = tmp_path_factory.mktemp("office")
    docx, ours = [], {}
    for name, make in CASES.items():
        doc = make()
        (root / f"{name}.docx").write_bytes(render_docx(doc))
        ours[name] = root / f"{name}-ours.pdf"
        ours[name].write_bytes(render_pdf(doc))
        docx.append(root / f"{name}.docx")
    theirs = to_pdf(docx, root / "lo", tmp_path_factory.mktemp("lo-profile"))
    return {"ours": ours, "lo": dict(zip(CASES, theirs, strict=True))}


def _lines(page: str) -> list[str]:
    return [ln.strip() for ln in page.splitlines() if ln.strip()]


def _sizes(pdf_path, needle: str, page: int = 0) -> set[float]:
    """Font sizes (pt) of the characters of ``needle`` on ``page``."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        tp = pdf[page].get_textpage()
        text = tp.get_text_range()
        at = text.find(needle)
        assert at >= 0, needle
        return {round(pdfium_c.FPDFText_GetFontSize(tp.raw, i), 1)
                for i in range(at, at + len(needle)) if not text[i].isspace()}
    finally:
        pdf.close()


@pytest.mark.parametrize("case", ["draft", "issued"])
def test_motto_and_issuing_body_each_on_one_line(office, case):
    head = _lines(pages_text(office["lo"][case])[0])
    assert any(line.endswith(MOTTO) for line in head)
    assert any(line.startswith("SỞ THÔNG TIN VÀ TRUYỀN THÔNG") for line in head)
    assert any("Độc lập - Tự do - Hạnh phúc" in line for line in head)
    # At the decree's sizes: nothing was shrunk to fit.
    assert _sizes(office["lo"][case], MOTTO) == {12.0}
    assert _sizes(office["lo"][case], "SỞ THÔNG TIN VÀ TRUYỀN THÔNG") == {12.0}
    assert _sizes(office["lo"][case], "Độc lập - Tự do - Hạnh phúc") == {13.0}


def test_parent_body_too_long_wraps_without_shrinking(office):
    head = _lines(pages_text(office["lo"]["draft"])[0])
    assert any(line.startswith("ỦY BAN NHÂN DÂN") and MOTTO in line for line in head)
    assert any(line.startswith("THÀNH PHỐ ĐÀ NẴNG") for line in head)
    assert _sizes(office["lo"]["draft"], "THÀNH PHỐ ĐÀ NẴNG") == {12.0}
    issued = _lines(pages_text(office["lo"]["issued"])[0])
    assert any(line.startswith("UBND THÀNH PHỐ ĐÀ NẴNG") for line in issued)


@pytest.mark.parametrize("case", sorted(CASES))
def test_page_numbers_from_page_two_and_page_count(office, case):
    pages = pages_text(office["lo"][case])
    ours = page_count(office["ours"][case])
    assert abs(len(pages) - ours) <= 1, (len(pages), ours)
    assert not first_line(pages[0])[:1].isdigit()
    for number, page in enumerate(pages[1:], 2):
        assert first_line(page).split()[0] == str(number)


@pytest.mark.parametrize("case", sorted(CASES))
def test_fonts_embedded_serif_with_real_italics(office, case):
    rows = fonts(office["lo"][case])
    assert rows and all(r["embedded"] for r in rows), rows
    names = {r["name"].split("+")[-1] for r in rows}
    assert {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic",
            "LiberationSerif-BoldItalic"} <= names, names
    assert not any("Helvetica" in n or "DejaVu" in n for n in names)


def test_header_rows_repeat_on_the_next_page(office):
    pages = pages_text(office["lo"]["issued"])
    with_rows = [p for p in pages if "Ủy ban nhân dân phường số 60" in p
                 or "Ủy ban nhân dân phường số 40" in p]
    assert with_rows and all("STT" in p and "Tỷ lệ hài lòng" in p for p in with_rows)


def test_signature_keeps_with_the_closing_paragraph(office):
    for case in ("issued", "unsigned"):
        pages = pages_text(office["lo"][case])
        closing = [i for i, p in enumerate(pages) if CLOSING in " ".join(_lines(p))]
        signed = [i for i, p in enumerate(pages) if "Nơi nhận:" in p]
        assert closing == signed and len(signed) == 1
    page = next(p for p in pages_text(office["lo"]["issued"]) if "Nơi nhận:" in p)
    assert page.index("TM. ỦY BAN NHÂN DÂN") < page.index("KT. CHỦ TỊCH") < page.index(
        "PHÓ CHỦ TỊCH") < page.index("Nguyễn Đức Minh")


def test_draft_shows_the_watermark_and_box_issued_does_not(office):
    draft, issued = pages_text(office["lo"]["draft"]), pages_text(office["lo"]["issued"])
    assert "DỰ THẢO LẦN 2" in draft[0] and "ngày 05/11/2026" in draft[0]
    assert "DỰ THẢO LẦN 2 – 05/11/2026" in first_line(draft[1])
    assert not any("DỰ THẢO" in p for p in issued)
    for page in range(len(draft)):  # every page, the first one too
        assert grey_shapes(office["lo"]["draft"], page) >= 3
    assert all(grey_shapes(office["lo"]["issued"], page) == 0 for page in range(len(issued)))
