"""The Decree 30 page without a word processor: header geometry, text rules, signature forms."""

from __future__ import annotations

from datetime import date

import pytest

from fieldwork.documents import DraftMark, date_line, number_line, recipient_lines
from fieldwork.documents.decree import SIZE, TEXT_WIDTH_CM, authority_problems, split_authority
from fieldwork.documents.fonts import text_width_cm
from fieldwork.documents.layout import PAD_CM, header_layout, wrap

from .samples import LONG_PARENT, MOTTO, report

# The decree's ranges (Appendix I) for each header element and the body.
RANGES = {"parent": (12, 13), "issuer": (12, 13), "motto1": (12, 13), "motto2": (13, 14),
          "number": (13, 13), "date": (13, 14), "kind": (13, 14), "subject": (14, 14),
          "body": (13, 14), "recipients_label": (12, 12), "recipients": (11, 11),
          "sign": (13, 14), "page": (13, 14), "draft": (13, 14)}


@pytest.mark.parametrize("part", sorted(RANGES))
def test_type_sizes_are_the_decrees(part):
    low, high = RANGES[part]
    assert low <= SIZE[part] <= high


def test_page_geometry():
    assert TEXT_WIDTH_CM == pytest.approx(21.0 - 3.0 - 1.5)


def test_columns_fit_their_lines_on_one_line():
    lay = header_layout(report(parent="UBND THÀNH PHỐ ĐÀ NẴNG"))
    assert lay.left_cm + lay.right_cm == pytest.approx(TEXT_WIDTH_CM)
    assert lay.overflow == [] and lay.parent == ["UBND THÀNH PHỐ ĐÀ NẴNG"]
    assert lay.issuer == ["SỞ THÔNG TIN VÀ TRUYỀN THÔNG"]
    # Measured at the decree's sizes, not at a reduced one.
    assert text_width_cm(MOTTO, SIZE["motto1"], bold=True) + 2 * PAD_CM <= lay.right_cm
    assert text_width_cm(lay.issuer[0], SIZE["issuer"], bold=True) + 2 * PAD_CM <= lay.left_cm


def test_a_parent_body_too_long_is_set_on_balanced_lines_and_reported():
    lay = header_layout(report(parent=LONG_PARENT))
    assert [o.part for o in lay.overflow] == ["parent"]
    o = lay.overflow[0]
    assert o.width_cm > o.room_cm and o.lines == len(lay.parent) == 2
    assert " ".join(lay.parent) == LONG_PARENT  # nothing dropped
    widths = [text_width_cm(t, SIZE["parent"]) for t in lay.parent]
    assert max(widths) <= lay.left_cm - 2 * PAD_CM
    assert abs(widths[0] - widths[1]) < 2.5  # balanced, not one long line and one word
    # The motto column keeps its one-line width.
    assert text_width_cm(MOTTO, SIZE["motto1"], bold=True) + 2 * PAD_CM <= lay.right_cm


def test_wrap_keeps_the_blanks_of_an_undated_line():
    line = date_line("Đà Nẵng", None, 2026)
    assert wrap(line, "date", 9.0) == [line]
    assert "ngày      tháng      năm 2026" in line


def test_number_and_date_lines():
    assert number_line("5", "BC-TTKS") == "Số: 05/BC-TTKS"
    assert number_line("125", "BC-TTKS") == "Số: 125/BC-TTKS"
    assert number_line("", "BC-TTKS") == "Số:        /BC-TTKS"
    assert date_line("Huế", date(2026, 2, 3), 2026) == "Huế, ngày 03 tháng 02 năm 2026"
    assert date_line("Huế", date(2026, 11, 23), 2026) == "Huế, ngày 23 tháng 11 năm 2026"


def test_recipient_lines():
    assert recipient_lines(["Sở Nội vụ;", " UBND thành phố "]) == [
        "- Sở Nội vụ;", "- UBND thành phố;", "- Lưu: VT."]


@pytest.mark.parametrize("text, title, codes", [
    ("KT. Giám đốc", "Phó Giám đốc", []),
    ("TM. Ủy ban nhân dân\nKT. Chủ tịch", "Phó Chủ tịch", []),
    ("TM. Ủy ban nhân dân / KT. Chủ tịch", "Phó Chủ tịch", []),
    ("Q. Giám đốc", "", []),
    ("TL. Giám đốc", "", ["needs_title"]),
    ("Ký thay Giám đốc", "Phó Giám đốc", ["form"]),
    ("KT. Chủ tịch\nTM. Ủy ban nhân dân", "Phó Chủ tịch", ["tm_first"]),
    ("KT. Giám đốc / TL. Giám đốc", "Trưởng phòng", ["two_forms"]),
    ("KT.", "Phó Giám đốc", ["form"]),
])
def test_signature_forms(text, title, codes):
    assert [c for c, _v in authority_problems(split_authority(text), title)] == codes


def test_authority_lines_in_capitals():
    assert split_authority("TM. Ủy ban nhân dân\n kt. chủ tịch ") == [
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]


def test_draft_mark():
    assert DraftMark(date(2026, 11, 5), 2).line == "DỰ THẢO LẦN 2 – 05/11/2026"
    assert DraftMark(date(2026, 11, 5)).label == "DỰ THẢO"
