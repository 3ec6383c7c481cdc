"""Printing round trip: print, rasterise, read QR codes and check boxes against the ink."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pypdfium2 as pdfium
import pytest
from pyzbar import pyzbar

from fieldwork.forms import fonts
from fieldwork.forms.bench import bench_print
from fieldwork.forms.builtin import danang_2025, sipas
from fieldwork.forms.imprint import DossierText, sample_imprint
from fieldwork.forms.layout import layout_questionnaire
from fieldwork.forms.printing import render_batch
from fieldwork.forms.qrpayload import QRPayload, verify
from fieldwork.forms.spec import Option, Question, Questionnaire, Section, SpecError
from fieldwork.omr.geometry import A4, Rect, layout_to_pixels, mm, page_pixels

KEY = b"print-test-key"
DPI = 150
TITLE = "Khảo sát mức độ hài lòng về dịch vụ hành chính công thành phố Đà Nẵng năm 2026"
SERIALS = ["00000041", "00000042", "00000043"]


IMPRINT = sample_imprint()


def _print(q, serials, pilot=False, survey="DEMO-2026", imprint=IMPRINT):
    layout = layout_questionnaire(q, survey, 2, imprint=imprint)
    buf = io.BytesIO()
    render_batch(q, layout, TITLE, serials, KEY, pilot=pilot, out=buf, imprint=imprint)
    return layout, buf.getvalue()


def _raster(pdf: bytes):
    """Grey pages (uint8 arrays) and text layers of a PDF."""
    doc = pdfium.PdfDocument(pdf)
    images, texts = [], []
    try:
        for page in doc:
            bitmap = page.render(scale=DPI / 72, grayscale=True)
            pixels = np.array(bitmap.to_numpy())
            images.append(pixels.reshape(bitmap.height, bitmap.width, -1)[..., 0])
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            bitmap.close()
            page.close()
    finally:
        doc.close()
    return images, texts


def _decode_qr(image: np.ndarray, rect: dict) -> bytes:
    x0, y0, x1, y1 = layout_to_pixels(Rect.from_dict(rect).inset(-mm(2)), DPI).bounds()
    found = pyzbar.decode(np.ascontiguousarray(image[y0:y1, x0:x1]),
                          symbols=[pyzbar.ZBarSymbol.QRCODE])
    assert len(found) == 1, "exactly one QR code per page"
    return found[0].data


@pytest.fixture(scope="module")
def live():
    layout, pdf = _print(danang_2025(), SERIALS)
    images, texts = _raster(pdf)
    return layout, pdf, images, texts


def test_every_page_is_a4_with_one_page_per_layout_page_and_serial(live):
    layout, _, images, _ = live
    assert layout["page_size"] == [round(A4[0], 2), round(A4[1], 2)]
    assert len(layout["pages"]) == 1
    assert len(images) == len(SERIALS)
    w, h = page_pixels(A4, DPI)
    assert all(abs(im.shape[1] - w) <= 1 and abs(im.shape[0] - h) <= 1 for im in images)


def test_every_qr_decodes_and_verifies(live):
    layout, _, images, _ = live
    expected = [(s, 1) for s in SERIALS]
    for image, (serial, page) in zip(images, expected, strict=True):
        payload = verify(_decode_qr(image, layout["pages"][page - 1]["qr"]), KEY)
        assert payload == QRPayload("DEMO-2026", 2, serial, page, False)


def test_corner_marks_are_solid_ink(live):
    layout, _, images, _ = live
    for image, page in zip(images, itertools.cycle(layout["pages"])):
        assert len(page["corner_marks"]) == 4
        for mark in page["corner_marks"]:
            x0, y0, x1, y1 = layout_to_pixels(Rect.from_dict(mark).inset(mm(0.5)), DPI).bounds()
            assert image[y0:y1, x0:x1].max() < 80


def _edge_points(px: Rect):
    for t in (0.2, 0.5, 0.8):
        yield px.x + t * px.w, px.y
        yield px.x + t * px.w, px.bottom
        yield px.x, px.y + t * px.h
        yield px.right, px.y + t * px.h


def _ink_at(image: np.ndarray, x: float, y: float) -> bool:
    xi, yi = int(round(x)), int(round(y))
    return image[yi - 1:yi + 2, xi - 1:xi + 2].min() < 150


def test_every_box_lands_on_its_drawn_outline_with_a_white_inside(live):
    layout, _, images, _ = live
    for image, page in zip(images[:1], layout["pages"], strict=True):
        assert page["boxes"]
        for box in page["boxes"]:
            px = layout_to_pixels(box, DPI)
            missing = [pt for pt in _edge_points(px) if not _ink_at(image, *pt)]
            assert not missing, f"no ink on the outline of {box}"
            x0, y0, x1, y1 = px.inset(px.w * 0.25).bounds()
            assert image[y0:y1, x0:x1].min() > 200, f"ink inside {box}"


def test_text_regions_are_drawn_boxes(live):
    layout, _, images, _ = live
    pages = zip(images[:1], layout["pages"], strict=True)
    regions = [(im, r) for im, p in pages for r in p["text_regions"]]
    # Only real free text: the agency is printed, its field ticked, no dossier code written.
    assert {r["question"] for _, r in regions} == {"procedure", "q02_other", "q03"}
    for image, region in regions:
        px = layout_to_pixels(region, DPI)
        assert all(_ink_at(image, *pt) for pt in _edge_points(px))


def test_layout_boxes_are_complete_and_questions_never_split(live):
    layout = live[0]
    pages_of: dict[str, set] = {}
    for page in layout["pages"]:
        rects = [Rect.from_dict(b) for b in page["boxes"]]
        for a, b in itertools.combinations(rects, 2):
            assert a.right <= b.x or b.right <= a.x or a.bottom <= b.y or b.bottom <= a.y
        for item in page["boxes"] + page["text_regions"]:
            pages_of.setdefault(item["question"], set()).add(page["page"])
            r = Rect.from_dict(item)
            assert mm(18) < r.x and r.right < A4[0] - mm(18) and mm(40) < r.y and \
                r.bottom < A4[1] - mm(18)
    assert all(len(p) == 1 for p in pages_of.values())
    boxes = [b for p in layout["pages"] for b in p["boxes"]]
    phone = [b for b in boxes if b["question"] == "phone"]
    assert len(phone) == 100 and {b["position"] for b in phone} == set(range(10))
    date = [b for b in boxes if b["question"] == "survey_date"]
    assert len(date) == 4 + 10 + 2 + 10 + 4 * 10  # day tens 0-3, month tens 0-1
    q02 = [b["option"] for b in boxes if b["question"] == "q02"]
    assert q02 == [o.code for o in danang_2025().question("q02").options]
    assert all("position" not in b for b in boxes if b["question"] in ("q01", "q02"))
    printed = [x.code for x in danang_2025().questions()
               if x.code not in ("agency", "field", "dossier_code")]
    assert [q["code"] for q in layout["questions"]] == ["field"] + printed
    field = [b["option"] for b in boxes if b["question"] == "field"]
    assert field == [code for code, _name in IMPRINT.fields]


def test_vietnamese_text_is_in_the_text_layer_with_an_embedded_font(live):
    _, pdf, _, texts = live
    page1 = texts[0]
    for phrase in ("Hài lòng", "Chưa hài lòng", "Cách trả lời", "Tô kín ô",
                   "Muốn sửa", "Số điện thoại", "Trang 1/1", "Nẵng năm 2026",
                   "Số phiếu 00000041", "PHƯỜNG HẢI CHÂU", "UBND THÀNH PHỐ ĐÀ NẴNG",
                   "Trung tâm Khảo sát và Tư vấn Độc lập", "giữ bí mật", "Đăng ký kinh doanh",
                   "Lý do khác"):
        assert phrase in page1, phrase
    assert "Số phiếu 00000043" in texts[2]
    assert b"/FontFile2" in pdf and b"PILOT" not in pdf


def test_pilot_prints_are_watermarked_and_flagged():
    layout, pdf = _print(sipas(), ["00000001"], pilot=True, survey="SIPAS-1")
    images, texts = _raster(pdf)
    assert "PILOT – IN THỬ" in texts[0] and "PILOT – IN THỬ" in texts[-1]
    for image, page in zip(images, layout["pages"], strict=True):
        payload = verify(_decode_qr(image, page["qr"]), KEY)
        assert payload.pilot and payload.survey == "SIPAS-1"
        for box in page["boxes"][:20]:  # boxes stay white over the watermark
            x0, y0, x1, y1 = layout_to_pixels(box, DPI).inset(4).bounds()
            assert image[y0:y1, x0:x1].min() > 200


def test_a_question_taller_than_a_page_is_refused():
    long = [Option(f"o{i}", f"Lựa chọn số {i} " + "rất dài " * 30) for i in range(40)]
    q = Questionnaire("Phiếu", "", [Section("s", "Phần", "", [
        Question("q1", "multiple", "Câu hỏi quá dài", options=long)])])
    with pytest.raises(SpecError, match="q1.*vượt quá chiều cao"):
        layout_questionnaire(q, "S", 1)


def test_bad_batches_are_refused_before_writing():
    q = danang_2025()
    layout = layout_questionnaire(q, "S", 1, imprint=IMPRINT)
    out = io.BytesIO()
    for serials in ([], ["12a"], ["1", "1"]):
        with pytest.raises(ValueError):
            render_batch(q, layout, TITLE, serials, KEY, out=out, imprint=IMPRINT)
    with pytest.raises(ValueError, match="does not belong"):
        render_batch(sipas(), layout, TITLE, ["1"], KEY, out=out, imprint=IMPRINT)
    with pytest.raises(ValueError, match="does not belong"):  # printed for another agency
        render_batch(q, layout, TITLE, ["1"], KEY, out=out, imprint=sample_imprint(
            personal=True))
    with pytest.raises(ValueError, match="without a dossier area"):
        render_batch(q, layout, TITLE, ["1"], KEY, out=out, imprint=IMPRINT,
                     dossiers=[DossierText("Sở Tư pháp", "Đăng ký khai sinh", "01/06/2026")])
    assert out.getvalue() == b""


def test_missing_font_names_the_debian_package(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "_registered", None)
    settings = {"fonts": {"search_dirs": [str(tmp_path)], "regular": ["DejaVuSans.ttf"],
                          "bold": ["DejaVuSans-Bold.ttf"], "debian_package": "fonts-dejavu-core"}}
    with pytest.raises(fonts.FontMissingError, match="fonts-dejavu-core"):
        fonts.register_fonts(settings)
    assert fonts.find_font(["DejaVuSans.ttf"], [str(tmp_path)]) is None
    monkeypatch.setattr(fonts, "_form_registered", None)
    settings["fonts"].update(form_regular=["LiberationSans-Regular.ttf"],
                             form_debian_package="fonts-liberation2")
    with pytest.raises(fonts.FontMissingError, match="fonts-liberation2"):
        fonts.register_form_fonts(settings)


def test_bench_reports_speed_and_memory():
    result = bench_print(count=3)
    assert result["pages"] == 3 and result["pages_per_second"] > 0 and result["peak_mb"] > 0
