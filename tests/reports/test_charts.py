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


def test_aspect_and_period_charts_are_png():
    from fieldwork.reports.charts import aspect_chart, period_chart
    png = aspect_chart([("Tiếp cận dịch vụ", 0.8125), ("Thủ tục hành chính", None),
                        ("Công chức trực tiếp giải quyết công việc", 0.9)])
    assert png.startswith(PNG)
    _size(png)
    png = period_chart([("T3/2026", 0.85, 1200), ("T4/2026", None, 0), ("T5/2026", 1.0, 3)])
    assert png.startswith(PNG)
    assert _size(png)[0] > 500
    with pytest.raises(ValueError):
        aspect_chart([("A", 1.2)])
    with pytest.raises(ValueError):
        period_chart([("A", -0.1, 3)])
