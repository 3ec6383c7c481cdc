"""The tabular engine: formats, encodings, header, mapping, per-row errors, fingerprints."""

from __future__ import annotations

import datetime as dt
import io
import time
import tracemalloc

import pytest
from openpyxl import Workbook

from fieldwork.imports.parsers import parse_date, parse_reasons, parse_satisfied
from fieldwork.imports.results import result_fields, row_rule
from fieldwork.imports.tabular import (
    TabularError,
    check_mapping,
    detect_encoding,
    guess_mapping,
    open_table,
    parse_rows,
)

from .helpers import HEADER, rows_csv, sample_rows, to_cp1258

AGENCIES = [(1, "Sở Tư pháp"), (2, "Sở Y tế"), (3, "Phường Hải Châu")]
FIELDS = result_fields(AGENCIES)


def parse(data: bytes, name="f.csv", mapping=None, fields=FIELDS):
    table = open_table(io.BytesIO(data), name)
    mapping = mapping if mapping is not None else guess_mapping(table.headers, fields)
    return table, list(parse_rows(table, mapping, fields, rule=row_rule))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
def test_encodings_read_the_same(encoding):
    data = rows_csv(sample_rows(), encoding=encoding)
    table, rows = parse(data)
    assert table.encoding == ("cp1258" if encoding == "cp1258" else "utf-8-sig")
    assert table.headers == HEADER
    assert [r.values["agency"] for r in rows] == [1, 1, 2, 2, 1]
    assert rows[1].values["comment"] == "Chờ lâu"
    assert rows[4].values["comment"] == "Cán bộ nhiệt tình"
    assert all(r.ok for r in rows)


def test_detect_encoding_reads_the_whole_stream():
    data = ("a,b\r\n" * 50_000 + "Sở,Tư\r\n").encode("utf-8")
    assert detect_encoding(io.BytesIO(data)) == "utf-8-sig"
    assert detect_encoding(io.BytesIO(data[:-9] + to_cp1258("Sở") + b"\r\n")) == "cp1258"


def test_guessed_mapping_from_vietnamese_headers():
    table = open_table(io.BytesIO(rows_csv([], encoding="utf-8")), "f.csv")
    assert guess_mapping(table.headers, FIELDS) == {
        "agency": "Cơ quan", "date": "Ngày", "satisfied": "Hài lòng", "reasons": "Lý do",
        "comment": "Ý kiến", "record_id": "Mã phiếu"}


def test_semicolon_csv_and_blank_lines_before_the_header():
    data = b"\r\n\r\n" + rows_csv(sample_rows()[:2], delimiter=";")
    table, rows = parse(data)
    assert table.headers[1] == "Cơ quan" and len(rows) == 2


def test_xlsx_with_real_dates(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Cơ quan", "Ngày", "Hài lòng"])
    ws.append(["Sở Y tế", dt.datetime(2026, 3, 5), 1])
    ws.append(["Sở Tư pháp", "06/03/2026", "Chưa hài lòng"])
    path = tmp_path / "kq.xlsx"
    wb.save(path)
    with open(path, "rb") as fh:
        table, rows = parse(fh.read(), "kq.xlsx")
    assert table.kind == "xlsx"
    assert rows[0].values == {"agency": 2, "date": dt.date(2026, 3, 5), "satisfied": True,
                              "reasons": None, "comment": None, "dossier_code": None,
                              "phone": None, "cid": None, "record_id": None}
    assert rows[1].values["satisfied"] is False


def test_not_a_spreadsheet():
    with pytest.raises(TabularError, match="XLSX"):
        open_table(io.BytesIO(b"hello"), "x.xlsx")
    with pytest.raises(TabularError):
        open_table(io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), "x.csv")
    with pytest.raises(TabularError):
        open_table(io.BytesIO(b"\r\n \r\n"), "x.csv")


def test_wrong_columns_name_what_is_missing():
    table = open_table(io.BytesIO(rows_csv([], header=["Tên", "Ngày"])), "f.csv")
    with pytest.raises(TabularError, match="agency") as info:
        check_mapping(table.headers, guess_mapping(table.headers, FIELDS), FIELDS)
    assert "satisfied" in str(info.value)
    with pytest.raises(TabularError, match="Đơn vị") as info:
        check_mapping(table.headers, {"agency": "Đơn vị", "date": "Ngày", "satisfied": "Ngày"},
                      FIELDS)
    assert "Tên, Ngày" in str(info.value)
    with pytest.raises(TabularError, match="unknown"):
        check_mapping(table.headers, {"fax": "Tên"}, FIELDS)


