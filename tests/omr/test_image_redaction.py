"""Scan images as a user without the contact-data right sees them (issue 15).

The penetration test found a rejected page (no QR) served in full, handwritten phone and
citizen ID readable, with ``Cache-Control: public, max-age=3600``; the read copy of the same
sheet had them painted over.
"""

from __future__ import annotations

import io
import subprocess

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from fieldwork.forms.batches import print_batch
from fieldwork.omr import storage
from fieldwork.omr.contact import is_contact
from fieldwork.omr.models import PageStatus, ScanPage, TextRegion
from fieldwork.omr.serving import contact_areas
from fieldwork.omr.synth.degrade import Scan
from fieldwork.privacy.operations import grant_contact_access

from ..conftest import csrf_token, login
from ..factories import PASSWORD, approved_version
from .conftest import batch_scans
from .generator import printed


def _as(client, user):
    fresh = client.application.test_client()
    login(fresh, user.email, PASSWORD)
    return fresh


def _without_qr(data: bytes) -> bytes:
    """The scan with its QR code whited out: the station cannot tell which form it is."""
    from pyzbar import pyzbar

    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    found = pyzbar.decode(image, symbols=[pyzbar.ZBarSymbol.QRCODE])
    assert len(found) == 1
    r = found[0].rect
    x0, y0, x1, y1 = r.left - 25, r.top - 25, r.left + r.width + 25, r.top + r.height + 25
    image[max(y0, 0):y1, max(x0, 0):x1] = 255
    return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes()


@pytest.fixture()
def sheet(db, factory, people, client):
    """A Da Nang sheet (phone and citizen-ID grids, written digits) scanned twice: as it is
    (read) and with its QR code whited out (rejected)."""
    survey = factory.survey("SCAN-PII", agencies=[factory.agency()])
    approved_version(db, survey, people, "danang-2025")
    printed = print_batch(survey, {"count": 1, "agency_id": survey.scope[0].agency_id},
                          people["manager"])
    db.session.commit()
    first = batch_scans(printed, scan=Scan(skew=0.5, noise=2, jpeg=85))[0]
    c = _as(client, people["scanner"])
    for name, data in (("read.png", first.data), ("noqr.jpg", _without_qr(first.data))):
        c.post("/scans/", content_type="multipart/form-data", data={
            "csrf_token": csrf_token(c, "/scans/"), "survey": str(survey.id),
            "files": [(io.BytesIO(data), name)]})
    pages = db.session.scalars(select(ScanPage).order_by(ScanPage.id)).all()
    read = next(p for p in pages if p.status == PageStatus.READ)
    rejected = next(p for p in pages if p.status == PageStatus.REJECTED)
    return survey, read, rejected


def _image(resp) -> np.ndarray:
    assert resp.status_code == 200, resp.status_code
    assert resp.headers["Cache-Control"] == "private, no-store"
    image = cv2.imdecode(np.frombuffer(resp.data, np.uint8), cv2.IMREAD_GRAYSCALE)
    resp.close()
    return image


def _sharpness(image: np.ndarray) -> float:
    return float(cv2.Laplacian(image, cv2.CV_64F).var())


def test_a_rejected_page_is_only_a_blurred_preview_without_the_right(db, client, people,
                                                                     sheet):
    survey, _read, rejected = sheet
    assert rejected.reason and not rejected.upright
    stored = storage.load_grey(rejected.image_path)
    scanner = _as(client, people["scanner"])
    shown = _image(scanner.get(f"/scans/pages/{rejected.id}/image.jpg"))
    assert max(shown.shape) <= storage.BLUR_SIDE < max(stored.shape) / 3
    plain_small = cv2.resize(stored, (shown.shape[1], shown.shape[0]),
                             interpolation=cv2.INTER_AREA)
    assert _sharpness(shown) < _sharpness(plain_small) / 5  # and blurred on top
    html = scanner.get(f"/scans/pages/{rejected.id}").get_data(as_text=True)
    assert 'id="blurred-note"' in html
    # The holder of the right sees the stored preview as it is.
    grant_contact_access(people["manager"], {"survey_id": survey.id}, people["manager"])
    db.session.commit()
    manager = _as(client, people["manager"])
    full = _image(manager.get(f"/scans/pages/{rejected.id}/image.jpg"))
    assert full.shape == stored.shape
    assert 'id="blurred-note"' not in manager.get(
        f"/scans/pages/{rejected.id}").get_data(as_text=True)
    # The read page's text shows the plain phone to the holder: never cached either.
    assert manager.get(f"/scans/pages/{_read.id}").headers["Cache-Control"] == \
        "private, no-store"
    assert "no-store" not in scanner.get(f"/scans/pages/{_read.id}").headers.get(
        "Cache-Control", "")


