"""Why the reader doubted an answer is shown to the verifier in their language.

The notes are collected from the reader's source (every literal assigned to a note or a
reason, returned as an answer's note, or given to a page-wide doubt), so a new note without
a label fails here rather than reaching a Vietnamese page in English.
"""

from __future__ import annotations

import ast
from pathlib import Path

import fieldwork.omr as omr
from fieldwork.omr.reasons import NOTE_LABELS, note_label

READER = ("judge.py", "rows.py", "multiple.py", "grids.py", "outside.py", "offbox.py", "read.py",
          "hug.py", "levels.py", "marks.py")


def _strings(node) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
            and isinstance(n.value, str)}


def reader_notes() -> set[str]:
    """Every note literal the reader's modules can give an answer."""
    found: set[str] = set()
    root = Path(omr.__file__).parent
    for name in READER:
        path = root / name
        if not path.exists():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = {t.id for t in targets if isinstance(t, ast.Name)} | {
                    e.id for t in targets if isinstance(t, ast.Tuple) for e in t.elts
                    if isinstance(e, ast.Name)}
                if names & {"note", "why"} and node.value is not None \
                        and not isinstance(node.value, ast.Call):  # another judge's answer
                    value = node.value
                    if isinstance(value, ast.Tuple):  # vals, status, conf, why = ...
                        value = value.elts[-1]
                    found |= _strings(value)
            elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) \
                    and len(node.value.elts) == 4:  # values, status, confidence, note
                found |= _strings(node.value.elts[-1])
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_doubt":
                found |= _strings(node.args[-1])
    return {s for s in found if s}


def test_every_note_the_reader_gives_has_a_label():
    notes = reader_notes()
    assert {"two marks", "tick into next", "ring", "empty page"} <= notes  # the walk works
    assert notes - set(NOTE_LABELS) == set()


def test_notes_read_in_vietnamese(app):
    with app.test_request_context(headers={"Accept-Language": "vi"}):
        assert note_label("tick into next") == "dấu tích lấn sang ô bên cạnh"
        assert note_label("digit ring other") == "ô số: một lựa chọn khác được khoanh tròn"
        assert note_label("") == ""
        assert note_label("something new") == "something new"  # never hidden
