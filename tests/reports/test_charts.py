"""Charts are valid PNGs, drawn with Vietnamese labels and no missing-glyph warning."""

from __future__ import annotations

import io

import pytest

from fieldwork.reports.charts import agency_rates_chart, reason_chart

PNG = b"\x89PNG\r\n\x1a\n"


def _size(png: bytes) -> tuple[int, int]:
    from PIL import Image
    with Image.open(io.BytesIO(png)) as im:
        im.verify()
        return im.size


def test_agency_chart_is_png():
    png = agency_rates_chart([("Sở Tư pháp", 0.9), ("Sở Y tế", 0.7), ("Đặc khu Hoàng Sa", None),
                              ("Phường Hải Châu", 0.855)], "Tỷ lệ hài lòng")
    assert png.startswith(PNG)
    w, h = _size(png)
    assert w > 500 and h > 200


def test_reason_chart_is_png():
    png = reason_chart([("Phải liên hệ nhiều lần để hoàn thiện thủ tục hành chính", 6),
                        ("Thái độ ứng xử của cán bộ", 0)])
    assert png.startswith(PNG)
    _size(png)


def test_bad_input():
    with pytest.raises(ValueError):
        agency_rates_chart([("A", 1.5)])
    with pytest.raises(ValueError):
        reason_chart([("a", -1)])
