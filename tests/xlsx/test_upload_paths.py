"""Every XLSX upload path goes through ``fieldwork.xlsx.read_xlsx`` and refuses a hostile
workbook with a message, storing nothing: results imports, the sampling frame, XLSForm."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fieldwork.forms.models import QuestionnaireVersion
from fieldwork.frames.models import FrameDossier
from fieldwork.imports.models import ImportRun

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from .crafted import build

ROOT = Path(__file__).resolve().parents[2] / "fieldwork"
REFUSAL = "văn bản dùng chung"  # "The workbook's table of texts declares ... entries"


@pytest.fixture()
def hostile(tmp_path) -> bytes:
    """A small file whose shared-strings table declares 50 million entries."""
    return build(tmp_path / "kq.xlsx", [["Mã hồ sơ"]], shared=["x"],
                 declared_strings=50_000_000).read_bytes()


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_only_the_child_process_opens_workbooks():
    """No module but ``xlsx/child.py`` calls openpyxl's ``load_workbook``."""
    found = []
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            name = getattr(node, "id", None) or getattr(node, "attr", None)
            if name == "load_workbook":
                found.append(str(path.relative_to(ROOT)))
    assert sorted(set(found)) == ["xlsx/child.py"], found


def test_results_import_refuses(client, db, factory, hostile):
    manager = factory.user("manager")
    survey = factory.survey("XL-1", agencies=[factory.agency("Sở Tư pháp")])
    login(client, manager.email, PASSWORD)
    resp = client.post("/imports/", data={
        "survey": survey.id, "source": "city_online",
        "csrf_token": csrf_token(client, "/imports/"),
        "file": (io.BytesIO(hostile), "kq.xlsx")}, content_type="multipart/form-data",
        follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and REFUSAL in html and "Traceback" not in html
    assert _count(db, ImportRun) == 0


def test_frame_upload_refuses(client, db, factory, hostile):
    manager = factory.user("manager")
    factory.survey("FR-X", agencies=[factory.agency("Sở Tư pháp")])
    login(client, manager.email, PASSWORD)
    resp = client.post("/frames/FR-X/upload", data={
        "csrf_token": csrf_token(client, "/frames/FR-X"),
        "file": (io.BytesIO(hostile), "hoso.xlsx")}, content_type="multipart/form-data",
        follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert REFUSAL in html and "Traceback" not in html
    assert _count(db, FrameDossier) == 0


def test_xlsform_import_refuses(client, db, factory, hostile):
    manager = factory.user("manager")
    survey = factory.survey("XF-1", agencies=[factory.agency()])
    login(client, manager.email, PASSWORD)
    base = f"/surveys/{survey.code}/questionnaire"
    resp = client.post(base + "/import", data={
        "file": (io.BytesIO(hostile), "form.xlsx"), "csrf_token": csrf_token(client, base + "/")},
        content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and REFUSAL in html
    assert _count(db, QuestionnaireVersion) == 0
