"""Fuzzing the import of online and call-centre results (fieldwork.imports.tabular, .parsers).

Whatever the bytes (random, a CSV in UTF-8, UTF-8 with BOM or Windows-1258, any delimiter,
quotes and newlines inside cells, ragged rows, huge cells, a damaged XLSX), opening the file
and parsing every row either yields rows or raises ``TabularError`` with a message, the one
error the upload page and ``fieldwork import`` turn into a message. Every cell parser returns
a value or raises ``ValueError`` with a message. Well-formed CSV reads back cell for cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from fieldwork.imports import parsers
from fieldwork.imports.results import result_fields, row_rule
from fieldwork.imports.tabular import TabularError, guess_mapping, open_table, parse_rows

from .budget import PER_CALL_SECONDS, examples, within

AGENCIES = [(1, "Sở Tư pháp"), (2, "Phường Hải Châu"), (3, "UBND xã Hòa Vang"),
            (4, "Sở Xây dựng")]
FIELDS = result_fields(AGENCIES)
HEADER = ["Cơ quan", "Ngày", "Hài lòng", "Lý do", "Ý kiến", "Mã phiếu"]
VIET = "ĐđăâêôơưÁáẢảÃãẠạẤấẦầẨẩẪẫẬậắằẳẵặếềểễệốồổỗộớờởỡợứừửữựýỳỷỹỵ"
CELL_TEXT = st.text(alphabet=st.one_of(st.sampled_from(VIET + ",;\t|\"' \n\r/-.x01"),
                                       st.characters(codec="utf-8")), max_size=40)


def consume(data: bytes, name: str = "upload.csv") -> list:
    """Open and parse a whole file as the import does: rows, or TabularError; timed."""
    with within(PER_CALL_SECONDS, f"importing {len(data)} bytes"):
        try:
            table = open_table(io.BytesIO(data), name)
            mapping = guess_mapping(table.headers, FIELDS)
            try:
                rows = list(parse_rows(table, mapping, FIELDS, salt="online", rule=row_rule))
            except TabularError as exc:
                if "No column chosen" not in str(exc):
                    raise
                # Map the first columns by position, as a user could, and read every row.
                cols = [h for h in table.headers if h]
                mapping = {f.name: c for f, c in zip(FIELDS, cols, strict=False)}
                rows = list(parse_rows(table, mapping, FIELDS, rule=row_rule))
        except TabularError as exc:
            assert str(exc).strip()
            return [exc]
    for r in rows:
        assert r.line >= 1 and (r.ok == (r.fingerprint is not None))
        assert all(isinstance(m, str) and m for m in r.errors.values())
    return rows


def _write(header, rows, delimiter, quoting, ending) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, quoting=quoting, escapechar="\\",
                        lineterminator=ending)
    for row in [header, *rows]:
        writer.writerow(row)
    return buf.getvalue()


@st.composite
def csv_files(draw):
    """A results-like CSV: header, ragged rows, any delimiter, quoting and encoding."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.one_of(st.just(HEADER), st.lists(CELL_TEXT, min_size=1, max_size=7)))
    value = st.one_of(CELL_TEXT, st.sampled_from(
        ["Sở Tư pháp", "hai chau", "1", "03/04/2025", "2025-04-03T10:00", "31/02/2025",
         "Hài lòng", "Chưa hài lòng", "a, đ; other", "zz", "0", ""]))
    rows = draw(st.lists(st.lists(value, min_size=0, max_size=9), max_size=12))
    huge = draw(st.sampled_from([0, 0, 0, 3000, 140_000]))
    if huge and rows:
        rows[0] = [*rows[0], "x" * huge]
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    try:
        text = _write(header, rows, delimiter, quoting, ending)
    except csv.Error:  # e.g. QUOTE_NONE cannot write a row of one empty cell
        text = _write(header, rows, delimiter, csv.QUOTE_ALL, ending)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1258", "utf-16"]))
    return text.encode(encoding, errors="replace")


