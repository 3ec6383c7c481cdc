"""A generic, streaming tabular import engine (pure: no Flask, no database).

Read CSV (UTF-8 with or without BOM, or Windows-1258) or XLSX, find the header row, apply a
column mapping {target field: source column}, parse and check each row, and give each
good row a fingerprint so the same file imported twice adds nothing. Rows are yielded one
by one, so a 100,000-row file runs in bounded memory.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l

CHUNK = 1 << 20
XLSX_MAGIC = b"PK\x03\x04"


class TabularError(ValueError):
    """The file as a whole cannot be read or mapped; the message says why."""


@dataclass(frozen=True)
class FieldSpec:
    """A target field: its parser (raises ValueError with a message) and header synonyms."""

    name: str
    label: str
    parse: Callable[[str], Any]
    required: bool = True
    synonyms: tuple[str, ...] = ()
    identity: bool = True  # part of the row fingerprint


@dataclass
class RowResult:
    """One data row: its line number, parsed values or errors per field, and fingerprint."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    fingerprint: str | None = None

    @property
    def ok(self) -> bool:
        """True if every field parsed."""
        return not self.errors


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of a header or name for matching."""
    text = unicodedata.normalize("NFKD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().replace("_", " ").split())


def detect_encoding(stream: BinaryIO) -> str:
    """'utf-8-sig' if the whole stream is valid UTF-8 (BOM or not), else 'cp1258'."""
    start = stream.tell()
    head = stream.read(3)
    if head.startswith(codecs.BOM_UTF8):
        stream.seek(start)
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head)
        while chunk := stream.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1258"
    stream.seek(start)
    return encoding


def _cell(value: Any) -> str:
    """An XLSX cell as text (dates as ISO, whole floats without '.0')."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


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


def _csv_rows(stream: BinaryIO) -> tuple[str, Iterator[list[str]]]:
    encoding = detect_encoding(stream)
    text = io.TextIOWrapper(io.BufferedReader(_Borrowed(stream), CHUNK), encoding=encoding,
                            newline="")
    try:
        sample = text.read(8192)
    except UnicodeDecodeError:
        raise TabularError(_ENCODING) from None
    text.seek(0)
    first = next((line for line in sample.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first.count) if first else ","
    return encoding, _csv_cells(csv.reader(text, delimiter=delimiter))


_ENCODING = _l("The file's text encoding could not be read (save it as UTF-8).")


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


def _xlsx_rows(stream: BinaryIO) -> Iterator[list[str]]:
    """The first sheet's rows, parsed by ``fieldwork.xlsx`` (checked, in a child process)."""
    from ..xlsx import XlsxRefused, read_xlsx
    try:
        book = read_xlsx(stream, first_only=True)
    except XlsxRefused as exc:
        raise TabularError(exc.message) from None
    try:
        if not book.worksheets:
            raise TabularError(_l("The XLSX workbook has no worksheet."))
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield [unicodedata.normalize("NFC", _cell(v)).strip() for v in row]
    finally:
        book.close()


@dataclass
class Table:
    """An opened file: format, encoding, header, and an iterator of (line, cells)."""

    kind: str
    encoding: str | None
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]


def open_table(stream: BinaryIO, name: str = "") -> Table:
    """Open a CSV or XLSX stream and position it after its header (the first non-blank row)."""
    head = stream.read(4)
    stream.seek(0)
    if head == XLSX_MAGIC or name.lower().endswith(".xlsx"):
        if head != XLSX_MAGIC:
            raise TabularError(_l("The file is named .xlsx but is not an XLSX workbook."))
        kind, encoding, raw = "xlsx", None, _xlsx_rows(stream)
    else:
        if b"\x00" in stream.read(4096):
            raise TabularError(_l("This is not a CSV or XLSX file (it contains binary data)."))
        stream.seek(0)
        kind = "csv"
        encoding, raw = _csv_rows(stream)
    numbered = enumerate(raw, 1)
    for _line, cells in numbered:
        if any(cells):
            headers = list(cells)
            while headers and not headers[-1]:
                headers.pop()
            return Table(kind, encoding, headers, numbered)
    raise TabularError(_l("The file is empty (no header row)."))


