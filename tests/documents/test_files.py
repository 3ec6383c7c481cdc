"""The files themselves: DOCX XML (grids, header rows, styles, language, properties, embedded
fonts, watermark) and our PDF (fonts, page numbers, draft marks, signature placement)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from docx import Document as OpenDocx
from lxml import etree

from fieldwork.documents import Signature
from fieldwork.documents.fonts import FACES, serif_faces
from fieldwork.documents.pdf import render_pdf
from fieldwork.documents.word import render_docx
from fieldwork.documents.word_package import obfuscate

from .office import first_line, fonts, grey_shapes, page_count, pages_text
from .samples import CLOSING, MOTTO, report

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


@pytest.fixture(scope="module")
def draft_docx() -> bytes:
    return render_docx(report())


@pytest.fixture(scope="module")
def issued_docx() -> bytes:
    return render_docx(report(draft=False))


def _xml(data: bytes, part: str):
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(part))


def test_grid_columns_equal_cell_widths(draft_docx):
    body = _xml(draft_docx, "word/document.xml")
    tables = body.findall(".//w:tbl", NS)
    assert len(tables) == 5  # draft box, header, ranking, signature, annex
    for tbl in tables:
        grid = [int(c.get(W + "w")) for c in tbl.findall("w:tblGrid/w:gridCol", NS)]
        assert tbl.find("w:tblPr/w:tblLayout", NS).get(W + "type") == "fixed"
        assert int(tbl.find("w:tblPr/w:tblW", NS).get(W + "w")) == sum(grid)
        for tr in tbl.findall("w:tr", NS):
            cells = [int(tc.find("w:tcPr/w:tcW", NS).get(W + "w")) for tc in tr.findall(
                "w:tc", NS)]
            assert cells == grid
    ranking = tables[2]
    widths = [int(c.get(W + "w")) for c in ranking.findall("w:tblGrid/w:gridCol", NS)]
    assert widths[0] < widths[1] / 4  # STT is narrow, names are wide (not equal columns)


def test_header_rows_repeat(draft_docx):
    body = _xml(draft_docx, "word/document.xml")
    ranking = body.findall(".//w:tbl", NS)[2]
    rows = ranking.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])


def test_language_is_vietnamese_everywhere(draft_docx):
    z = zipfile.ZipFile(io.BytesIO(draft_docx))
    for part in ("word/styles.xml", "word/settings.xml", "word/document.xml"):
        assert b"en-US" not in z.read(part), part
    styles = _xml(draft_docx, "word/styles.xml")
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang.get(W + "val") == "vi-VN"
    fonts_el = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert {fonts_el.get(W + k) for k in ("ascii", "hAnsi", "eastAsia", "cs")} == {
        "Liberation Serif"}


@pytest.mark.parametrize("style_id", ["Normal", "Heading1", "Heading2", "Heading3", "Caption",
                                      "BodyText"])
def test_styles_are_listed_and_set_in_the_serif(draft_docx, style_id):
    styles = _xml(draft_docx, "word/styles.xml")
    style = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
    assert style.find("w:semiHidden", NS) is None
    assert style.find("w:qFormat", NS) is not None
    rpr = style.find("w:rPr", NS)
    assert rpr.find("w:rFonts", NS).get(W + "ascii") == "Liberation Serif"
    assert rpr.find("w:lang", NS).get(W + "val") == "vi-VN"
    color = rpr.find("w:color", NS)
    assert color is None or color.get(W + "val") == "000000"


def test_headings_use_the_heading_styles(draft_docx):
    d = OpenDocx(io.BytesIO(draft_docx))
    by_style = {}
    for p in d.paragraphs:
        by_style.setdefault(p.style.name, []).append(p.text)
    assert by_style["Heading 1"][:2] == ["I. CĂN CỨ VÀ MỤC ĐÍCH",
                                         "II. KẾT QUẢ THEO CƠ QUAN, ĐƠN VỊ"]
    assert by_style["Heading 1"][-1] == "PHỤ LỤC 1: BẢNG SỐ LIỆU"
    assert by_style["Heading 2"] == ["1. Căn cứ"] and by_style["Heading 3"] == [
        "a) Kết quả chung"]


def test_document_properties(draft_docx):
    d = OpenDocx(io.BytesIO(draft_docx))
    props = d.core_properties
    assert props.author == "Trung tâm Khảo sát Độc lập"
    assert props.title.startswith("BÁO CÁO Kết quả khảo sát") and props.language == "vi-VN"
    assert props.created == datetime(2026, 11, 5, 8, 30, tzinfo=UTC)
    undated = report(draft=False)
    undated.created = None  # "now", not python-docx's template date
    fresh = OpenDocx(io.BytesIO(render_docx(undated))).core_properties.created
    assert abs(fresh - datetime.now(UTC)) < timedelta(minutes=2)
    assert "python-docx" not in (props.author + props.comments + props.last_modified_by)


def test_the_serif_is_embedded_in_four_faces(draft_docx):
    z = zipfile.ZipFile(io.BytesIO(draft_docx))
    table = _xml(draft_docx, "word/fontTable.xml")
    font = table.find("w:font[@w:name='Liberation Serif']", NS)
    embeds = {el.tag[len(W):]: el for el in font if el.tag.startswith(W + "embed")}
    assert set(embeds) == {"embedRegular", "embedBold", "embedItalic", "embedBoldItalic"}
    rels = etree.fromstring(z.read("word/_rels/fontTable.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    faces = serif_faces()
    for name, face in (("embedRegular", "regular"), ("embedBold", "bold"),
                       ("embedItalic", "italic"), ("embedBoldItalic", "bold_italic")):
        el = embeds[name]
        rid = el.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        stored = z.read("word/" + target[rid])
        assert stored[:32] != faces.data(face)[:32]  # obfuscated, as the standard asks
        assert obfuscate(stored, el.get(W + "fontKey")) == faces.data(face)
    assert b"odttf" in z.read("[Content_Types].xml")
    assert b"<w:embedTrueTypeFonts/>" in z.read("word/settings.xml")
    assert set(FACES) == {"regular", "bold", "italic", "bold_italic"}


def test_page_numbers_from_page_two_and_the_watermark_on_drafts_only(draft_docx, issued_docx):
    def headers(data):
        z = zipfile.ZipFile(io.BytesIO(data))
        doc = _xml(data, "word/document.xml")
        sect = doc.find(".//w:body/w:sectPr", NS)
        assert sect.find("w:titlePg", NS) is not None  # the first page has its own header
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels}
        out = {}
        for ref in sect.findall("w:headerReference", NS):
            rid = ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/"
                          "relationships}id")
            out[ref.get(W + "type")] = z.read("word/" + target[rid]).decode()
        return out

    draft, issued = headers(draft_docx), headers(issued_docx)
    for h in (draft, issued):
        assert 'w:instr=" PAGE "' in h["default"] and "PAGE" not in h["first"]
    for part in ("default", "first"):
        assert "PowerPlusWaterMarkObject" in draft[part] and 'string="DỰ THẢO LẦN 2"' in draft[
            part]
        assert "PowerPlusWaterMarkObject" not in issued[part]
    assert "DỰ THẢO LẦN 2 – 05/11/2026" in draft["default"]
    body = "".join(OpenDocx(io.BytesIO(draft_docx)).tables[0].rows[0].cells[0].text)
    assert "DỰ THẢO LẦN 2" in body and "05/11/2026" in body
    assert "DỰ THẢO" not in zipfile.ZipFile(io.BytesIO(issued_docx)).read(
        "word/document.xml").decode()


@pytest.fixture(scope="module")
def pdf_files(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    files = {"draft": out / "draft.pdf", "issued": out / "issued.pdf"}
    files["draft"].write_bytes(render_pdf(report()))
    files["issued"].write_bytes(render_pdf(report(draft=False)))
    return files


def test_pdf_fonts_all_embedded_serif_with_real_italics(pdf_files):
    for path in pdf_files.values():
        rows = fonts(path)
        assert rows and all(r["embedded"] for r in rows), rows
        names = {re.sub(r"^[A-Z]{6}\+", "", r["name"]) for r in rows}
        assert names == {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic",
                         "LiberationSerif-BoldItalic"}


def test_pdf_pages_numbered_from_two(pdf_files):
    pages = pages_text(pdf_files["issued"])
    assert len(pages) == page_count(pdf_files["issued"]) >= 3
    assert not first_line(pages[0]).split()[0].isdigit()
    for number, page in enumerate(pages[1:], 2):
        assert first_line(page) == str(number)


def test_pdf_header_lines_and_draft_marks(pdf_files):
    draft, issued = pages_text(pdf_files["draft"]), pages_text(pdf_files["issued"])
    head = draft[0]
    assert any(line.strip().endswith(MOTTO) for line in head.splitlines())
    assert any("SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in line and MOTTO in line
               for line in head.splitlines())
    assert "DỰ THẢO LẦN 2" in head and "ngày 05/11/2026" in head
    assert "DỰ THẢO LẦN 2 – 05/11/2026" in first_line(draft[1])
    assert all("DỰ THẢO" not in page for page in issued)
    # The watermark is drawn as glyph outlines: on every page of a draft, out of its text.
    assert all(grey_shapes(pdf_files["draft"], i) >= 1 for i in range(len(draft)))
    assert all(grey_shapes(pdf_files["issued"], i) == 0 for i in range(len(issued)))
    assert sum(page.count("THẢO") for page in draft) == 1 + (len(draft) - 1)  # box, lines


def test_pdf_signature_keeps_with_the_closing_paragraph(pdf_files):
    pages = pages_text(pdf_files["issued"])
    signed = [i for i, p in enumerate(pages) if "Nguyễn Đức Minh" in p]
    assert len(signed) == 1
    page = pages[signed[0]]
    assert CLOSING in page and "TM. ỦY BAN NHÂN DÂN" in page and "Nơi nhận:" in page
    assert page.index("TM. ỦY BAN NHÂN DÂN") < page.index("KT. CHỦ TỊCH") < page.index(
        "PHÓ CHỦ TỊCH") < page.index("Nguyễn Đức Minh")


def test_no_signer_still_lays_out(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(render_pdf(report(signature=Signature())))
    page = "\n".join(pages_text(path))
    assert "Nơi nhận:" in page and CLOSING in page