@settings(max_examples=examples(150))
@given(data=csv_files())
def test_any_csv_gives_rows_or_a_tabular_error(data):
    consume(data)


@settings(max_examples=examples(150))
@given(data=st.binary(max_size=3000), name=st.sampled_from(["a.csv", "a.xlsx", "a", "A.XLSX"]))
@example(data=b"", name="a.csv")
@example(data=b"\xef\xbb\xbf", name="a.csv")
@example(data=b"a,b\n1,\x81\x8a\n", name="a.csv").via("bytes cp1258 does not define")
@example(data=b"a,b\n" + b"x" * 200_000 + b"\n", name="a.csv").via("a cell over csv's limit")
@example(data=b"a,b\n" + b" " * 5000 + b"1,\x00\n", name="a.csv").via("NUL after 4 kB")
@example(data=b"PK\x03\x04" + b"\x00" * 100, name="a.xlsx")
def test_arbitrary_bytes(data, name):
    consume(data, name)


class Short(bytes):
    """Bytes with a short repr (Hypothesis prints the arguments of a failing example)."""

    def __repr__(self) -> str:
        return f"<{len(self)} bytes>"


@pytest.fixture(scope="module")
def xlsx():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["Sở Tư pháp", dt.date(2025, 4, 3), "Hài lòng", None, "tốt", "A1"])
    ws.append(["Phường Hải Châu", "04/05/2025", 0, "reason_a, reason_b", None, 17.0])
    buf = io.BytesIO()
    wb.save(buf)
    return Short(buf.getvalue())


def test_xlsx_without_a_worksheet(xlsx):
    """Regression: openpyxl opens it, then worksheets[0] raised IndexError."""
    src, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/workbook.xml":
                data = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", data)
            z.writestr(name, data)
    with pytest.raises(TabularError, match="no worksheet"):
        open_table(io.BytesIO(out.getvalue()), "r.xlsx")
    assert isinstance(consume(out.getvalue(), "r.xlsx")[0], TabularError)


def test_the_xlsx_is_read(xlsx):
    rows = consume(xlsx, "r.xlsx")
    assert [r.ok for r in rows] == [True, True], [r.errors for r in rows]


@settings(max_examples=examples(80))
@given(edits=st.lists(st.tuples(st.floats(min_value=0, max_value=1), st.binary(min_size=1,
                                                                                max_size=8)),
                      min_size=1, max_size=4),
       cut=st.one_of(st.none(), st.floats(min_value=0, max_value=1)))
@example(edits=[(0.5, b"\xe0")], cut=None)  # a bad CRC in the sheet (CI, 2026-12-05)
@example(edits=[(0.5, b"\x00")], cut=None)  # a broken deflate stream in the sheet
def test_damaged_xlsx(xlsx, edits, cut):
    data = bytearray(xlsx)
    for where, junk in edits:
        at = int(where * (len(data) - 1))
        data[at:at + len(junk)] = junk
    if cut is not None:
        data = data[:int(cut * len(data))]
    consume(bytes(data), "r.xlsx")


def _encode(text: str, encoding: str) -> bytes:
    """Text in ``encoding``; Windows-1258 spells most Vietnamese letters as a base letter and
    a combining tone mark, so try the decomposed form, then the composed one."""
    if encoding != "cp1258":
        return text.encode(encoding)
    for form in ("NFD", "NFC"):
        try:
            return unicodedata.normalize(form, text).encode(encoding)
        except UnicodeEncodeError:
            continue
    assume(False)


