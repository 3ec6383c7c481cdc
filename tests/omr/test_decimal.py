"""A decimal XLSForm question is printed as a box the respondent writes 2,5 in (a digit grid
has no comma), declared in the layout as a text region, and the reader cuts that region for
keying: what the printer prints is what the reader reads."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from fieldwork.forms import operations as forms_ops
from fieldwork.forms.batches import print_batch
from fieldwork.forms.xlsform import read_xlsform
from fieldwork.omr import operations as scan_ops
from fieldwork.omr.jobs import process_batch
from fieldwork.omr.models import PageStatus, ScanPage, TextRegion
from fieldwork.omr.texts import key_text

from ..forms.test_xlsform import _xlsx

DPI = 150
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf"
FORM = _xlsx(
    [["type", "name", "label", "hint", "constraint", "required"],
     ["select_one yn", "sat", "Ông/Bà có hài lòng không?", "", "", "yes"],
     ["decimal", "wait", "Thời gian chờ đợi (giờ)", "", ". >= 0 and . <= 24", "no"],
     ["integer", "visits", "Số lần phải đi lại", "", ". >= 0 and . <= 20", "no"]],
    [["list_name", "name", "label"], ["yn", "1", "Có"], ["yn", "2", "Không"]],
    [["form_title", "form_id"], ["Phiếu thử số thập phân", "dec"]])


def _printed(db, factory, people):
    survey = factory.survey("DEC-1", agencies=[factory.agency()])
    notices: list[str] = []
    version = forms_ops.create_from_questionnaire(survey, read_xlsform(FORM, notices),
                                                  people["manager"], "xlsform:dec.xlsx")
    forms_ops.transition(version, "submit", people["manager"])
    forms_ops.transition(version, "approve", people["reviewer"], "Đồng ý")
    batch = print_batch(survey, {"count": 1, "agency_id": survey.scope[0].agency_id},
                        people["manager"])
    db.session.commit()
    return survey, batch, notices


def _page_png(pdf: Path, page: int, dpi: int, out: Path) -> Path:
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(out)], check=True)
    return out.with_suffix(".png")


def test_a_decimal_is_a_box_to_write_in_printed_and_read_as_the_layout_says(
        db, factory, people, tmp_path):
    survey, batch, notices = _printed(db, factory, people)
    assert any("'wait' (decimal) in thành ô ghi số" in n for n in notices)
    layout = json.loads(Path(batch.layout_path).read_text(encoding="utf-8"))
    kinds = {q["code"]: q for q in layout["questions"]}
    assert kinds["wait"]["kind"] == "text" and kinds["visits"]["kind"] == "digits"
    boxes = [b for p in layout["pages"] for b in p["boxes"]]
    assert not [b for b in boxes if b["question"] == "wait"]  # no grid: nothing to mark
    assert [b for b in boxes if b["question"] == "visits"]
    regions = [(p["page"], r) for p in layout["pages"] for r in p["text_regions"]
               if r["question"] == "wait"]
    assert len(regions) == 1
    page_no, region = regions[0]

    # The printed page says how to write it (pdftotext), and the region is where the box is.
    text = subprocess.run(["pdftotext", "-layout", "-f", str(page_no), "-l", str(page_no),
                           batch.pdf_path, "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Thời gian chờ đợi (giờ)" in text
    assert "Ghi số, phần thập phân sau dấu phẩy (ví dụ 2,5); không nhỏ hơn 0, không" in text
    png = _page_png(Path(batch.pdf_path), page_no, DPI, tmp_path / "page")
    image = Image.open(png).convert("L")
    scale = DPI / 72
    x, y, w, h = (region[k] * scale for k in ("x", "y", "w", "h"))
    inside = image.crop((int(x + 4), int(y + 4), int(x + w - 4), int(y + h - 4)))
    assert inside.getextrema()[0] > 200  # an empty box: no print inside the region

    # A respondent writes "2,5" in the box; the page is scanned and read.
    draw = ImageDraw.Draw(image)
    draw.text((x + w * 0.08, y + h * 0.15), "2,5", fill=0,
              font=ImageFont.truetype(FONT, int(h * 0.6)))
    image.save(tmp_path / "filled.png")
    scan = scan_ops.create_batch({"survey": survey}, people["scanner"])
    scan_ops.add_file(scan, "filled.png", (tmp_path / "filled.png").read_bytes())
    db.session.commit()
    process_batch(scan.id)
    page = db.session.scalars(select(ScanPage).where(ScanPage.batch_id == scan.id)).one()
    assert page.status == PageStatus.READ, (page.reason, page.detail)
    cut = db.session.scalars(select(TextRegion).where(TextRegion.page_id == page.id,
                                                      TextRegion.question == "wait")).one()
    assert cut.has_ink and cut.text is None  # waits for a person to key what is written
    key_text(cut, {"text": "2,5"}, people["enumerator"])
    db.session.commit()
    assert db.session.get(TextRegion, cut.id).text == "2,5"
