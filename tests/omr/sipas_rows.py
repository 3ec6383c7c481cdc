"""Sipas page 1 as printed, rendered grey at a given resolution, with its layout, its boxes by
question and its rating rows (six boxes, no digit position): the page the drawn-mark tests of
corrections and pencil traces mark on; and danang-2025's page 1 (its single choices and the
multiple choice q02) for the multiple-choice corrections' tests."""

from __future__ import annotations

import numpy as np

KEY = b"test-key"


def _page1(name: str, dpi: int) -> tuple[np.ndarray, dict, dict[str, list[dict]]]:
    """(page, layout, boxes by question) of the built-in template ``name``'s page 1."""
    import pypdfium2 as pdfium

    from .generator import printed as printed_form

    pdf, layout = printed_form(name, ["00000001"], KEY)
    doc = pdfium.PdfDocument(pdf)
    page = np.asarray(doc[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
    doc.close()
    groups: dict[str, list[dict]] = {}
    for b in layout["pages"][0]["boxes"]:
        groups.setdefault(b["question"], []).append(b)
    return page, layout, groups


def sipas_page1(dpi: int) -> tuple[np.ndarray, int, dict, dict[str, list[dict]], list[str]]:
    """(page, dpi, layout, boxes by question, rating rows) of sipas page 1 at ``dpi``."""
    page, layout, groups = _page1("sipas", dpi)
    rows = [q for q, bs in groups.items() if len(bs) == 6 and bs[0].get("position") is None]
    return page, dpi, layout, groups, rows


def danang_page1(dpi: int) -> tuple[np.ndarray, int, dict, dict[str, list[dict]], list[str]]:
    """(page, dpi, layout, boxes by question, single choices) of danang-2025 page 1 at ``dpi``."""
    page, layout, groups = _page1("danang-2025", dpi)
    singles = [q["code"] for q in layout["questions"]
               if q["kind"] == "single" and q["code"] in groups]
    return page, dpi, layout, groups, singles