@settings(max_examples=examples(150))
@given(header=st.lists(st.text(alphabet=VIET + "abcxyz '", min_size=1, max_size=12)
                       .filter(str.strip), min_size=2, max_size=6),
       body=st.lists(st.lists(st.text(alphabet=VIET + "abc 123,;\"'\n", max_size=12),
                              min_size=1, max_size=6), max_size=8),
       delimiter=st.sampled_from([",", ";", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1258"]))
def test_well_formed_csv_reads_back(header, body, delimiter, encoding):
    """Header and cells come back as written (NFC, stripped), in any of the encodings.

    The delimiter is judged from the header line (the most frequent of , ; tab), so the
    header here has two columns or more and no delimiter character inside a cell."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in [header, *body]:
        writer.writerow(row)
    data = _encode(buf.getvalue(), encoding)
    with within(PER_CALL_SECONDS, "reading a CSV"):
        table = open_table(io.BytesIO(data), "r.csv")
        rows = list(table.rows)
    norm = [[unicodedata.normalize("NFC", c).strip() for c in row] for row in [header, *body]]
    expected_header = [" ".join(c.split()) for c in norm[0]]  # header names single-spaced
    while expected_header and not expected_header[-1]:
        expected_header.pop()
    # Two columns of one name are told apart by their column letter ("Ngày (G)").
    assert table.kind == "csv" and [re.sub(r" \([A-Z]+\)$", "", h) for h in table.headers] \
        == expected_header
    assert len(set(table.headers)) == len(table.headers)
    assert [cells for _, cells in rows] == norm[1:]
    ascii_only = data.isascii()
    assert table.encoding == ("cp1258" if encoding == "cp1258" and not ascii_only
                              else "utf-8-sig")


# --- the cell parsers ------------------------------------------------------------------

ANY_TEXT = st.one_of(st.text(max_size=60), CELL_TEXT,
                     st.sampled_from(["29/02/2024", "29/02/2023", "1999-12-31", "00/00/0000",
                                      "31/12/9999", "01/01/0001", "Khác", "Đ", "(a)",
                                      "reason_b", "SỞ TƯ PHÁP", "Hai Chau", "tu phap", "%s",
                                      "%(v)s", "{0}", "\x00", "\u0301a"]))


@settings(max_examples=examples(300))
@given(text=ANY_TEXT)
def test_cell_parsers_return_or_raise_value_error(text):
    today = dt.date(2026, 1, 1)
    for parse in (lambda t: parsers.parse_date(t, today=today), parsers.parse_satisfied,
                  parsers.parse_reasons, parsers.parse_text(20),
                  parsers.agency_parser(AGENCIES)):
        try:
            value = parse(text)
        except ValueError as exc:
            assert str(exc).strip()
            continue
        assert value is not None
    try:
        day = parsers.parse_date(text, today=today)
    except ValueError:
        return
    assert dt.date(2000, 1, 1) <= day <= today


# --- reasons by text -------------------------------------------------------------------

@settings(max_examples=examples(200))
@given(codes=st.lists(st.sampled_from(["a", "b", "c", "d", "dd", "e", "f", "g"]), min_size=1,
                      max_size=4, unique=True),
       variant=st.integers(0, 3), sep=st.sampled_from(["; ", " | ", "\n", ";"]),
       upper=st.booleans(), bare=st.booleans())
def test_any_set_of_reason_texts_reads_back(codes, variant, sep, upper, bare):
    """Any reasons written in any of their wordings, joined any way, in capitals or without
    diacritics, read back as exactly those codes; the same cell as letters is refused."""
    from fieldwork.imports.reasons import TEXTS, ReasonLetters, reason_parser

    texts = [TEXTS[c][min(variant, len(TEXTS[c]) - 1)] for c in codes]
    cell = sep.join(texts)
    if bare:
        cell = "".join(ch for ch in unicodedata.normalize("NFD", cell.replace("đ", "d").replace(
            "Đ", "D")) if unicodedata.category(ch) != "Mn")
    cell = cell.upper() if upper else cell
    order = ["a", "b", "c", "d", "dd", "e", "f", "g"]
    assert reason_parser()(cell) == [c for c in order if c in codes]
    letters = ", ".join("đ" if c == "dd" else c for c in codes)
    with pytest.raises(ReasonLetters):
        reason_parser()(letters)
