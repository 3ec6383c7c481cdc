"""The raw rows of an uploaded table: CSV in its encoding, or an XLSX sheet's typed cells.

CSV arrives as UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text", tab-separated)
or Windows-1258; XLSX is read by ``fieldwork.xlsx.read_xlsx`` (checked, in a child process).
A cell that held a number in the workbook is a :class:`Number`: its text, plus the number,
so a phone typed as a number can get its leading zero back and a date stored as an Excel
serial can be read as a date. Pure: no Flask, no database.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l

CHUNK = 1 << 20
XLSX_MAGIC = b"PK\x03\x04"
_ENCODING = _l("The file's text encoding could not be read (save it as UTF-8).")


class TabularError(ValueError):
    """The file as a whole cannot be read or mapped; the message says why."""


class Number(str):
    """The text of a spreadsheet cell that held a number; ``value`` is the number."""

    value: int | float

    def __new__(cls, value: int | float) -> Number:
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        obj = super().__new__(cls, text)
        obj.value = value
        return obj


@dataclass
class Source:
    """Raw rows of a file: its format, encoding, merged ranges (XLSX) and (line, cells)."""

    kind: str
    encoding: str | None
    rows: Iterator[tuple[int, list[str]]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def detect_encoding(stream: BinaryIO) -> str:
    """'utf-16' for a UTF-16 text (BOM, or ASCII with zero bytes between), 'utf-8-sig' if the
    whole stream is valid UTF-8 (BOM or not), else 'cp1258'."""
    start = stream.tell()
    head = stream.read(4096)
    stream.seek(start)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for guess, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        # No BOM, but every other byte of its ASCII is zero: text, if it decodes to text.
        if len(head) >= 4 and zeros.count(0) > len(head) // 4 and _texty(head, guess):
            return guess
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1258"
    stream.seek(start)
    return encoding


def _texty(head: bytes, encoding: str) -> bool:
    text = head[:len(head) // 2 * 2].decode(encoding, errors="replace")
    return sum(c.isprintable() or c in "\r\n\t" for c in text) >= 0.95 * len(text)


class _Borrowed(io.RawIOBase):
    """A view of the caller's stream that the text wrapper may close without closing it."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()


def _csv(stream: BinaryIO) -> Source:
    encoding = detect_encoding(stream)
    text = io.TextIOWrapper(io.BufferedReader(_Borrowed(stream), CHUNK), encoding=encoding,
                            newline="")
    try:
        sample = text.read(8192)
    except UnicodeDecodeError:
        raise TabularError(_ENCODING) from None
    text.seek(0)
    if sample.startswith("\ufeff"):
        text.read(1)  # a BOM the codec keeps ("utf-16-le" named without one)
    first = next((line for line in sample.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first.count) if first else ","
    reader = csv.reader(text, delimiter=delimiter)
    return Source("csv", "utf-16" if encoding.startswith("utf-16") else encoding,
                  enumerate(_csv_cells(reader), 1))


def _csv_cells(reader) -> Iterator[list[str]]:
    """Cells of each CSV row; the csv module's and the decoder's errors as TabularError."""
    try:
        for row in reader:
            yield [unicodedata.normalize("NFC", c).strip() for c in row]
    except UnicodeDecodeError:
        raise TabularError(_ENCODING) from None
    except csv.Error as exc:
        raise TabularError(_l("The CSV file cannot be read after line %(line)d (%(why)s).",
                              line=reader.line_num, why=str(exc))) from None


def cell_text(value: Any) -> str:
    """An XLSX cell as text: numbers as :class:`Number`, dates as ISO (the child's form)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return Number(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def _xlsx(stream: BinaryIO) -> Source:
    """The first sheet's rows, parsed by ``fieldwork.xlsx`` (checked, in a child process)."""
    from ..xlsx import XlsxRefused, read_xlsx
    try:
        book = read_xlsx(stream, first_only=True)
    except XlsxRefused as exc:
        raise TabularError(exc.message) from None
    if not book.worksheets:
        book.close()
        raise TabularError(_l("The XLSX workbook has no worksheet."))
    sheet = book.worksheets[0]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for n, values in enumerate(sheet.iter_rows(values_only=True), 1):
                yield n, [cell_text(v) for v in values]
        finally:
            book.close()
    return Source("xlsx", None, rows(), list(sheet.merged_ranges))


def read_source(stream: BinaryIO, name: str = "") -> Source:
    """Open a CSV or XLSX stream as raw numbered rows (nothing interpreted yet)."""
    head = stream.read(4)
    stream.seek(0)
    if head == XLSX_MAGIC or name.lower().endswith(".xlsx"):
        if head != XLSX_MAGIC:
            raise TabularError(_l("The file is named .xlsx but is not an XLSX workbook."))
        return _xlsx(stream)
    encoding = detect_encoding(stream)
    if not encoding.startswith("utf-16") and b"\x00" in stream.read(4096):
        raise TabularError(_l("This is not a CSV or XLSX file (it contains binary data)."))
    stream.seek(0)
    return _csv(stream)
