"""The document builder is shared ground: no module of ``fieldwork/documents`` imports a
feature (not plans, not reports), so both can use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..plans.test_imports import feature_of, imported

DOCUMENTS = Path(__file__).resolve().parents[2] / "fieldwork" / "documents"
MODULES = sorted(DOCUMENTS.rglob("*.py"))


def test_every_module_is_walked():
    assert {"pdf.py", "word.py", "layout.py", "model.py"} <= {p.name for p in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_documents_module_imports_no_feature(path):
    bad = sorted(n for n in imported(path) if feature_of(n) not in (None, "documents"))
    assert not bad, f"{path.name} imports {bad}"
