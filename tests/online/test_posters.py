"""Counter posters: the QR code, read back from the rasterised PDF, is the answer page."""

from __future__ import annotations

import numpy as np
import pytest

from fieldwork.online.posters import Poster, build_poster


def decode_qr(pdf: bytes, dpi: int = 150) -> tuple[list[str], tuple[float, float]]:
    """Every QR text on the PDF's page rendered at ``dpi``, and the page size in points."""
    import pypdfium2 as pdfium
    from pyzbar.pyzbar import ZBarSymbol, decode

    doc = pdfium.PdfDocument(pdf)
    assert len(doc) == 1
    page = doc[0]
    size = page.get_size()
    image = np.asarray(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
    texts = [s.data.decode() for s in decode(image, symbols=[ZBarSymbol.QRCODE])]
    doc.close()
    return texts, size


@pytest.mark.parametrize("size, points", [("a4", (595.3, 841.9)), ("a5", (419.5, 595.3))])
def test_poster_qr_decodes_to_the_survey_and_agency_page(size, points):
    link = "https://khaosat.danang.gov.vn/khao-sat/DN-2026/17"
    pdf = build_poster(Poster("Ủy ban nhân dân phường Hải Châu", "Khảo sát năm 2026", link,
                              size))
    texts, page = decode_qr(pdf)
    assert texts == [link]
    assert page == pytest.approx(points, abs=0.5)


def test_poster_text_keeps_vietnamese_diacritics():
    import pypdfium2 as pdfium

    pdf = build_poster(Poster("Sở Tư pháp", "Khảo sát", "http://x.vn/khao-sat/A/1"))
    doc = pdfium.PdfDocument(pdf)
    text = doc[0].get_textpage().get_text_range()
    doc.close()
    assert "Sở Tư pháp" in text and "Hoàn thành" in text and "ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG" in text


def test_poster_refuses_bad_parameters():
    with pytest.raises(ValueError):
        build_poster(Poster("A", "B", "http://x.vn/k", "a3"))
    with pytest.raises(ValueError):
        build_poster(Poster("A", "B", "/khao-sat/A/1"))


def test_poster_from_the_manager_page_decodes_to_its_link(app, client, db, world):
    from ..conftest import login
    from ..factories import PASSWORD

    login(client, world.manager.email, PASSWORD)
    app.config["PUBLIC_BASE_URL"] = "https://khaosat.example.vn"
    try:
        pdf = client.get(f"/online/{world.survey.code}/{world.b.id}/poster-a4.pdf").data
    finally:
        app.config.pop("PUBLIC_BASE_URL")
    texts, _ = decode_qr(pdf)
    assert texts == [f"https://khaosat.example.vn/khao-sat/{world.survey.code}/{world.b.id}"]
    # The link names survey and agency, nothing about a person; it opens the form.
    path = texts[0].removeprefix("https://khaosat.example.vn")
    assert 'name="a_q01"' in client.get(path).get_data(as_text=True)
