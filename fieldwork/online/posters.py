"""Counter posters: an A4 or A5 page with the QR code of an agency's answer page.

A builder of plain values: ``build_poster(...)`` returns PDF bytes and knows nothing of
Flask. The poster is always in Vietnamese, like the paper form on the same counter.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

SIZES = ("a4", "a5")
STEPS = (
    "Nhập mã hồ sơ (trên giấy tiếp nhận), hoặc số điện thoại và số căn cước.",
    "Chọn “Hài lòng” hoặc “Chưa hài lòng” (nếu chưa hài lòng, chọn lý do).",
    "Ghi ý kiến góp ý khác nếu có, rồi bấm “Hoàn thành”.",
)


@dataclass(frozen=True)
class Poster:
    """What one poster says: the agency, the survey and the address behind the QR code."""

    agency: str
    survey_title: str
    url: str
    size: str = "a4"


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code of ``text`` as rows of dark (True) modules, without the quiet zone."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and stringWidth(trial, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + ([line] if line else [])


def _centred(c, lines: list[str], font: str, size: float, x: float, y: float,
             leading: float) -> float:
    c.setFont(font, size)
    for line in lines:
        c.drawCentredString(x, y, line)
        y -= leading
    return y


def build_poster(poster: Poster) -> bytes:
    """The poster as a one-page PDF (A4 or A5 portrait, Vietnamese text, QR in the middle)."""
    if poster.size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    if not poster.url.startswith(("http://", "https://")):
        raise ValueError("the poster's address must be absolute (http:// or https://)")
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4, A5
    from reportlab.pdfgen import canvas

    from ..forms.fonts import register_fonts

    fonts = register_fonts()
    w, h = A4 if poster.size == "a4" else A5
    k = w / A4[0]  # everything scales with the page
    margin = 42 * k
    inner = w - 2 * margin
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(w, h), pageCompression=1)
    c.setTitle(f"Mã QR khảo sát - {poster.agency}")
    c.setAuthor("fieldwork")
    blue = HexColor("#0b4f94")
    c.setFillColor(blue)
    c.rect(0, h - 96 * k, w, 96 * k, stroke=0, fill=1)
    c.setFillColor(HexColor("#ffffff"))
    y = _centred(c, ["ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG"], fonts.bold, 26 * k, w / 2, h - 48 * k, 0)
    _centred(c, ["về giải quyết thủ tục hành chính"], fonts.regular, 15 * k, w / 2,
             h - 76 * k, 0)
    c.setFillColor(blue)
    y = _centred(c, _wrap(poster.agency, fonts.bold, 20 * k, inner), fonts.bold, 20 * k,
                 w / 2, h - 134 * k, 25 * k)
    c.setFillColor(HexColor("#212529"))
    y = _centred(c, ["Quét mã QR bằng điện thoại để đánh giá"], fonts.bold, 16 * k, w / 2,
                 y - 8 * k, 20 * k)
    # The QR code: at least 9 cm wide on A4 so that a phone reads it from arm's length.
    matrix = qr_matrix(poster.url)
    n = len(matrix)
    side = 330 * k
    module = side / n
    x0, top = (w - side) / 2, y - 8 * k
    c.setFillColor(HexColor("#000000"))
    for r, row in enumerate(matrix):
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                c.rect(x0 + start * module, top - (r + 1) * module, (col - start) * module,
                       module + 0.01, stroke=0, fill=1)
            col += 1
    y = top - side - 22 * k
    c.setFillColor(HexColor("#495057"))
    y = _centred(c, _wrap(poster.url, fonts.regular, 11 * k, inner), fonts.regular, 11 * k,
                 w / 2, y, 14 * k)
    c.setFillColor(HexColor("#212529"))
    y -= 14 * k
    c.setFont(fonts.bold, 14 * k)
    c.drawString(margin, y, "Cách đánh giá:")
    y -= 20 * k
    for i, step in enumerate(STEPS, 1):
        lines = _wrap(step, fonts.regular, 14 * k, inner - 22 * k)
        c.setFont(fonts.bold, 14 * k)
        c.drawString(margin, y, f"{i}.")
        c.setFont(fonts.regular, 14 * k)
        for line in lines:
            c.drawString(margin + 22 * k, y, line)
            y -= 19 * k
        y -= 3 * k
    c.setFillColor(HexColor("#495057"))
    foot = ["Không cần đăng nhập. Số điện thoại và số căn cước được bảo mật, chỉ dùng để "
            "bảo đảm mỗi hồ sơ được đánh giá một lần.", poster.survey_title]
    y = 30 * k + 13 * k * 3
    for text in foot:
        y = _centred(c, _wrap(text, fonts.regular, 10 * k, inner), fonts.regular, 10 * k,
                     w / 2, y, 13 * k)
    c.showPage()
    c.save()
    return buf.getvalue()
