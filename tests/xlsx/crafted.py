"""Workbooks built part by part (not by openpyxl's writer): honest ones and hostile ones.

A real workbook saved by openpyxl gives the package parts; the sheet and the shared-strings
table are then written as raw XML, streamed into the archive, so a test can declare what it
likes (dimension, counts) and make parts far larger than the test process ever holds.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_TYPE = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
SST_REL = (b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/'
           b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')


def _base() -> bytes:
    wb = Workbook()
    wb.active.title = "Data"
    wb.active["A1"] = "x"
    wb.create_sheet("Khác")["A1"] = "y"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def col(n: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def build(path: Path, rows: Iterable[list] | None = None, *, shared: Iterable[str] = (),
          declared_strings: int | None = None, dimension: str | None = "auto",
          compress: int = zipfile.ZIP_DEFLATED) -> Path:
    """Write a workbook to ``path``: sheet "Data" holds ``rows`` (str cells as shared-string
    indexes when given as ``("s", i)``, inline text otherwise), "Khác" one cell."""
    rows = list(rows or []) if dimension == "auto" else (rows or [])
    if declared_strings is None:
        shared = list(shared)
        declared_strings = len(shared)
    with zipfile.ZipFile(io.BytesIO(_base())) as src, \
            zipfile.ZipFile(path, "w", compression=compress) as out:
        for info in src.infolist():
            if info.filename in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"):
                continue
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":  # openpyxl writes text inline
                data = data.replace(b"</Types>", SST_TYPE + b"</Types>")
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", SST_REL + b"</Relationships>")
            out.writestr(info, data)
        with out.open("xl/sharedStrings.xml", "w") as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" '
                     f'count="{declared_strings}" uniqueCount="{declared_strings}">'.encode())
            for s in shared:
                fh.write(f"<si><t>{s}</t></si>".encode())
            fh.write(b"</sst>")
        with out.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'.encode())
            if dimension == "auto":
                width = max((len(r) for r in rows), default=1)
                fh.write(f'<dimension ref="A1:{col(width)}{max(len(rows), 1)}"/>'.encode())
            elif dimension not in (None, "auto"):
                fh.write(f'<dimension ref="{dimension}"/>'.encode())
            fh.write(b"<sheetData>")
            for r, row in enumerate(rows, 1):
                cells = []
                for c, v in enumerate(row, 1):
                    ref = f"{col(c)}{r}"
                    if isinstance(v, tuple):
                        cells.append(f'<c r="{ref}" t="s"><v>{v[1]}</v></c>')
                    elif isinstance(v, (int, float)):
                        cells.append(f'<c r="{ref}"><v>{v}</v></c>')
                    else:
                        cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>')
                fh.write(f'<row r="{r}">{"".join(cells)}</row>'.encode())
            fh.write(b"</sheetData></worksheet>")
    return path