def guess_mapping(headers: Iterable[str], fields: Iterable[FieldSpec]) -> dict[str, str]:
    """{field: column} for each field whose name, label or synonym matches a column header."""
    by_fold = {fold(h): h for h in headers if h}
    mapping = {}
    for f in fields:
        for candidate in (f.name, f.label, *f.synonyms):
            if fold(candidate) in by_fold:
                mapping[f.name] = by_fold[fold(candidate)]
                break
    return mapping


def check_mapping(headers: list[str], mapping: dict[str, str],
                  fields: Iterable[FieldSpec]) -> dict[str, int]:
    """Column index per mapped field; TabularError naming missing fields or unknown columns."""
    fields = list(fields)
    known = {f.name for f in fields}
    unknown_targets = sorted(set(mapping) - known)
    if unknown_targets:
        raise TabularError(_l("The mapping names unknown fields: %(f)s.",
                              f=", ".join(unknown_targets)))
    missing = [f.name for f in fields if f.required and not mapping.get(f.name)]
    if missing:
        raise TabularError(_l("No column chosen for required field(s): %(f)s.",
                              f=", ".join(missing)))
    index = {h: i for i, h in reversed(list(enumerate(headers)))}
    absent = [c for c in mapping.values() if c and c not in index]
    if absent:
        raise TabularError(_l("Column(s) not in the file: %(absent)s. The file's columns are: "
                              "%(cols)s.", absent=", ".join(absent),
                              cols=", ".join(h for h in headers if h)))
    return {name: index[col] for name, col in mapping.items() if col}


def _canonical(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(sorted(str(v) for v in value))
    return "" if value is None else str(value)


def fingerprint(values: dict[str, Any], names: Iterable[str], salt: str = "") -> str:
    """sha256 of the normalised identity values, in field order."""
    text = "\x1f".join([salt, *(_canonical(values.get(n)) for n in names)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_rows(table: Table, mapping: dict[str, str], fields: Iterable[FieldSpec],
               salt: str = "", rule: Callable[[dict], dict[str, str]] | None = None,
               number_repeats: bool = True) -> Iterator[RowResult]:
    """Parse every data row (``rule`` checks across fields). With ``number_repeats``
    identical rows get distinct fingerprints by occurrence, so a file with two equal
    answers keeps both; without it (rows keyed by an id) a repeat is a duplicate."""
    fields = list(fields)
    columns = check_mapping(table.headers, mapping, fields)
    identity = [f.name for f in fields if f.identity]
    seen: dict[bytes, int] = {}
    for line, cells in table.rows:
        if not any(cells):
            continue
        result = RowResult(line)
        for f in fields:
            i = columns.get(f.name)
            raw = cells[i] if i is not None and i < len(cells) else ""
            if not raw:
                if f.required:
                    result.errors[f.name] = str(_l("A value is required."))
                else:
                    result.values[f.name] = None
                continue
            try:
                result.values[f.name] = f.parse(raw)
            except ValueError as exc:
                result.errors[f.name] = str(exc)
        if result.ok and rule is not None:
            result.errors.update(rule(result.values))
        if result.ok and not number_repeats:
            result.fingerprint = fingerprint(result.values, identity, salt)
        elif result.ok:
            base = fingerprint(result.values, identity, salt)
            key = bytes.fromhex(base)[:16]
            n = seen.get(key, 0)
            seen[key] = n + 1
            result.fingerprint = base if n == 0 else fingerprint({"b": base, "n": n}, "bn")
        yield result


def open_path(path: str | Path) -> BinaryIO:
    """Open a file for :func:`open_table` (binary, seekable)."""
    return open(path, "rb")  # noqa: SIM115 - the caller closes it
