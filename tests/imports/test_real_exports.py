"""The reader on files shaped like real exports: title rows, a merged two-row header, footers,
phones and IDs typed as numbers, Excel dates; CSV in UTF-8, UTF-16 and Windows-1258."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from fieldwork.frames.fields import frame_fields
from fieldwork.imports.parsers import parse_date
from fieldwork.imports.reading import Number
from fieldwork.imports.tabular import TabularError, check_mapping, guess, open_table, parse_rows

from .exports import dossiers, one_stop_csv, one_stop_xlsx

AGENCIES = [(1, "Phường Hải Châu"), (2, "Phường Thanh Khê"), (3, "Sở Tư pháp")]
FIELDS = [(1, "HT", "Hộ tịch")]


@pytest.fixture()
def specs(app):
    with app.test_request_context("/"):
        yield frame_fields(AGENCIES, FIELDS)


def read(data_or_path, name, specs, header_row=None):
    stream = open(data_or_path, "rb") if not isinstance(data_or_path, bytes) else \
        io.BytesIO(data_or_path)
    with stream:
        table = open_table(stream, name, specs, header_row)
        mapping, ambiguous = guess(table.headers, specs)
        rows = list(parse_rows(table, mapping, specs))
    return table, mapping, ambiguous, rows


@pytest.mark.parametrize("dates", ["excel", "text", "serial"])
def test_the_one_stop_export_reads_after_one_look(tmp_path, specs, dates):
    path = one_stop_xlsx(tmp_path / "ds.xlsx", dossiers(), dates=dates)
    table, mapping, ambiguous, rows = read(path, "ds.xlsx", specs)
    layout = table.layout
    assert (layout.header_line, layout.header_depth, layout.header_found) == (7, 2, True)
    assert [line for line, _t in layout.title_rows] == [1, 2, 4, 5]
    assert "DANH SÁCH HỒ SƠ ĐÃ TRẢ KẾT QUẢ" in layout.title_rows[2][1]
    assert len(layout.footer_rows) == 5 and layout.footer_rows[0][1] == "Tổng cộng: 6 hồ sơ"
    assert mapping["received_on"] == "Ngày Tiếp nhận" and mapping["due_on"] == "Ngày Hẹn trả"
    assert mapping["returned_on"] == "Ngày Trả kết quả" and not ambiguous
    assert [r.line for r in rows] == list(range(9, 15)) and all(r.ok for r in rows)
    first = rows[0].values
    assert first["phone"] == "0905123400" and first["cid"] == "048190000000"
    assert first["received_on"] == dt.date(2026, 3, 2) and first["returned_on"] == dt.date(
        2026, 3, 4) and first["agency"] == 1  # "UBND phường Hải Châu"
    assert layout.restored == {"phone": 6, "cid": 6}
    notes = " ".join(layout.notes({"phone": "Số điện thoại"}))
    assert "Tên cột được đọc từ dòng 7-8" in notes
    assert "Bỏ qua 4 dòng tiêu đề phía trên bảng và 5 dòng cuối bảng" in notes
    assert "6 ô “Số điện thoại” bị mất số 0 ở đầu" in notes


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1258"])
def test_the_same_export_saved_as_csv(specs, encoding):
    table, mapping, _amb, rows = read(one_stop_csv(dossiers(), encoding), "ds.csv", specs)
    assert table.encoding == ("utf-16" if encoding == "utf-16" else encoding)
    assert table.layout.header_lines == "4-5" and len(table.layout.title_rows) == 2
    assert mapping["received_on"] == "Ngày Tiếp nhận"  # the blank cells after "Ngày"
    assert mapping["returned_on"] == "Ngày Trả kết quả"
    assert len(rows) == 6 and all(r.ok for r in rows), [r.errors for r in rows]
    assert rows[5].values["phone"] == "0905123405" and len(table.layout.footer_rows) == 2


def test_a_header_that_cannot_be_found_says_which_row_was_taken(specs):
    data = "Báo cáo\r\nA,B,C\r\nHS-1,Phường Hải Châu,01/03/2026\r\n".encode()
    table = open_table(io.BytesIO(data), "x.csv", specs)
    assert not table.layout.header_found and table.layout.header_line == 1
    with pytest.raises(TabularError, match=r"Tên cột được đọc từ dòng 1\.") as info:
        list(parse_rows(table, guess(table.headers, specs)[0], specs))
    assert "code" in str(info.value)
    assert "đã tạm lấy dòng 1. Hãy chọn dòng tên cột" in " ".join(table.layout.notes())


def test_a_title_merged_across_right_above_the_header_is_not_part_of_it(tmp_path, specs):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỒ SƠ ĐÃ TRẢ KẾT QUẢ"])
    ws.merge_cells("A1:E1")
    ws.append(["Mã hồ sơ", "Cơ quan", "Ngày", None, None])
    ws.append([None, None, "Tiếp nhận", "Hẹn trả", "Trả kết quả"])
    ws.merge_cells("C2:E2")
    ws.merge_cells("A2:A3")
    ws.append(["HS-1", "P. Hải Châu", "02/03/2026", "05/03/2026", "04/03/2026"])
    wb.save(tmp_path / "t.xlsx")
    table, mapping, _a, rows = read(tmp_path / "t.xlsx", "t.xlsx", specs)
    assert table.layout.header_lines == "2-3" and table.headers[0] == "Mã hồ sơ"
    assert mapping["received_on"] == "Ngày Tiếp nhận" and [r.ok for r in rows] == [True]


def test_the_header_row_chosen_by_the_user(tmp_path, specs):
    path = one_stop_xlsx(tmp_path / "ds.xlsx", dossiers())
    table, mapping, _a, rows = read(path, "ds.xlsx", specs, header_row="7")
    assert table.layout.header_lines == "7-8" and mapping["due_on"] == "Ngày Hẹn trả"
    with open(path, "rb") as fh:
        table = open_table(fh, "ds.xlsx", specs, "7-7")
    assert table.layout.header_lines == "7"
    assert table.headers[6:9] == ["Ngày (G)", "Ngày (H)", "Ngày (I)"]  # one merged cell
    assert "received_on" not in guess(table.headers, specs)[0]
    for bad in ("x", "0", "7-12", "9-8"):
        with pytest.raises(TabularError, match="số thứ tự dòng"):
            read(path, "ds.xlsx", specs, header_row=bad)
    with pytest.raises(TabularError, match="Dòng 3 trống"):
        read(path, "ds.xlsx", specs, header_row="3")


def test_two_columns_for_one_field_and_one_column_for_two(specs):
    data = ("Mã hồ sơ,Cơ quan,Ngày nhận,Ngày tiếp nhận,Ngày trả kết quả\r\n"
            "HS-1,Phường Hải Châu,01/03/2026,01/03/2026,02/03/2026\r\n").encode()
    table = open_table(io.BytesIO(data), "x.csv", specs)
    mapping, ambiguous = guess(table.headers, specs)
    assert ambiguous == {"received_on": ["Ngày nhận", "Ngày tiếp nhận"]}
    assert "received_on" not in mapping
    with pytest.raises(TabularError, match="Cột “Ngày nhận” được chọn cho 2 trường"):
        check_mapping(table.headers, {**mapping, "received_on": "Ngày nhận",
                                      "due_on": "Ngày nhận"}, specs)
    same = ("Mã hồ sơ,Cơ quan,Ngày,Ngày\r\n").encode()
    table = open_table(io.BytesIO(same), "x.csv", specs)
    assert table.headers[2:] == ["Ngày (C)", "Ngày (D)"]  # told apart, never merged


def test_a_total_inside_the_table_is_a_bad_row_not_an_end(specs):
    data = ("Mã hồ sơ,Cơ quan,Ngày tiếp nhận,Ngày trả kết quả\r\n"
            "HS-1,Phường Hải Châu,01/03/2026,02/03/2026\r\n"
            "Tổng cộng: 1,,,\r\n"
            "HS-2,Phường Thanh Khê,01/03/2026,02/03/2026\r\n"
            "Tổng cộng: 2,,,\r\n,,,Người lập biểu\r\n").encode()
    table, _m, _a, rows = read(data, "x.csv", specs)
    assert [(r.line, r.ok) for r in rows] == [(2, True), (3, False), (4, True)]
    assert [line for line, _t in table.layout.footer_rows] == [5, 6]


def test_dates_with_times_serials_and_numbers():
    assert parse_date("05/03/2026 14:30") == dt.date(2026, 3, 5)
    assert parse_date("14:30 05/03/2026") == dt.date(2026, 3, 5)
    assert parse_date("2026-03-05T14:30:00") == dt.date(2026, 3, 5)
    assert parse_date(Number(46086)) == dt.date(2026, 3, 5)
    assert parse_date(Number(46086.6041666)) == dt.date(2026, 3, 5)  # 14:30
    assert parse_date("46086") == dt.date(2026, 3, 5)
    with pytest.raises(ValueError):
        parse_date(Number(20260305))


def test_a_sheet_with_a_million_empty_formatted_rows(tmp_path, specs):
    """Excel formatting whole rows down to row 1,000,051: the 50 dossiers import, the empty
    rows cost nothing but reading."""
    path = tmp_path / "formatted.xlsx"
    _formatted_rows(path, 50, 1_000_000)
    table, mapping, _a, rows = read(path, "formatted.xlsx", specs)
    assert len(rows) == 50 and all(r.ok for r in rows)
    assert table.layout.footer_rows == []


def _formatted_rows(path, n: int, empty: int) -> None:
    """A workbook written part by part: ``n`` dossiers, then ``empty`` formatted empty rows
    (``<row s=".." customFormat="1"/>``, as Excel writes a formatted row)."""
    import zipfile

    from openpyxl import Workbook

    buf = io.BytesIO()
    wb = Workbook()
    wb.active["A1"] = "x"
    wb.save(buf)
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    head = ["Mã hồ sơ", "Cơ quan", "Ngày tiếp nhận", "Ngày trả kết quả"]
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, src.read(info.filename))
        with out.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}">'
                     f'<dimension ref="A1:D{n + 1 + empty}"/><sheetData>'.encode())
            for r, row in enumerate([head] + [[f"HS-{i}", "Phường Hải Châu", "01/03/2026",
                                               "02/03/2026"] for i in range(n)], 1):
                cells = "".join(f'<c r="{"ABCD"[c]}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
                                for c, v in enumerate(row))
                fh.write(f'<row r="{r}">{cells}</row>'.encode())
            for start in range(n + 2, n + 2 + empty, 10_000):
                fh.write("".join(f'<row r="{r}" s="0" customFormat="1"/>' for r in range(
                    start, min(start + 10_000, n + 2 + empty))).encode())
            fh.write(b"</sheetData></worksheet>")
