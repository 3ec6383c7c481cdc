"""Writers of an export table: CSV, XLSX, SPSS (.sav) and Stata (.dta), each with a codebook.

Pure: a ``Table`` in, files out. Dates are ISO text in CSV, date cells in XLSX, SDATE10 and
DATETIME20 in SPSS, %tdCCYY-NN-DD and %tc in Stata; integer codes are integers (F.0 in SPSS)
with SPSS measurement levels; labels are shortened to each format's limit (SPSS 255 bytes
for a variable label, 120 for a value label; Stata 80 characters) keeping the option of a
0/1 variable whole, while the codebook keeps the full text. CSV and XLSX cells go through
``fieldwork.cells`` (no cell a spreadsheet would run as a formula).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from ..cells import write_csv, xlsx_append
from .export_table import CODEBOOK_COLUMNS, Table, fit_label

FORMATS = ("csv", "xlsx", "sav", "dta")
SPSS_LABEL_BYTES, SPSS_VALUE_BYTES, STATA_LABEL_CHARS = 255, 120, 80
XLSX_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss"}


def codebook_path(path: Path) -> Path:
    """The sidecar codebook of a .sav/.dta/.csv export."""
    return path.with_name(path.name + ".codebook.csv")


def write_table(table: Table, fmt: str, path: Path) -> list[Path]:
    """Write ``table`` as ``fmt`` to ``path`` (plus a codebook); return the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    path = Path(path)
    if fmt == "xlsx":
        _write_xlsx(table, path)
        return [path]
    if fmt == "csv":
        write_csv(path, (_text_row(table, r) for r in table.rows), table.columns)
    elif fmt == "sav":
        _write_sav(table, path)
    else:
        _write_dta(table, path)
    side = codebook_path(path)
    write_csv(side, table.codebook(), CODEBOOK_COLUMNS)
    return [path, side]


def _iso(value):
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _text_row(table: Table, row: dict) -> dict:
    return {c: _iso(row.get(c)) for c in table.columns}


def _write_xlsx(table: Table, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    xlsx_append(ws, table.columns)
    formats = [XLSX_FORMATS.get(v.kind) for v in table.variables]
    for r in table.rows:
        xlsx_append(ws, [r.get(c) for c in table.columns], formats)
    ws.freeze_panes = "A2"
    cb = wb.create_sheet("codebook")
    xlsx_append(cb, CODEBOOK_COLUMNS)
    for line in table.codebook():
        xlsx_append(cb, [line.get(c) for c in CODEBOOK_COLUMNS])
    wb.save(path)


def _frame(table: Table):
    """A pandas frame typed per variable: text, float codes (NaN missing), dates, times."""
    import pandas as pd

    data = {}
    for v in table.variables:
        values = [r.get(v.name) for r in table.rows]
        if v.kind == "integer":
            data[v.name] = pd.Series([float(x) if x is not None else float("nan")
                                      for x in values], dtype="float64")
        elif v.kind in ("date", "datetime") and any(x is not None for x in values):
            data[v.name] = pd.Series(values, dtype="object")
        elif v.kind in ("date", "datetime"):  # all blank: a numeric missing keeps the format
            data[v.name] = pd.Series([float("nan")] * len(values), dtype="float64")
        else:
            data[v.name] = pd.Series(["" if x is None else str(x) for x in values],
                                     dtype="object")
    return pd.DataFrame(data, columns=table.columns)


def _width(table: Table, v) -> int:
    numbers = [abs(int(r[v.name])) for r in table.rows if r.get(v.name) is not None]
    numbers += [abs(k) for k in v.value_labels]
    negative = any(k < 0 for k in v.value_labels) or any(
        r.get(v.name) is not None and r[v.name] < 0 for r in table.rows)
    return max([len(str(n)) for n in numbers] or [1]) + int(negative)


def _dataset_note(table: Table) -> str:
    m = table.meta
    return (f"Khảo sát {m.get('survey', '')}; bộ dữ liệu (snapshot) {m.get('snapshot', '')}; "
            f"{m.get('rows', len(table.rows))} dòng")


def note_lines(texts, width: int = 80) -> list[str]:
    """Texts as lines of at most ``width`` UTF-8 bytes (SPSS keeps notes as 80-byte lines)."""
    out = []
    for text in texts:
        line = ""
        for word in str(text).split():
            while len(word.encode("utf-8")) > width:  # a word longer than a line
                cut = len(word)
                while len(word[:cut].encode("utf-8")) > width:
                    cut -= 1
                if line:
                    out.append(line)
                    line = ""
                out.append(word[:cut])
                word = word[cut:]
            candidate = f"{line} {word}" if line else word
            if len(candidate.encode("utf-8")) > width:
                out.append(line)
                candidate = word
            line = candidate
        if line:
            out.append(line)
    return out


def _write_sav(table: Table, path: Path) -> None:
    import pyreadstat

    formats, measures, missing, values = {}, {}, {}, {}
    for v in table.variables:
        measures[v.name] = v.measure
        if v.kind == "integer":
            formats[v.name] = f"F{_width(table, v)}.0"
        elif v.kind == "date":
            formats[v.name] = "SDATE10"
        elif v.kind == "datetime":
            formats[v.name] = "DATETIME20"
        if v.missing:
            missing[v.name] = list(v.missing[:3])
        if v.value_labels:
            values[v.name] = {float(k): fit_label(text, max_bytes=SPSS_VALUE_BYTES)
                              for k, text in v.value_labels.items()}
    pyreadstat.write_sav(
        _frame(table), str(path),
        column_labels=[v.short_label(max_bytes=SPSS_LABEL_BYTES) for v in table.variables],
        variable_value_labels=values, missing_ranges=missing, variable_measure=measures,
        variable_format=formats,
        note=note_lines([_dataset_note(table), *table.meta.get("notes", [])]),
        file_label=fit_label(f"{table.meta.get('survey', '')} "
                             f"{str(table.meta.get('snapshot', ''))[:12]}", max_bytes=64))


def _write_dta(table: Table, path: Path) -> None:
    import pyreadstat

    formats, values = {}, {}
    for v in table.variables:
        if v.kind == "integer":
            formats[v.name] = f"%{max(_width(table, v), 1) + 1}.0f"
        elif v.kind == "date":
            formats[v.name] = "%tdCCYY-NN-DD"
        if v.value_labels:
            values[v.name] = {int(k): text for k, text in v.value_labels.items()}
    pyreadstat.write_dta(
        _frame(table), str(path),
        column_labels=[v.short_label(max_chars=STATA_LABEL_CHARS) for v in table.variables],
        variable_value_labels=values, variable_format=formats, version=15,
        file_label=f"snapshot {table.meta.get('snapshot', '')}"[:STATA_LABEL_CHARS])
