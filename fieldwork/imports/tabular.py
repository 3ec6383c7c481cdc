"""The one tabular reader for real exports (frames and results imports share it; pure).

Read CSV (UTF-8, UTF-16 or Windows-1258) or XLSX (``reading``), find the header row among
title rows and join a header spanning several rows (``header``), apply a column mapping
{target field: source column}, parse and check each row, leave out the rows below the table
(totals, signatures), and give each good row a fingerprint so the same file imported twice
adds nothing. Rows are yielded one by one, so a 100,000-row file runs in bounded memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l

from . import header as hdr
from .header import fold  # noqa: F401 - the importers' one folding
from .reading import XLSX_MAGIC, Number, TabularError, detect_encoding, read_source  # noqa: F401

BUFFER_ROWS = 5000  # rows (blank ones too) held while the header is searched for
FOOTER_HOLD = 50  # consecutive footer-like rows held back before they count as data


class UnknownName(ValueError):
    """A parser's refusal of a name the directory does not know (listed by the dry run,
    to be added as an alias)."""


@dataclass(frozen=True)
class FieldSpec:
    """A target field: its parser (raises ValueError with a message) and header synonyms.

    ``restore`` gives a cell its lost leading zeros back (a phone or an ID that a
    spreadsheet stored as a number), returning the fixed text or None."""

    name: str
    label: str
    parse: Callable[[str], Any]
    required: bool = True
    synonyms: tuple[str, ...] = ()
    identity: bool = True  # part of the row fingerprint
    restore: Callable[[str], str | None] | None = None


@dataclass
class RowResult:
    """One data row: its line number, parsed values or errors per field, and fingerprint."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    fingerprint: str | None = None
    unknown: dict[str, str] = field(default_factory=dict)  # field -> a name nobody knows

    @property
    def ok(self) -> bool:
        """True if every field parsed."""
        return not self.errors


@dataclass
class Layout:
    """Where the table sat in the file and what the reader did beyond reading cells."""

    header_line: int = 1
    header_depth: int = 1
    header_found: bool = True
    title_rows: list[tuple[int, str]] = field(default_factory=list)
    footer_rows: list[tuple[int, str]] = field(default_factory=list)
    restored: dict[str, int] = field(default_factory=dict)  # field -> cells given zeros back
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # field -> columns

    @property
    def header_lines(self) -> str:
        """'5' or '5-6'."""
        last = self.header_line + self.header_depth - 1
        return str(self.header_line) if last == self.header_line else \
            f"{self.header_line}-{last}"

    def notes(self, labels: dict[str, str] | None = None) -> list[str]:
        """What the dry run says about the table's shape, in the user's language."""
        labels = labels or {}
        out = []
        if self.header_found:
            out.append(str(_l("Column names read from row(s) %(rows)s.", rows=self.header_lines)))
        else:
            out.append(str(_l("No row in the first %(n)d looks like a header (no two known "
                              "column names): row %(row)d was taken. Choose the header row.",
                              n=hdr.SCAN_ROWS, row=self.header_line)))
        if self.title_rows or self.footer_rows:
            out.append(str(_l("Skipped %(t)d title row(s) above the table and %(f)d row(s) "
                              "below it (totals, signatures).", t=len(self.title_rows),
                              f=len(self.footer_rows))))
        for name, n in self.restored.items():
            out.append(str(_l("%(n)d “%(field)s” cell(s) had lost their leading zero (stored "
                              "as numbers); it was put back.", n=n,
                              field=labels.get(name, name))))
        return out


@dataclass
class Table:
    """An opened file: format, encoding, header, an iterator of (line, cells), its layout."""

    kind: str
    encoding: str | None
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    layout: Layout = field(default_factory=Layout)


def open_table(stream: BinaryIO, name: str = "", fields: Iterable[FieldSpec] | None = None,
               header_row: str | int | None = None) -> Table:
    """Open a CSV or XLSX stream and position it after its header.

    With ``fields`` the header is the first row naming at least two of them (joined with
    the rows under it when merged or grouped); ``header_row`` ("5" or "5-6") says where it
    is. Without either, the first non-blank row."""
    source = read_source(stream, name)
    start = hdr.parse_header_rows(header_row)
    raw = iter(source.rows)
    buffered: list[tuple[int, list[str]]] = []
    filled = 0
    for line, cells in raw:
        buffered.append((line, cells))
        filled += any(cells)
        if len(buffered) >= BUFFER_ROWS or (line >= start[0] + hdr.MAX_DEPTH if start else
                                            filled >= hdr.SCAN_ROWS + hdr.MAX_DEPTH):
            break
    fields = list(fields or [])
    line, depth, headers, found = hdr.choose(buffered, fields, source.merged, start)
    layout = Layout(line, depth, found, title_rows=[
        (n, hdr.row_text(c)) for n, c in buffered if n < line and any(c)])
    rest = ((n, c) for n, c in buffered if n >= line + depth)

    def rows() -> Iterator[tuple[int, list[str]]]:
        yield from rest
        yield from raw
    return Table(source.kind, source.encoding, headers, rows(), layout)


def _matches(header: str, f: FieldSpec) -> int:
    """How well a column's name names a field: 3 whole name, 2 its last part, 1 the start
    of it (a synonym of two words or more), 0 not."""
    parts = getattr(header, "parts", ()) or (header,)
    whole, last = hdr.header_key(header), hdr.header_key(parts[-1])
    best = 0
    for s in (f.name, f.label, *f.synonyms):
        key = fold(s)
        if key == whole:
            return 3
        if key == last:
            best = 2
        elif best < 1 and " " in key and (whole.startswith(key + " ")
                                         or last.startswith(key + " ")):
            best = 1
    return best