def test_errors_per_row_and_field():
    rows = [["A", "Sở Tư pháp", "31/02/2026", "Hài lòng", "", ""],
            ["B", "Sở Không Có", "01/03/2026", "có lẽ", "", ""],
            ["C", "Sở Y tế", "", "0", "Số hóa hồ sơ", ""],
            ["D", "Sở Y tế", "01/03/2026", "1", "z", ""],
            ["E", "Sở Y tế", "01/03/2999", "0", "Chi phí không chính thức", ""]]
    _t, out = parse(rows_csv(rows))
    errors = {r.line: r.errors for r in out}
    assert set(errors[2]) == {"date"} and "31/02/2026" in errors[2]["date"]
    assert set(errors[3]) == {"agency", "satisfied"}
    assert set(errors[4]) == {"date"}  # required and empty
    assert set(errors[5]) == {"reasons"} and "z" in errors[5]["reasons"]
    assert set(errors[6]) == {"date"}  # in the future
    assert not any(r.ok for r in out)


def test_reasons_only_when_not_satisfied():
    _t, out = parse(rows_csv([["A", "Sở Y tế", "01/03/2026", "Hài lòng", "Số hóa hồ sơ", ""]]))
    assert set(out[0].errors) == {"reasons"} and "satisfied" in out[0].errors["reasons"]


def test_parsers():
    assert parse_reasons("reason_a; reason_dd reason_g; other") == ["a", "dd", "g", "other"]
    assert parse_satisfied("KHÔNG HÀI LÒNG") is False and parse_satisfied("x") is True
    assert parse_date("2026-03-05 10:20:00") == dt.date(2026, 3, 5)
    assert parse_date("5/3/2026") == dt.date(2026, 3, 5)
    with pytest.raises(ValueError):
        parse_date("2026/13/40")


def test_fingerprints_stable_and_distinct_for_repeated_rows():
    rows = [["", "Sở Y tế", "01/03/2026", "1", "", ""]] * 3
    fields = result_fields(AGENCIES)
    mapping = {"agency": "Cơ quan", "date": "Ngày", "satisfied": "Hài lòng"}
    _t, a = parse(rows_csv(rows), mapping=mapping, fields=fields)
    _t, b = parse(rows_csv(rows), mapping=mapping, fields=fields)
    assert [r.fingerprint for r in a] == [r.fingerprint for r in b]
    assert len({r.fingerprint for r in a}) == 3  # three people gave the same answer


def test_keyed_rows_are_identified_by_their_record_id_under_one_salt():
    # The import salts keyed fingerprints with the file's sha256: the id counts per file.
    fields = result_fields(AGENCIES, keyed=True)
    mapping = {"agency": "Cơ quan", "date": "Ngày", "satisfied": "Hài lòng",
               "record_id": "Mã phiếu"}
    _t, a = parse(rows_csv([["X1", "Sở Y tế", "01/03/2026", "1", "", ""]]), mapping=mapping,
                  fields=fields)
    _t, b = parse(rows_csv([["X1", "Sở Y tế", "02/03/2026", "0", "", ""]]), mapping=mapping,
                  fields=fields)
    assert a[0].fingerprint == b[0].fingerprint  # one id, one row within the same salt


def big_csv(n: int) -> bytes:
    """``n`` rows of plausible call-centre results."""
    agencies = ["Sở Tư pháp", "Sở Y tế", "Phường Hải Châu"]
    lines = ["Mã cuộc gọi,Cơ quan,Ngày,Hài lòng,Lý do"]
    for i in range(n):
        ok = i % 7 != 0
        lines.append(f"C{i:07d},{agencies[i % 3]},{1 + i % 28:02d}/0{1 + i % 9}/2026,"
                     f"{'1' if ok else '0'},{'' if ok else 'Chi phí không chính thức'}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _run(data: bytes) -> int:
    table = open_table(io.BytesIO(data), "big.csv")
    rows = parse_rows(table, guess_mapping(table.headers, FIELDS), FIELDS, rule=row_rule)
    return sum(r.ok for r in rows)


def test_100k_rows_in_reasonable_time():
    data = big_csv(100_000)
    start = time.perf_counter()
    assert _run(data) == 100_000
    assert time.perf_counter() - start < 30


def test_memory_does_not_hold_the_rows():
    peaks = []
    for n in (10_000, 40_000):
        data = big_csv(n)
        tracemalloc.start()
        assert _run(data) == n
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    # Only a 16-byte fingerprint prefix per row is kept (to number repeated rows): well
    # under 200 bytes a row, where holding parsed rows would cost kilobytes each.
    assert peaks[1] - peaks[0] < 30_000 * 200, peaks
