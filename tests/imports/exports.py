"""Files shaped like the ones users bring: the one-stop system's dossier export and the
city online software's results, written cell by cell with openpyxl's ordinary writer (merged
title and header cells, numbers typed as numbers, real Excel dates, footers), or as CSV in
the encodings Excel saves. Nothing here knows how the reader finds its way through them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass
class Dossier:
    """One returned dossier as the one-stop system lists it."""

    code: str
    agency: str
    field: str
    procedure: str
    applicant: str
    received: dt.datetime
    due: dt.datetime
    returned: dt.datetime
    phone: str  # as the citizen gave it, with its leading zero
    cid: str


def dossiers(n: int = 6, agency: str = "UBND phường Hải Châu") -> list[Dossier]:
    """``n`` plausible dossiers of one ward, received in March 2026."""
    out = []
    for i in range(n):
        received = dt.datetime(2026, 3, 2 + i, 8 + i % 3, 15)
        out.append(Dossier(
            code=f"000.00.21.H17-260302-{i + 1:04d}", agency=agency, field="Hộ tịch",
            procedure="Đăng ký khai sinh", applicant=f"Nguyễn Thị Hoa {i + 1}",
            received=received, due=received + dt.timedelta(days=3),
            returned=received + dt.timedelta(days=2 + (i == 2) * 3, hours=1),
            phone=f"09051234{i:02d}", cid=f"04819000{i:04d}"))
    return out


def one_stop_xlsx(path: Path, rows: list[Dossier], *, dates: str = "excel",
                  numbers: bool = True, footer: bool = True) -> Path:
    """The one-stop system's "returned dossiers" export: national-motto title block, a
    two-row header with "Ngày" merged over three date columns, STT, phone and citizen ID
    typed as numbers, then a total and a signature block.

    ``dates``: "excel" (date-time cells), "text" (dd/mm/yyyy HH:MM), "serial" (numbers)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws["A1"], ws["G1"] = "UBND THÀNH PHỐ ĐÀ NẴNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws["A2"], ws["G2"] = "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "Độc lập - Tự do - Hạnh phúc"
    ws.merge_cells("A1:D1")
    ws.merge_cells("G1:L1")
    ws.merge_cells("A2:D2")
    ws.merge_cells("G2:L2")
    ws["A4"] = "DANH SÁCH HỒ SƠ ĐÃ TRẢ KẾT QUẢ"
    ws.merge_cells("A4:L4")
    ws["A5"] = "(Từ ngày 01/03/2026 đến ngày 31/03/2026)"
    ws.merge_cells("A5:L5")
    for cell in ("A1", "G1", "A4"):
        ws[cell].font = Font(bold=True)
        ws[cell].alignment = Alignment(horizontal="center")
    top = 7
    upper = ["STT", "Mã hồ sơ", "Cơ quan giải quyết", "Lĩnh vực", "Tên thủ tục",
             "Người nộp hồ sơ", "Ngày", None, None, "Số điện thoại", "Số CCCD", "Ghi chú"]
    lower = [None] * 6 + ["Tiếp nhận", "Hẹn trả", "Trả kết quả"] + [None] * 3
    for c, (a, b) in enumerate(zip(upper, lower, strict=True), 1):
        ws.cell(top, c, a).border = BOX
        ws.cell(top + 1, c, b).border = BOX
        if b is None and a is not None:
            ws.merge_cells(start_row=top, start_column=c, end_row=top + 1, end_column=c)
    ws.merge_cells(start_row=top, start_column=7, end_row=top, end_column=9)
    r = top + 2
    for i, d in enumerate(rows, 1):
        values = [i, d.code, d.agency, d.field, d.procedure, d.applicant,
                  *(_date(x, dates) for x in (d.received, d.due, d.returned)),
                  int(d.phone) if numbers else d.phone, int(d.cid) if numbers else d.cid, None]
        for c, v in enumerate(values, 1):
            cell = ws.cell(r, c, v)
            cell.border = BOX
            if isinstance(v, dt.datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
        r += 1
    if footer:
        ws.cell(r, 1, f"Tổng cộng: {len(rows)} hồ sơ")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
        ws.cell(r + 2, 9, "Đà Nẵng, ngày 31 tháng 3 năm 2026")
        ws.cell(r + 3, 2, "NGƯỜI LẬP BIỂU")
        ws.cell(r + 3, 9, "THỦ TRƯỞNG ĐƠN VỊ")
        ws.cell(r + 4, 2, "(Ký, ghi rõ họ tên)")
        ws.cell(r + 7, 2, "Trần Văn Bình")
    wb.save(path)
    return path


def _date(value: dt.datetime, style: str):
    if style == "text":
        return value.strftime("%d/%m/%Y %H:%M")
    if style == "serial":  # what a cell holds when its date format was lost
        delta = value - dt.datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    return value


def one_stop_csv(rows: list[Dossier], encoding: str = "utf-8-sig") -> bytes:
    """The same export saved by Excel as CSV (title rows, merged header as blank cells,
    numbers without their zeros, the footer), in ``encoding``."""
    buf = io.StringIO()
    out = csv.writer(buf, delimiter="\t" if encoding == "utf-16" else ",", lineterminator="\r\n")
    out.writerow(["UBND THÀNH PHỐ ĐÀ NẴNG", "", "", "", "", "",
                  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    out.writerow(["DANH SÁCH HỒ SƠ ĐÃ TRẢ KẾT QUẢ"])
    out.writerow([])
    out.writerow(["STT", "Mã hồ sơ", "Cơ quan giải quyết", "Người nộp hồ sơ", "Ngày", "", "",
                  "Số điện thoại", "Số CCCD"])
    out.writerow(["", "", "", "", "Tiếp nhận", "Hẹn trả", "Trả kết quả", "", ""])
    for i, d in enumerate(rows, 1):
        out.writerow([i, d.code, d.agency, d.applicant,
                      *(x.strftime("%d/%m/%Y %H:%M") for x in (d.received, d.due, d.returned)),
                      str(int(d.phone)), str(int(d.cid))])
    out.writerow([f"Tổng cộng: {len(rows)} hồ sơ"])
    out.writerow(["", "", "", "", "", "Người lập biểu"])
    text = buf.getvalue()
    if encoding == "cp1258":
        from .helpers import to_cp1258
        return to_cp1258(text)
    return text.encode(encoding)