def guess(headers: Iterable[str], fields: Iterable[FieldSpec]
          ) -> tuple[dict[str, str], dict[str, list[str]]]:
    """({field: column} guessed from the columns' names, {field: columns} where two or more
    columns name a field equally well: those are left for the user to choose)."""
    headers = [h for h in headers if h]
    found = sorted(((level, i, f.name, h) for i, f in enumerate(fields) for h in headers
                    if (level := _matches(h, f))), key=lambda t: (-t[0], t[1]))
    mapping: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}
    taken: set[str] = set()
    for level, _i, name, h in found:
        if name in mapping or name in ambiguous or h in taken:
            continue
        rivals = [x for lv, _j, n, x in found if n == name and lv == level and x not in taken]
        if len(rivals) > 1:
            ambiguous[name] = rivals
            continue
        mapping[name] = h
        taken.add(h)
    return mapping, ambiguous


def guess_mapping(headers: Iterable[str], fields: Iterable[FieldSpec]) -> dict[str, str]:
    """{field: column} for each field whose name, label or synonym matches one column."""
    return guess(headers, fields)[0]


def check_mapping(headers: list[str], mapping: dict[str, str], fields: Iterable[FieldSpec],
                  layout: Layout | None = None) -> dict[str, int]:
    """Column index per mapped field; TabularError naming missing fields, unknown columns,
    or a column chosen for two fields (and, given ``layout``, which row was the header)."""
    fields = list(fields)
    known = {f.name: f for f in fields}
    unknown_targets = sorted(set(mapping) - set(known))
    if unknown_targets:
        raise TabularError(_l("The mapping names unknown fields: %(f)s.",
                              f=", ".join(unknown_targets)))
    where = ""
    if layout is not None:
        where = " " + str(_l("(Column names were read from row(s) %(rows)s.)",
                             rows=layout.header_lines))
    missing = [f.name for f in fields if f.required and not mapping.get(f.name)]
    if missing:
        raise TabularError(str(_l("No column chosen for required field(s): %(f)s.",
                                  f=", ".join(missing))) + where)
    index = {h: i for i, h in reversed(list(enumerate(headers)))}
    absent = [c for c in mapping.values() if c and c not in index]
    if absent:
        raise TabularError(str(_l("Column(s) not in the file: %(absent)s. The file's columns "
                                  "are: %(cols)s.", absent=", ".join(absent),
                                  cols=", ".join(h for h in headers if h))) + where)
    chosen: dict[str, list[str]] = {}
    for name, col in mapping.items():
        if col:
            chosen.setdefault(col, []).append(known[name].label)
    for col, names in chosen.items():
        if len(names) > 1:
            raise TabularError(_l("Column “%(col)s” is chosen for %(n)d fields (%(fields)s); a "
                                  "column can fill one field only.", col=col, n=len(names),
                                  fields=", ".join(names)))
    return {name: index[col] for name, col in mapping.items() if col}


def _canonical(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(sorted(str(v) for v in value))
    return "" if value is None else str(value)


def fingerprint(values: dict[str, Any], names: Iterable[str], salt: str = "") -> str:
    """sha256 of the normalised identity values, in field order."""
    text = "\x1f".join([salt, *(_canonical(values.get(n)) for n in names)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _table_rows(table: Table, required: list[int]) -> Iterator[tuple[int, list[str]]]:
    """Non-blank data rows; footer-like rows at the very end go to ``table.layout``."""
    held: list[tuple[int, list[str]]] = []
    for line, cells in table.rows:
        if not any(cells):
            continue
        if len(held) < FOOTER_HOLD and hdr.is_footer(cells, required):
            held.append((line, cells))
            continue
        yield from held  # not the end of the table after all: data (perhaps bad)
        held = []
        yield line, cells
    table.layout.footer_rows = [(n, hdr.row_text(c)) for n, c in held]


def _parse_row(line: int, cells: list[str], fields: list[FieldSpec], columns: dict[str, int],
               restored: dict[str, int]) -> RowResult:
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
        if f.restore is not None and (fixed := f.restore(raw)) is not None:
            raw = fixed
            restored[f.name] = restored.get(f.name, 0) + 1
        try:
            result.values[f.name] = f.parse(raw)
        except UnknownName as exc:
            result.errors[f.name] = str(exc)
            result.unknown[f.name] = str(raw)
        except ValueError as exc:
            result.errors[f.name] = str(exc)
    return result


def parse_rows(table: Table, mapping: dict[str, str], fields: Iterable[FieldSpec],
               salt: str = "", rule: Callable[[dict], dict[str, str]] | None = None,
               number_repeats: bool = True) -> Iterator[RowResult]:
    """Parse every data row (``rule`` checks across fields). With ``number_repeats``
    identical rows get distinct fingerprints by occurrence, so a file with two equal
    answers keeps both; without it (rows keyed by an id) a repeat is a duplicate."""
    fields = list(fields)
    columns = check_mapping(table.headers, mapping, fields, table.layout)
    identity = [f.name for f in fields if f.identity]
    required = [columns[f.name] for f in fields if f.required and f.name in columns]
    restored = table.layout.restored
    restored.clear()
    seen: dict[bytes, int] = {}
    for line, cells in _table_rows(table, required):
        result = _parse_row(line, cells, fields, columns, restored)
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
