"""Invitation lists per enumerator assignment as a printable PDF (ReportLab, DejaVu; pure).

The document is Vietnamese, like the plan and report documents: one section per
enumerator and agency, a table of the dossiers to visit or write to (sample, then reserves
for refusals), and a column to note the outcome. No Flask here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from ..documents import MOTTO_1, MOTTO_2


@dataclass
class InvitationMeta:
    """What the heading says: survey, contractor, draw, and whether contacts are masked."""

    survey_code: str
    survey_title: str
    contractor: str
    draw_id: int
    seed: int
    masked: bool


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def invitation_pdf(groups, meta: InvitationMeta) -> bytes:
    """The invitation lists of ``groups`` (``lists.InvitationGroup``) as PDF bytes."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        LongTable,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )

    from ..forms.fonts import register_fonts

    f = register_fonts()
    base = ParagraphStyle("b", fontName=f.regular, fontSize=10, leading=13)
    bold = ParagraphStyle("bb", base, fontName=f.bold)
    centre = ParagraphStyle("c", base, alignment=1)
    centre_b = ParagraphStyle("cb", bold, alignment=1)
    title = ParagraphStyle("t", bold, fontSize=14, leading=18, alignment=1, spaceBefore=6)
    cell = ParagraphStyle("cell", base, fontSize=8.5, leading=10.5)
    head = ParagraphStyle("h", cell, fontName=f.bold, alignment=1)

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(f.regular, 8)
        canvas.drawString(1.5 * cm, 1 * cm, f"{meta.survey_code} · đợt rút mẫu {meta.draw_id} "
                          f"(hạt giống {meta.seed}) · kết quả đối chiếu theo mã hồ sơ")
        canvas.drawRightString(landscape(A4)[0] - 1.5 * cm, 1 * cm, f"Trang {doc.page}")
        canvas.restoreState()

    story = []
    if not groups:
        story.append(Paragraph("Đợt rút mẫu không có hồ sơ nào.", base))
    for n, g in enumerate(groups):
        if n:
            story.append(PageBreak())
        story += [Paragraph(_esc(meta.contractor or meta.survey_title), centre_b),
                  Paragraph(MOTTO_1, centre_b), Paragraph(MOTTO_2, centre),
                  Paragraph("DANH SÁCH MỜI THAM GIA KHẢO SÁT", title),
                  Paragraph(_esc(f"{meta.survey_title} ({meta.survey_code})"), centre),
                  Spacer(1, 6),
                  Paragraph(f"Điều tra viên: <b>{_esc(g.enumerator)}</b>", base),
                  Paragraph(f"Cơ quan: <b>{_esc(g.agency)}</b> · {len(g.rows)} hồ sơ "
                            f"({sum(not r['reserve'] for r in g.rows)} mẫu chính, "
                            f"{sum(r['reserve'] for r in g.rows)} dự phòng)", base)]
        if meta.masked:
            story.append(Paragraph("Họ tên và số điện thoại đã được che (người xuất danh sách "
                                   "không có quyền xem thông tin liên hệ).", cell))
        story.append(Spacer(1, 6))
        data = [[Paragraph(h, head) for h in ("STT", "Mã hồ sơ", "Người nộp hồ sơ",
                                              "Điện thoại", "Lĩnh vực / thủ tục",
                                              "Ngày trả KQ", "Trễ hạn", "Loại",
                                              "Kết quả liên hệ")]]
        for k, r in enumerate(g.rows, 1):
            data.append([Paragraph(str(k), cell), Paragraph(_esc(r["code"]), cell),
                         Paragraph(_esc(r["name"]), cell), Paragraph(_esc(r["phone"]), cell),
                         Paragraph(_esc(" / ".join(x for x in (r["field"], r["procedure"])
                                                   if x)), cell),
                         Paragraph(r["returned_on"], cell),
                         Paragraph("Trễ hạn" if r["late"] else "", cell),
                         Paragraph(f"Dự phòng {r['rank']}" if r["reserve"] else "Mẫu chính",
                                   cell), ""])
        table = LongTable(data, repeatRows=1, colWidths=[w * cm for w in (
            1.2, 3.6, 4.2, 2.6, 5.8, 2.2, 1.6, 2.2, 3.2)])
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story.append(table)
        story += [Spacer(1, 14), Paragraph("Điều tra viên ký, ghi rõ họ tên", centre)]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=1.5 * cm,
                            rightMargin=1.5 * cm, topMargin=1.3 * cm, bottomMargin=1.6 * cm,
                            title=f"Danh sách mời khảo sát {meta.survey_code}",
                            author=meta.contractor or "fieldwork")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
