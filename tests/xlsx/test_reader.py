"""Uploaded workbooks are checked, then parsed in a child process (issue 15: an XLSX with a
bloated shared-strings table took the web process from 488 MB to 980 MB and 51 s of CPU)."""

from __future__ import annotations

import os
import time
import tracemalloc
import zipfile

import pytest

from fieldwork.xlsx import XlsxLimits, XlsxRefused, inspect_xlsx, read_xlsx

from .crafted import build


def _refused(path, **limits) -> XlsxRefused:
    with pytest.raises(XlsxRefused) as exc:
        read_xlsx(path, limits=XlsxLimits(**limits))
    return exc.value


def test_an_honest_workbook_is_read_row_by_row(tmp_path):
    path = build(tmp_path / "ok.xlsx", [["Mã hồ sơ", "Điểm", ("s", 0)], ["HS-1", 4.5, ("s", 1)]],
                 shared=["Hài lòng", "Chưa hài lòng"])
    with read_xlsx(path) as book:
        assert book.sheetnames == ["Data", "Khác"]
        assert list(book["Data"].iter_rows(values_only=True)) == [
            ("Mã hồ sơ", "Điểm", "Hài lòng"), ("HS-1", 4.5, "Chưa hài lòng")]
        folder = book._folder
        assert folder.is_dir()
    assert not folder.exists()  # the rows written by the child are gone
    with read_xlsx(path.read_bytes(), first_only=True) as book:  # bytes; one sheet
        assert [s.title for s in book.worksheets] == ["Data"] and "Khác" not in book
    with open(path, "rb") as stream, read_xlsx(stream, only=["Khác"]) as book:
        assert list(book["Khác"].iter_rows()) == [("y",)]
        assert stream.tell() == 0  # the caller's stream is left where it was


def test_a_bloated_shared_strings_table_is_refused_before_parsing(tmp_path):
    path = build(tmp_path / "sst.xlsx", [["a"]], shared=(f"s{i}" for i in range(10)),
                 declared_strings=50_000_000)
    started = time.monotonic()
    err = _refused(path)
    assert err.code == "shared_strings" and "50" in str(err)
    assert time.monotonic() - started < 2  # from the archive's first bytes, no child


def test_a_table_that_lies_about_its_size_stops_the_child_not_the_caller(tmp_path):
    """The table declares one entry and holds 400,000: openpyxl loads them all. With a small
    memory limit the child is stopped; the calling process allocates almost nothing."""
    path = build(tmp_path / "lies.xlsx", [["a"]], shared=(f"s{i:07d}" for i in range(400_000)),
                 declared_strings=1)
    tracemalloc.start()
    try:
        err = _refused(path, memory_mb=200)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert err.code == "memory" and "200 MB" in str(err).replace(".", "")
    assert peak < 8 * 1024 * 1024, peak  # a 1 MiB copy buffer and the archive's directory
    err = _refused(path, seconds=1)  # and with time, not memory, short
    assert err.code == "time"


def test_declared_and_counted_sheet_sizes(tmp_path):
    big = build(tmp_path / "dim.xlsx", [["a"]], dimension="A1:Z5000000")
    assert _refused(big).code == "cells"
    wide = build(tmp_path / "wide.xlsx", [["a"]], dimension="A1:ZZZ2")
    assert _refused(wide).code == "columns"
    undeclared = build(tmp_path / "count.xlsx", ([i, i, i] for i in range(2_000)), dimension=None)
    err = _refused(undeclared, cells=3_000)
    assert err.code == "cells" and "3" in str(err)
    long_cell = build(tmp_path / "long.xlsx", [["ok"], ["x" * 500]])
    err = _refused(long_cell, cell_chars=100)
    assert err.code == "cell_chars" and "(row 2)" in str(err).replace("dòng", "row")


def test_archives_that_are_not_workbooks(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(b"PK\x03\x04 not really")
    assert _refused(tmp_path / "a.xlsx").code == "not_xlsx"
    with zipfile.ZipFile(tmp_path / "b.xlsx", "w") as z:
        z.writestr("hello.txt", "hi")
    assert _refused(tmp_path / "b.xlsx").code == "not_xlsx"
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            for _ in range(40):
                fh.write(b"<row/>" * 200_000)
    assert os.path.getsize(bomb) < 200_000
    assert _refused(bomb).code == "ratio"
    assert inspect_xlsx(build(tmp_path / "fine.xlsx", [["a"]]))["xl/workbook.xml"] > 0


def test_rows_left_unread_do_not_stay_in_the_temp_folder(tmp_path, monkeypatch):
    """Uploaded rows are respondents' data. An import that opens a workbook and stops before
    reading its rows (a wrong header, an error on the way, a caller that drops the book)
    must not leave the child's files behind: 20 such folders were found in /tmp after test
    runs."""
    import gc
    import io
    import tempfile

    from fieldwork.imports.reading import read_source

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    path = build(tmp_path / "ok.xlsx", [["Mã hồ sơ", "Điểm"], ["HS-1", 4.5]])
    source = read_source(io.BytesIO(path.read_bytes()), "ok.xlsx")
    assert [p.name for p in temp.iterdir()][0].startswith("fieldwork-xlsx-")
    del source  # its rows were never started
    gc.collect()
    assert list(temp.iterdir()) == []
    book = read_xlsx(path)  # a book dropped without close()
    del book
    gc.collect()
    assert list(temp.iterdir()) == []
