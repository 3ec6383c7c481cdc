"""Conventions of Decree 30/2020/NĐ-CP, Appendix I: page, type sizes, fixed texts, and the
small text rules (number, date, recipients, signature forms) that every document shares."""

from __future__ import annotations

import re
from datetime import date

MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
         "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX")
RECIPIENTS_LABEL = "Nơi nhận:"
ARCHIVE = "Lưu: VT."

# A4 and the margins of Appendix I (top and bottom 20-25 mm, left 30-35, right 15-20).
PAGE_W_MM, PAGE_H_MM = 210, 297
MARGIN_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH_CM = (PAGE_W_MM - MARGIN_MM["left"] - MARGIN_MM["right"]) / 10
HEADER_DISTANCE_MM = 10  # the page number sits in the top margin, centred
FIRST_LINE_INDENT_CM = 1.0

# Type sizes in points, each inside the decree's range for its element.
SIZE = {
    "parent": 12,      # cơ quan chủ quản: 12-13, upright, capitals
    "issuer": 12,      # cơ quan ban hành: 12-13, bold, capitals
    "motto1": 12,      # quốc hiệu: 12-13, bold, capitals
    "motto2": 13,      # tiêu ngữ: 13-14, bold
    "number": 13,      # số, ký hiệu: 13
    "date": 13,        # địa danh, ngày tháng: 13-14, italic
    "kind": 14,        # tên loại: 13-14, bold, capitals
    "subject": 14,     # trích yếu: 14, bold
    "body": 13,        # nội dung: 13-14
    "table": 11,       # bảng số liệu (not set by the decree)
    "caption": 12,
    "recipients_label": 12,  # "Nơi nhận:": 12, bold italic
    "recipients": 11,  # danh sách nơi nhận: 11
    "sign": 13,        # quyền hạn, chức vụ, họ tên người ký: 13-14, bold
    "page": 13,        # số trang: 13-14
    "draft": 13,       # "DỰ THẢO": 13-14, bold, capitals, in a box
}

SIGN_FORMS = ("TM.", "KT.", "Q.", "TL.", "TUQ.")


def date_line(place: str, when: date | None, year: int) -> str:
    """"Đà Nẵng, ngày 05 tháng 02 năm 2026" (days under 10 and months 1-2 take a 0);
    blanks to fill by hand when the document is not dated yet."""
    if when is None:
        return f"{place}, ngày      tháng      năm {year}"
    month = f"{when.month:02d}" if when.month < 3 else str(when.month)
    return f"{place}, ngày {when.day:02d} tháng {month} năm {when.year}"


def number_line(number: str, symbol: str, default_symbol: str = "KH-...") -> str:
    """"Số: 12/KH-TTKS" (numbers under 10 take a 0), or blanks until the document is
    registered."""
    number = (number or "").strip()
    if number.isdigit() and int(number) < 10:
        number = f"{int(number):02d}"
    return f"Số: {number or '       '}/{symbol or default_symbol}"


def recipient_lines(names: list[str], archive: str = ARCHIVE) -> list[str]:
    """The "Nơi nhận" list as the decree writes it: "- name;" each, "- Lưu: VT." last."""
    lines = [f"- {n.strip().rstrip(';.').strip()};" for n in names if n.strip()]
    return [*lines, f"- {archive}"]


def split_authority(text: str) -> list[str]:
    """The authority lines typed for a signature ("TM. Ủy ban nhân dân" and "KT. Chủ tịch",
    one a line or separated by "/"), in capitals."""
    parts = re.split(r"\s*(?:\n|/)\s*", text or "")
    return [p.strip().upper() for p in parts if p.strip()]


def authority_problems(lines: list[str], title: str) -> list[tuple[str, dict]]:
    """What is wrong with signature authority lines, as (message id, values) pairs: an
    unknown form, "TM." not first, two delegation forms, a KT./TL./TUQ. form without the
    signer's own title."""
    problems = []
    forms = []
    for line in lines:
        form = next((f for f in SIGN_FORMS if line.startswith(f)), None)
        if form is None or len(line) <= len(form):
            problems.append(("form", {"line": line}))
            continue
        forms.append(form)
    if "TM." in forms and forms.index("TM.") != 0:
        problems.append(("tm_first", {}))
    delegated = [f for f in forms if f != "TM."]
    if len(delegated) > 1 or forms.count("TM.") > 1:
        problems.append(("two_forms", {}))
    if delegated and delegated[-1] in ("KT.", "TL.", "TUQ.") and not (title or "").strip():
        problems.append(("needs_title", {"form": delegated[-1]}))
    return problems
