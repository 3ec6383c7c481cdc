"""Where a real export's table starts and ends: the header row(s), title rows, footer rows.

A one-stop system's export has title rows above the table ("UBND THÀNH PHỐ ĐÀ NẴNG", the
list's name, the period), a header that may span two or three rows with merged cells
("Ngày" over "tiếp nhận | hẹn trả | trả kết quả"), and rows below it ("Tổng cộng",
"Người lập biểu", a place and date, a signature). The header is the first row whose cells
name enough of the known columns; rows under a merged or grouped header cell join it. Pure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from flask_babel import lazy_gettext as _l

from .reading import TabularError

SCAN_ROWS = 50  # non-blank rows searched for the header
MAX_DEPTH = 3  # rows a header may span
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_FOOTER_START = ("tong cong", "tong so", "tong", "cong", "nguoi lap bieu", "nguoi lap",
                 "nguoi ky", "nguoi duyet", "thu truong", "lanh dao", "giam doc", "chu tich",
                 "truong phong", "ky ten", "(ky", "ky, ghi ro ho ten", "xac nhan", "noi nhan",
                 "ghi chu", "tm.", "kt.", "tl.")
_PLACE_DATE = re.compile(r"^[^,]{2,40}, ngay\b.*\bthang\b.*\bnam\b")


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of a header or name for matching."""
    text = unicodedata.normalize("NFKD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().replace("_", " ").split())


class Header(str):
    """A column's name as shown (the header rows' texts joined); ``parts`` top-down."""

    parts: tuple[str, ...]
    column: int

    def __new__(cls, label: str, parts: Sequence[str] = (), column: int = 0) -> Header:
        obj = super().__new__(cls, label)
        obj.parts = tuple(parts) or ((label,) if label else ())
        obj.column = column
        return obj


def column_letter(index: int) -> str:
    """0 -> 'A', 26 -> 'AA'."""
    out, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def header_key(text: str) -> str:
    """A header's matching key: folded, without "(dd/mm/yyyy)", "(*)", trailing ':'."""
    return fold(_PAREN.sub(" ", str(text))).strip(" :*.-")


def parse_header_rows(text: str | int | None) -> tuple[int, int | None] | None:
    """'5' -> (5, None), '5-6' -> (5, 2), None or '' -> None; TabularError otherwise."""
    if text is None or str(text).strip() == "":
        return None
    m = re.fullmatch(r"\s*(\d+)\s*(?:[-–:]\s*(\d+))?\s*", str(text))
    if not m or int(m[1]) < 1 or (m[2] and not 0 <= int(m[2]) - int(m[1]) < MAX_DEPTH):
        raise TabularError(_l("The header row is a row number, e.g. 5, or two or three rows "
                              "such as 5-6."))
    return int(m[1]), (int(m[2]) - int(m[1]) + 1) if m[2] else None


def _merged_fill(grid: list[list[str]], first_line: int, merged) -> set[tuple[int, int]]:
    """Copy each merged range's value into its cells within the header rows; the cells
    that are covered."""
    covered = set()
    depth = len(grid)
    for c1, r1, c2, r2 in merged:
        top, bottom = r1 - first_line, r2 - first_line
        if bottom < 0 or top >= depth or (c1 == c2 and r1 == r2):
            continue
        value = grid[top][c1 - 1] if top >= 0 else ""
        for r in range(max(top, 0), min(bottom, depth - 1) + 1):
            for c in range(c1 - 1, c2):
                if not grid[r][c]:
                    grid[r][c] = value
                covered.add((r, c))
    return covered


def _grouped_fill(grid: list[list[str]], covered: set[tuple[int, int]]) -> None:
    """Without merge information (CSV): a blank upper cell over a sub-header continues the
    group to its left ("Ngày" over "tiếp nhận", blank over "hẹn trả")."""
    last = grid[-1]
    for r in range(len(grid) - 1):
        row = grid[r]
        for c in range(1, len(row)):
            if (not row[c] and (r, c) not in covered and last[c] and row[c - 1]
                    and last[c - 1] and last[c - 1] != row[c - 1]):
                row[c] = row[c - 1]


def join_header(rows: list[list[str]], first_line: int = 1,
                merged: Iterable[tuple[int, int, int, int]] = ()) -> list[Header]:
    """The column names of a header spanning ``rows`` (their texts top-down, joined)."""
    last_line = first_line + len(rows) - 1
    merged = [m for m in merged if m[1] <= last_line and m[3] >= first_line]
    width = max([len(r) for r in rows] + [m[2] for m in merged], default=0)
    grid = [list(r) + [""] * (width - len(r)) for r in rows]
    covered = _merged_fill(grid, first_line, merged)
    if len(grid) > 1 and not covered:  # merges known: trust them, guess nothing
        _grouped_fill(grid, covered)
    labels = []
    for c in range(width):
        parts: list[str] = []
        for r in range(len(grid)):
            text = " ".join(str(grid[r][c]).split())
            if text and (not parts or header_key(parts[-1]) != header_key(text)):
                parts.append(text)
        labels.append((" ".join(parts), parts))
    while labels and not labels[-1][0]:
        labels.pop()
    counts: dict[str, int] = {}
    for label, _parts in labels:
        counts[header_key(label)] = counts.get(header_key(label), 0) + 1
    return [Header(f"{label} ({column_letter(c)})" if label and counts[header_key(label)] > 1
                   else label, parts, c) for c, (label, parts) in enumerate(labels)]


def score(headers: Sequence[Header], fields) -> int:
    """How many fields some header names exactly (its whole label or its last part)."""
    keys = set()
    for h in headers:
        if h:
            keys.add(header_key(h))
            keys.add(header_key(h.parts[-1]))
    return sum(1 for f in fields
               if any(fold(s) in keys for s in (f.name, f.label, *f.synonyms)))


def _depth_from_merges(line: int, merged) -> int:
    spans = [r2 - line + 1 for _c1, r1, _c2, r2 in merged if r1 == line and r2 > line]
    return min(max(spans, default=1), MAX_DEPTH)


def choose(rows: list[tuple[int, list[str]]], fields, merged=(), start: tuple[int, int | None]
           | None = None) -> tuple[int, int, list[Header], bool]:
    """(first line, depth, headers, found) of the header among the buffered ``rows``.

    ``start`` is the user's choice (line, depth or None); otherwise the first non-blank row
    naming at least two known columns (alone or joined with the rows under it). Not found:
    the first non-blank row, and ``found`` False."""
    by_line = {line: cells for line, cells in rows}
    lines = [line for line, cells in rows if any(cells)]
    if not lines:
        raise TabularError(_l("The file is empty (no header row)."))
    merged = list(merged)

    def build(line: int, depth: int) -> list[Header]:
        return join_header([by_line.get(line + k, []) for k in range(depth)], line, merged)

    def best_depth(line: int) -> tuple[int, int]:
        depth = _depth_from_merges(line, merged)
        best = (score(build(line, depth), fields), depth)
        for d in range(1, MAX_DEPTH + 1):
            if not any(by_line.get(line + d - 1, [])):
                break
            s = score(build(line, d), fields)
            if s > best[0]:
                best = (s, d)
        return best

    if start is not None:
        line, depth = start
        if line not in by_line or not any(by_line[line]):
            raise TabularError(_l("Row %(n)d is empty or beyond the rows searched for a "
                                  "header.", n=line))
        depth = depth or best_depth(line)[1]
        return line, depth, build(line, depth), True
    if not fields:
        return lines[0], 1, build(lines[0], 1), True
    need = min(2, len(fields))
    for line in lines[:SCAN_ROWS]:
        if sum(1 for c in by_line[line] if c) < need:
            continue  # one cell, merged across or not, is a title: a header names columns
        s, depth = best_depth(line)
        if s >= need:
            return line, depth, build(line, depth), True
    return lines[0], 1, build(lines[0], 1), False


def is_footer(cells: Sequence[str], required: Sequence[int]) -> bool:
    """A row that looks like the table's end: a total, a signature block, a place and date,
    or values in fewer than half of the required columns (a name under a signature)."""
    key = fold(next((c for c in cells if c), ""))
    for word in _FOOTER_START:
        rest = key[len(word):] if key.startswith(word) else None
        # "cộng" and "tổng" alone, or before ':' or a number; longer words before anything
        if rest is not None and (not rest or rest[0] in ":" or (
                " " in word or "." in word or len(word) > 4) and rest[0] == " "
                or rest.lstrip(" :")[:1].isdigit()):
            return True
    if _PLACE_DATE.match(key):
        return True
    filled = sum(1 for i in required if i < len(cells) and cells[i])
    return bool(required) and filled * 2 < len(required)


def row_text(cells: Sequence[str], limit: int = 120) -> str:
    """A skipped row as one line of text (for the dry run)."""
    text = " | ".join(str(c) for c in cells if c)
    return text if len(text) <= limit else text[:limit - 1] + "…"
