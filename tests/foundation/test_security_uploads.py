"""Uploads: image pixel limit on attachments, request size limits, friendly 413 page."""

from __future__ import annotations

import io
import zlib

import pytest
from PIL import Image

from fieldwork.errors import OperationError
from fieldwork.plans import attachments
from fieldwork.plans.models_docs import DocKind

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from ..plans.helpers import upload


def _image(fmt: str, size=(60, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("L", size, 255).save(buf, format=fmt)
    return buf.getvalue()


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "a.png"), ("JPEG", "a.jpg"),
                                           ("TIFF", "a.tif")])
def test_image_attachment_under_the_pixel_limit_is_kept(factory, fmt, name):
    manager = factory.user("manager")
    survey = factory.survey()
    att = upload(survey, manager, DocKind.OTHER, data=_image(fmt), filename=name)
    assert attachments.full_path(att).read_bytes()[:2] == _image(fmt)[:2]


def test_image_with_too_many_pixels_is_refused_before_decoding(app, factory):
    manager = factory.user("manager")
    survey = factory.survey()
    app.config["PLANS_MAX_IMAGE_PIXELS"] = 2000
    try:
        with pytest.raises(OperationError, match="điểm ảnh|pixels"):
            upload(survey, manager, DocKind.OTHER, data=_image("PNG", (60, 40)),
                   filename="big.png")
    finally:
        del app.config["PLANS_MAX_IMAGE_PIXELS"]


def test_decompression_bomb_header_is_refused(factory):
    # A PNG header claiming 100,000 × 100,000 pixels with no image data behind it.
    good = _image("PNG", (60, 40))
    ihdr = b"IHDR" + (100_000).to_bytes(4, "big") * 2 + good[24:29]
    bomb = good[:12] + ihdr + zlib.crc32(ihdr).to_bytes(4, "big") + good[33:]
    assert attachments.image_pixels(bomb) > attachments.DEFAULT_MAX_PIXELS
    manager = factory.user("manager")
    survey = factory.survey()
    with pytest.raises(OperationError, match="điểm ảnh|pixels"):
        upload(survey, manager, DocKind.OTHER, data=bomb, filename="bomb.png")


def test_unreadable_image_is_refused(factory):
    manager = factory.user("manager")
    survey = factory.survey()
    with pytest.raises(OperationError, match="Không đọc được ảnh|cannot be read"):
        upload(survey, manager, DocKind.OTHER, data=b"\xff\xd8\xff" + b"\x00" * 50,
               filename="broken.jpg")


def test_request_over_the_size_limit_gets_a_friendly_413(app, client, factory):
    manager = factory.user("manager")
    login(client, manager.email, PASSWORD)
    token = csrf_token(client, "/imports/")
    app.config["IMPORT_MAX_BYTES"] = 1000
    try:
        resp = client.post("/imports/", data={
            "channel": "online", "csrf_token": token,
            "file": (io.BytesIO(b"a,b\n" + b"1,2\n" * 1000), "big.csv")},
            content_type="multipart/form-data")
    finally:
        del app.config["IMPORT_MAX_BYTES"]
    assert resp.status_code == 413
    html = resp.get_data(as_text=True)
    assert "Tệp quá lớn" in html and "Content-Security-Policy" in resp.headers


def test_global_request_limit_is_set(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 64 * 1024 * 1024


def test_no_shell_or_formatted_sql_in_the_code():
    """User input never reaches a shell or raw SQL: neither is used at all."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "fieldwork"
    bad = re.compile(r"shell\s*=\s*True|os\.system\(|os\.popen\(|text\(\s*f[\"']"
                     r"|exec_driver_sql\(\s*f[\"']|execute\(\s*f[\"']")
    found = [f"{p.relative_to(root)}:{text.count(chr(10), 0, m.start()) + 1}"
             for p in root.rglob("*.py") if "migrations" not in p.parts
             for text in [p.read_text(encoding="utf-8")] for m in bad.finditer(text)]
    assert not found