def test_a_read_page_is_painted_over_and_no_store(db, client, people, sheet):
    survey, read, _rejected = sheet
    scanner = _as(client, people["scanner"])
    shown = _image(scanner.get(f"/scans/pages/{read.id}/image.jpg"))
    for x, y, w, h in contact_areas(read):
        s = read.scale
        # One JPEG block (8 px) in: blocks straddling the painted edge ring with the
        # handwriting just outside it (a few levels), which says nothing of what was painted.
        patch = shown[int(y * s) + 8:int((y + h) * s) - 8, int(x * s) + 8:int((x + w) * s) - 8]
        assert patch.size and int(np.ptp(patch)) <= 8  # flat grey: digits and grid gone


def test_a_crop_is_cut_from_the_painted_page(db, client, people, sheet):
    """A crop reaching into a grid shows the grid painted over too (no form here has one
    that does: a box row is moved next to the phone grid to make one)."""
    survey, read, _rejected = sheet
    [(x, y, w, h)] = [a for a in contact_areas(read)][:1]
    other = next(b for b in read.boxes if not is_contact(b["question"]))
    moved = dict(other, question="q_near", x=x + w / 2, y=y + h + 2)
    read.boxes = [*read.boxes, moved]
    db.session.commit()
    scanner = _as(client, people["scanner"])
    crop = _image(scanner.get(f"/scans/pages/{read.id}/crop/q_near.png"))
    qx, qy, _qw, qh = storage.question_rect([moved], 595.0)
    s = read.scale * round(crop.shape[0] / (qh * read.scale))  # crops under 400 px are doubled

    def grid_part(image):  # the strip of the crop that lies inside the grid's area
        return image[int((y + h - 10 - qy) * s):int((y + h - 1 - qy) * s),
                     int((x - qx) * s) if x > qx else 0:int((x + w - qx) * s)]

    assert grid_part(crop).size and int(np.ptp(grid_part(crop))) <= 10  # flat grey
    grant_contact_access(people["manager"], {"survey_id": survey.id}, people["manager"])
    db.session.commit()
    full = _image(_as(client, people["manager"]).get(f"/scans/pages/{read.id}/crop/q_near.png"))
    assert full.shape == crop.shape and int(np.ptp(grid_part(full))) > 60  # the grid's lines


def test_text_regions_are_no_store(db, client, people, sheet):
    region = db.session.scalars(select(TextRegion)).first()
    if region is None:
        pytest.skip("this form has no free-text region")
    scanner = _as(client, people["scanner"])
    _image(scanner.get(f"/scans/text/{region.id}.png"))


def _rendered_form(tmp_path) -> tuple[np.ndarray, float, list[dict]]:
    """Page 1 of the Da Nang form as printed, rendered at 150 dpi by poppler, and its grid."""
    pdf, layout = printed("danang-2025")
    (tmp_path / "form.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-f", "1", "-l", "1",
                    str(tmp_path / "form.pdf"), str(tmp_path / "page")], check=True)
    image = cv2.imread(str(next(tmp_path.glob("page*.png"))), cv2.IMREAD_GRAYSCALE)
    grid = [b for b in layout["pages"][0]["boxes"] if b["question"] == "phone"]
    return image, image.shape[1] / 595.0, grid


def test_a_blurred_preview_is_the_same_whatever_was_marked_or_written(tmp_path):
    """From a different angle than the reader: the printed form rendered by poppler, a box
    filled by hand-drawn ink, digits written above the grid. Blurring alone kept a trace of
    which box was filled; the preview must not depend on it at all."""
    image, s, grid = _rendered_form(tmp_path)

    def filled(position: int, digit: int, written: str) -> np.ndarray:
        out = image.copy()
        b = next(b for b in grid if b["position"] == position and b["option"] == str(digit))
        cv2.rectangle(out, (int(b["x"] * s) + 2, int(b["y"] * s) + 2),
                      (int((b["x"] + b["w"]) * s) - 2, int((b["y"] + b["h"]) * s) - 2), 25, -1)
        cv2.putText(out, written, (int(grid[0]["x"] * s), int((grid[0]["y"] - 8) * s)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.9, 20, 3)
        return out

    base = storage.blur_preview(filled(0, 0, "0905"))
    assert max(base.shape) <= storage.BLUR_SIDE
    for position in range(10):
        for a, b in ((0, 9), (2, 8), (4, 5)):
            one = storage.blur_preview(filled(position, a, "0905 123 456"))
            other = storage.blur_preview(filled(position, b, "0912 987 654"))
            assert np.array_equal(one, other), (position, a, b)
    # What it still shows: the corner marks (dark in the preview's corners).
    h, w = base.shape
    assert base[: h // 10, : w // 10].min() < 100 and base[h // 2, w // 2] > 200


def test_blur_preview_refuses_bad_parameters():
    image = np.full((100, 80), 255, np.uint8)
    assert storage.blur_preview(image).shape == (100, 80)
    with pytest.raises(ValueError):
        storage.blur_preview(image, side=0)
