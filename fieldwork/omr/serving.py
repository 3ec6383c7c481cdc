"""The one way scan images leave the app: the contact-data rule, then ``private, no-store``.

A view that sends a scanned page, a crop of it or a cut-out text is decorated with
``@contact_image`` and returns an :class:`ImageCut`; the decorator decides what the signed-in
user may see. For a user without the contact-data right (``contact.may_see``):

* a page with a known layout (read or duplicate) has its phone and citizen-ID grids, with the
  digits written above them, painted over, and so has any crop cut from it;
* a page without a known layout (rejected: no QR, bad alignment, unknown form...) could show
  the contact data anywhere, so only a blurred, low-resolution preview is sent.

Every such response is ``Cache-Control: private, no-store``. ``tests/omr/test_image_routes.py``
walks the URL map and fails on a route that sends an image without passing through here
(or being listed as free of contact data).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import wraps

import numpy as np
from flask import abort, send_file
from flask_login import current_user

from . import storage
from .contact import is_contact, may_see, unseal
from .geometry import A4
from .models import ScanPage, TextRegion

NO_STORE = "private, no-store"


@dataclass(frozen=True)
class ImageCut:
    """What a view wants to send: a whole page, one question's crop, or a text region."""

    page: ScanPage
    question: str | None = None
    region: TextRegion | None = None


def contact_areas(page: ScanPage) -> list[tuple[float, float, float, float]]:
    """Where an upright page shows contact data (grids of phone and citizen ID), in points:
    the areas its layout declares (written digits and bubbles), and in any case each grid's
    boxes with a margin (older layouts declare none)."""
    from .contact import declared_areas

    declared = declared_areas(page) or []
    by_q: dict[str, list[dict]] = {}
    for b in page.boxes or []:
        if is_contact(b["question"]):
            by_q.setdefault(b["question"], []).append(b)
    return declared + [storage.question_rect(rows, A4[0]) for rows in by_q.values()]


def known_layout(page: ScanPage) -> bool:
    """True when the stored image is the aligned page and its boxes are known."""
    return bool(page.upright and page.boxes)


def visible_page(page: ScanPage, entitled: bool) -> np.ndarray | None:
    """The stored page image as a user may see it (None if the file is missing)."""
    image = storage.load_grey(page.image_path) if page.image_path else None
    if image is None or entitled:
        return image
    if known_layout(page):
        return storage.redact(image, contact_areas(page), page.scale)
    return storage.blur_preview(image)


def _encode(image: np.ndarray, ext: str) -> bytes:
    import cv2

    ok, buf = cv2.imencode(ext, np.ascontiguousarray(image))
    if not ok:
        abort(500)
    return buf.tobytes()


def render(cut: ImageCut, user) -> tuple[bytes, str]:
    """The bytes and MIME type of ``cut`` as ``user`` may see it (404 missing, 403 refused)."""
    if cut.region is not None:
        # A free-text answer: the person keying it must read it; no grid lies inside one.
        path = storage.absolute(cut.region.image_path)
        if not path.is_file():
            abort(404)
        return path.read_bytes(), "image/png"
    page = cut.page
    # A page whose QR was not read belongs to no survey yet: the batch's survey decides.
    entitled = may_see(user, page.survey_id or page.batch.survey_id)
    if cut.question is None:
        path = storage.absolute(page.image_path) if page.image_path else None
        if path is None or not path.is_file():
            abort(404)
        if entitled:  # the stored file as it is
            return path.read_bytes(), "image/jpeg"
        return _encode(visible_page(page, entitled), ".jpg"), "image/jpeg"
    from .verify import crop_png

    boxes = None
    if is_contact(cut.question):
        if not entitled:
            abort(403)
        answer = next((a for a in page.answers if a.question == cut.question), None)
        boxes = unseal(answer.secret)["boxes"] if answer is not None else None
    image = visible_page(page, entitled)
    data = crop_png(page, cut.question, boxes, image) if image is not None else None
    if data is None:
        abort(404)
    return data, "image/png"


def contact_image(view):
    """Decorate a view returning an :class:`ImageCut`: apply the rule, send it ``no-store``."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        data, mimetype = render(view(*args, **kwargs), current_user)
        resp = send_file(io.BytesIO(data), mimetype=mimetype, max_age=0)
        resp.headers["Cache-Control"] = NO_STORE
        return resp

    wrapped.contact_image = True
    return wrapped
