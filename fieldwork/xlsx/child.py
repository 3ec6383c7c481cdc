"""The child process that parses a workbook: ``python -I child.py WORKBOOK OUT_DIR LIMITS``.

Run as a script (it imports nothing of fieldwork, so it starts small). It limits its own
address space and CPU time before importing openpyxl, then streams the chosen sheets, one
JSON array per row, to ``OUT_DIR/<n>.jsonl`` and lists them in ``OUT_DIR/book.json``. A
refusal is written to ``OUT_DIR/error.json`` ({"code", "detail"}) with exit status 3
(the file is empty otherwise).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import resource
import sys
import warnings
from pathlib import Path

REFUSED = 3
MERGE_ROWS = 200  # merged ranges starting above this row are kept (headers, titles)
MERGE_LIMIT = 5_000
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


class Refused(Exception):
    """Stop reading: ``code`` and ``detail`` say why."""

    def __init__(self, code: str, **detail) -> None:
        super().__init__(code)
        self.code, self.detail = code, detail


def _limit(memory_mb: int, seconds: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))


def cell(value):
    """A cell as JSON: text, number, true/false or null (dates as ISO text)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _sheet(ws, out: Path, name: str, limits: dict) -> None:
    rows = 0  # every row, for its number
    filled = 0  # rows with a value: an empty row, formatted or not, is written as "[]"
    widest = 0
    if hasattr(ws, "reset_dimensions"):  # read every row, not only the declared range
        ws.reset_dimensions()
    with open(out, "w", encoding="utf-8") as fh:
        for values in ws.iter_rows(values_only=True):
            rows += 1
            last = len(values)
            while last and values[last - 1] is None:
                last -= 1
            if not last:
                fh.write("[]\n")
                continue
            filled += 1
            widest = max(widest, last)
            if widest > limits["columns"]:
                raise Refused("columns", sheet=name, cols=widest, limit=limits["columns"])
            if filled * max(widest, 1) > limits["cells"]:
                raise Refused("cells", sheet=name, rows=filled, cols=widest,
                              limit=limits["cells"])
            row = [cell(v) for v in values[:last]]
            for v in row:
                if isinstance(v, str) and len(v) > limits["cell_chars"]:
                    raise Refused("cell_chars", sheet=name, row=rows, n=len(v),
                                  limit=limits["cell_chars"])
            fh.write(json.dumps(row, ensure_ascii=False))
            fh.write("\n")


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def merges(ws) -> list[list[int]]:
    """The sheet's merged ranges near its top, as [first col, first row, last col, last row].

    openpyxl's read-only sheets do not parse ``<mergeCells>``, which follows the rows in the
    part: scan the part's bytes for it (a header merged over several columns or rows)."""
    out: list[list[int]] = []
    get = getattr(ws, "_get_source", None)
    if get is None:
        return out
    tail = b""
    with get() as src:
        while chunk := src.read(1 << 20):
            data = tail + chunk
            end = 0
            for m in _MERGE.finditer(data):
                end = m.end()
                top = int(m.group(2))
                if top > MERGE_ROWS:
                    continue
                last_col = m.group(3) or m.group(1)
                out.append([_column(m.group(1)), top, _column(last_col),
                            int(m.group(4) or top)])
                if len(out) >= MERGE_LIMIT:
                    return out
            tail = data[max(end, len(data) - 200):]
    return out


def read(path: str, out_dir: Path, limits: dict, only: list[str] | None,
         first_only: bool) -> None:
    """Parse the workbook at ``path`` into ``out_dir`` (see the module's docstring)."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Excel and Kobo extensions openpyxl warns about
            wb = load_workbook(path, read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise Refused("broken", why=exc.__class__.__name__) from None
    try:
        names = list(wb.sheetnames)
        if not names:
            raise Refused("no_sheet")
        chosen = names[:1] if first_only else [n for n in names if only is None or n in only]
        merged = {}
        for i, name in enumerate(chosen):
            try:
                _sheet(wb[name], out_dir / f"{i}.jsonl", name, limits)
                merged[name] = merges(wb[name])
            except (Refused, MemoryError):
                raise
            except Exception as exc:  # a damaged sheet inside a readable archive
                raise Refused("broken", why=exc.__class__.__name__) from None
        (out_dir / "book.json").write_text(json.dumps({"sheetnames": names, "read": chosen,
                                                       "merges": merged},
                                                      ensure_ascii=False), encoding="utf-8")
    finally:
        wb.close()


# Written without allocating: after a MemoryError the traceback still holds the workbook.
_OUT_OF_MEMORY = b'{"code": "memory", "detail": {}}'


def main(argv: list[str]) -> int:
    """Entry point: WORKBOOK OUT_DIR JSON (limits plus ``only`` and ``first_only``)."""
    path, out_dir, options = argv[1], Path(argv[2]), json.loads(argv[3])
    error = os.open(out_dir / "error.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    _limit(options["memory_mb"], options["seconds"])
    try:
        read(path, out_dir, options, options.get("only"), options.get("first_only", False))
    except Refused as exc:
        os.write(error, json.dumps({"code": exc.code, "detail": exc.detail}).encode())
        return REFUSED
    except MemoryError:
        os.write(error, _OUT_OF_MEMORY)
        return REFUSED
    finally:
        os.close(error)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
