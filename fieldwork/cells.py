"""Safe cells for every CSV and XLSX file the app writes (the OWASP CSV-injection rule).

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, after
it trims them, a tab or carriage return) as a formula: ``=HYPERLINK(...)`` in a
respondent's comment would become a live link, ``=cmd|' /C calc'!A0`` a command. Every
writer of lists and exports goes through ``formula_like``: CSV cells get a leading
apostrophe, XLSX cells are stored as text with Excel's quote prefix (the value stays exact).
Numbers stay numbers: int and float values are never touched, and neither is text that is
only a number ("-5", "+84905123456"), which no program can run.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)(?:[eE][+-]?\d+)?")
# Characters XML 1.0 cannot hold; openpyxl refuses them (a pasted comment can carry them).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def formula_like(value) -> bool:
    """True for text a spreadsheet would run as a formula (the one rule all writers use)."""
    return (isinstance(value, str) and value[:1] in RISKY_START
            and not _PLAIN_NUMBER.fullmatch(value))


def csv_cell(value):
    """``value`` as a CSV cell: formula-like text behind an apostrophe, the rest unchanged."""
    return "'" + value if formula_like(value) else value


def csv_text(rows: Iterable[dict], columns: Sequence[str], lineterminator: str = "\r\n") -> str:
    """Rows (dicts; missing keys blank) as CSV text with a header line, every cell safe."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=lineterminator)
    writer.writerow([csv_cell(c) for c in columns])
    for row in rows:
        writer.writerow([csv_cell(row.get(c, "")) for c in columns])
    return buf.getvalue()


def csv_bytes(rows: Iterable[dict], columns: Sequence[str]) -> bytes:
    """UTF-8 CSV with a BOM (Excel then opens Vietnamese text right) and CRLF line ends."""
    return ("\ufeff" + csv_text(rows, columns)).encode("utf-8")


def write_csv(path: Path, rows: Iterable[dict], columns: Sequence[str],
              bom: bool = True) -> None:
    """Write ``csv_text`` of the rows to ``path`` (UTF-8, with a BOM unless ``bom`` is off)."""
    text = csv_text(rows, columns)
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as fh:
        fh.write(text)


def xlsx_append(ws, values: Sequence, number_formats: Sequence[str | None] | None = None):
    """Append one row to an openpyxl worksheet with every cell safe.

    Formula-like text is kept exact but stored as text with the quote prefix (what Excel
    itself does for a typed ``'=...``), characters XML cannot hold are dropped, and
    ``number_formats`` (one per value, None to leave) set dates' and numbers' formats.
    """
    from openpyxl.cell.cell import Cell

    cells = []
    for i, value in enumerate(values):
        cell = Cell(ws, value=_NOT_XML.sub("", value) if isinstance(value, str) else value)
        if formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
        if number_formats and number_formats[i] and value is not None:
            cell.number_format = number_formats[i]
        cells.append(cell)
    ws.append(cells)
    return cells
