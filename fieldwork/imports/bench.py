"""``fieldwork bench exports``: the tabular reader on real-shaped exports, timed.

Two workbooks written in a temporary folder: a one-stop "returned dossiers" export of N rows
(title block, a two-row header with "Ngày" merged over three dates, phones and citizen IDs
typed as numbers, date-time cells, a total and a signature block), written with openpyxl's
streaming writer; and a sheet of 50 dossiers followed by M empty formatted rows (as Excel
writes a sheet formatted down to row 1,000,000), written part by part. Each is read as a
dossier list (header found, rows parsed, footers set aside); the figures are wall time, CPU
time (this process and the XLSX child) and rows read.
"""

from __future__ import annotations

import datetime as dt
import resource
import tempfile
import time
import zipfile
from pathlib import Path

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def one_stop(path: Path, rows: int) -> None:
    """A one-stop export of ``rows`` dossiers of one ward (XLSX, streaming writer)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    for title in ("UBND THÀNH PHỐ ĐÀ NẴNG", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", None,
                  "DANH SÁCH HỒ SƠ ĐÃ TRẢ KẾT QUẢ"):
        ws.append([title])
    ws.merged_cells.ranges.add("A4:J4")  # the streaming writer keeps merges as ranges
    ws.append(["STT", "Mã hồ sơ", "Cơ quan giải quyết", "Lĩnh vực", "Người nộp", "Ngày", None,
               None, "Số điện thoại", "Số CCCD"])
    ws.append([None] * 5 + ["Tiếp nhận", "Hẹn trả", "Trả kết quả", None, None])
    for rng in ("F5:H5", "A5:A6", "B5:B6", "C5:C6", "D5:D6", "E5:E6", "I5:I6", "J5:J6"):
        ws.merged_cells.ranges.add(rng)
    start = dt.datetime(2026, 1, 5, 8, 0)
    for i in range(rows):
        received = start + dt.timedelta(hours=i % 2000)
        dates = []
        for when in (received, received + dt.timedelta(days=3), received + dt.timedelta(days=2)):
            c = WriteOnlyCell(ws, when)
            c.number_format = "dd/mm/yyyy hh:mm"
            dates.append(c)
        ws.append([i + 1, f"000.00.21.H17-{i:08d}", "UBND phường Hải Châu", "Hộ tịch",
                   f"Nguyễn Văn {i}", *dates, 905000000 + i, 48000000000 + i])
    ws.append([f"Tổng cộng: {rows} hồ sơ"])
    ws.append([None, "NGƯỜI LẬP BIỂU", None, None, None, None, "THỦ TRƯỞNG ĐƠN VỊ"])
    wb.save(path)


def formatted(path: Path, rows: int, empty: int) -> None:
    """``rows`` dossiers, then ``empty`` empty rows carrying a format (sheet XML by hand)."""
    from openpyxl import Workbook

    tmp = path.with_suffix(".base.xlsx")
    wb = Workbook()
    wb.active["A1"] = "x"
    wb.save(tmp)
    head = ["Mã hồ sơ", "Cơ quan", "Ngày tiếp nhận", "Ngày trả kết quả"]
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, src.read(info.filename))
        with out.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'
                     f'<dimension ref="A1:D{rows + 1 + empty}"/><sheetData>'.encode())
            body = [head] + [[f"HS-{i}", "Phường Hải Châu", "01/03/2026", "02/03/2026"]
                             for i in range(rows)]
            for r, row in enumerate(body, 1):
                cells = "".join(f'<c r="{"ABCD"[c]}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
                                for c, v in enumerate(row))
                fh.write(f'<row r="{r}">{cells}</row>'.encode())
            for first in range(rows + 2, rows + 2 + empty, 10_000):
                fh.write("".join(f'<row r="{r}" s="0" customFormat="1"/>' for r in range(
                    first, min(first + 10_000, rows + 2 + empty))).encode())
            fh.write(b"</sheetData></worksheet>")
    tmp.unlink()


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def read(path: Path, fields) -> dict:
    """Read ``path`` as a dossier list: rows read, good, skipped; wall and CPU seconds."""
    from .tabular import guess, open_table, parse_rows

    wall, cpu = time.perf_counter(), _cpu()
    with open(path, "rb") as fh:
        table = open_table(fh, path.name, fields)
        results = list(parse_rows(table, guess(table.headers, fields)[0], fields))
    return {"file_kib": path.stat().st_size // 1024, "rows": len(results),
            "ok": sum(r.ok for r in results), "header": table.layout.header_lines,
            "title_rows": len(table.layout.title_rows),
            "footer_rows": len(table.layout.footer_rows),
            "wall_s": round(time.perf_counter() - wall, 1), "cpu_s": round(_cpu() - cpu, 1)}


def run(rows: int = 20_000, empty: int = 1_000_000) -> dict:
    """Write both workbooks and read them; the figures of each."""
    from .. import create_app
    from ..frames.fields import frame_fields

    app = create_app({"TESTING": True})
    with tempfile.TemporaryDirectory() as tmp, app.test_request_context("/"):
        folder = Path(tmp)
        fields = frame_fields([(1, "Phường Hải Châu")], [(1, "HT", "Hộ tịch")])
        one_stop(folder / "one_stop.xlsx", rows)
        formatted(folder / "formatted.xlsx", 50, empty)
        return {"one_stop": read(folder / "one_stop.xlsx", fields),
                "formatted": read(folder / "formatted.xlsx", fields)}
