"""Checks on an XLSX archive made before any parser builds anything from it (pure).

An XLSX file is a ZIP archive of XML parts. What makes a workbook expensive to open is known
from the archive alone, or from the first bytes of a part: how large the parts unpack to,
how strongly they are compressed (a few kilobytes that unpack to gigabytes), how many
entries the shared-strings table declares (openpyxl loads the whole table, even read-only),
and the dimension each worksheet declares. What a part does not declare is counted by the
child process while it reads (``child.py``), under a memory and CPU limit.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

MB = 1024 * 1024
_HEAD = 64 * 1024  # bytes of a part read to find its declarations
_SST = re.compile(rb"<(?:\w+:)?sst\b[^>]*?\buniqueCount=\"(\d+)\"")
_SST_COUNT = re.compile(rb"<(?:\w+:)?sst\b[^>]*?\bcount=\"(\d+)\"")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


@dataclass(frozen=True)
class XlsxLimits:
    """What an uploaded workbook may need (docs/security.md, "Uploads")."""

    uncompressed_mb: int = 256  # all parts together, unpacked
    ratio: int = 200  # unpacked / packed size of a part above 1 MiB
    parts: int = 10_000
    shared_strings: int = 2_000_000  # entries of the shared-strings table
    shared_strings_mb: int = 128  # its unpacked size
    cells: int = 10_000_000  # rows x columns of one sheet (declared, then counted)
    columns: int = 1_000
    cell_chars: int = 32_767  # Excel's own limit
    memory_mb: int = 1_024  # the child process's address space
    seconds: int = 120  # the child's CPU time; wall time is twice that

    def as_dict(self) -> dict:
        """The limits as plain values (passed to the child process)."""
        return asdict(self)


class XlsxRefused(ValueError):
    """The workbook is refused; ``str()`` says why in the user's language, ``code`` is fixed."""

    def __init__(self, code: str, message) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def column_number(letters: str) -> int:
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _head(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(info) as part:
            return part.read(_HEAD)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
            ValueError, OSError):
        raise XlsxRefused("damaged", _l(
            "The workbook is damaged: its part %(part)s cannot be unpacked. Open it in Excel or "
            "LibreOffice, save it again and upload the new file.", part=info.filename)) from None


def number(n: int | float) -> str:
    """A number as the user's language writes it (4.000 in Vietnamese), plain outside Flask."""
    try:
        from flask_babel import format_decimal
        return format_decimal(n)
    except (RuntimeError, KeyError, AttributeError):
        return str(n)


def _mb(n: int) -> str:
    return number(round(n / MB))


def inspect_xlsx(path: str | Path, limits: XlsxLimits | None = None) -> dict:
    """Check the archive at ``path``; return {part: unpacked size}, or raise XlsxRefused."""
    limits = limits or XlsxLimits()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise XlsxRefused("not_xlsx", _l("The file is not an XLSX workbook (it is not a "
                                         "valid ZIP archive).")) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.parts:
            raise XlsxRefused("parts", _l("The workbook has %(n)d parts, more than the %(limit)d "
                                          "accepted.", n=len(infos), limit=limits.parts))
        total = sum(i.file_size for i in infos)
        if total > limits.uncompressed_mb * MB:
            raise XlsxRefused("too_big", _l(
                "The workbook unpacks to %(mb)s MB, more than the %(limit)s MB accepted; split "
                "it, or save it as CSV.", mb=_mb(total), limit=limits.uncompressed_mb))
        for info in infos:
            if info.file_size > MB and info.file_size > limits.ratio * max(info.compress_size, 1):
                raise XlsxRefused("ratio", _l(
                    "A part of the workbook (%(part)s) is compressed %(ratio)d times, far more "
                    "than a spreadsheet is; it is refused.", part=info.filename,
                    ratio=info.file_size // max(info.compress_size, 1)))
        names = {i.filename: i for i in infos}
        if "xl/workbook.xml" not in names:
            raise XlsxRefused("not_xlsx", _l("The file is a ZIP archive but not an XLSX "
                                             "workbook."))
        sst = names.get("xl/sharedStrings.xml")
        if sst is not None:
            _check_shared_strings(archive, sst, limits)
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                _check_dimension(archive, info, limits)
        return {i.filename: i.file_size for i in infos}


def _check_shared_strings(archive, info, limits: XlsxLimits) -> None:
    if info.file_size > limits.shared_strings_mb * MB:
        raise XlsxRefused("shared_strings", _l(
            "The workbook's table of texts unpacks to %(mb)s MB, more than the %(limit)s MB "
            "accepted.", mb=_mb(info.file_size), limit=limits.shared_strings_mb))
    head = _head(archive, info)
    declared = [int(m.group(1)) for m in (_SST.search(head), _SST_COUNT.search(head)) if m]
    if declared and max(declared) > limits.shared_strings:
        raise XlsxRefused("shared_strings", _l(
            "The workbook's table of texts declares %(n)s entries, more than the %(limit)s "
            "accepted.", n=number(max(declared)), limit=number(limits.shared_strings)))


def _check_dimension(archive, info, limits: XlsxLimits) -> None:
    m = _DIMENSION.search(_head(archive, info))
    if not m:
        return  # not declared: the child counts while it reads
    first_col, first_row = column_number(m.group(1).decode()), int(m.group(2))
    last_col = column_number(m.group(3).decode()) if m.group(3) else first_col
    last_row = int(m.group(4)) if m.group(4) else first_row
    rows, cols = last_row - first_row + 1, last_col - first_col + 1
    sheet = Path(info.filename).stem
    if cols > limits.columns:
        raise XlsxRefused("columns", _l(
            "Sheet %(sheet)s declares %(cols)s columns, more than the %(limit)s accepted.",
            sheet=sheet, cols=number(cols), limit=number(limits.columns)))
    if rows * cols > limits.cells:
        raise XlsxRefused("cells", _l(
            "Sheet %(sheet)s declares %(rows)s rows × %(cols)s columns, more than the "
            "%(limit)s cells accepted.", sheet=sheet, rows=number(rows), cols=number(cols),
            limit=number(limits.cells)))
