"""Reading one scanned page: QR, MAC, layout, corner marks, homography, boxes, answers.

``read_page`` is pure: pixels and a key in, a ``PageResult`` out.  Knowledge of
surveys and print batches comes in through ``resolve(payload) -> layout dict``,
which raises ``Rejected`` for a sheet that must not be read (another survey, a
pilot sheet in a live batch, an unknown serial...).  A page that cannot be read
is never guessed: it comes back ``rejected`` with a reason code and a detail.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .align import (
    MarkQuad,
    find_marks,
    homography,
    ink_mask,
    pixels_per_point,
    project,
    reduce,
    warp,
)
from .geometry import A4, Rect, corner_marks, mark_centers, qr_rect, rect_array
from .judge import Answer, judge_page
from .marks import darkness, measure
from .qr import QRHit, decode_anywhere, decode_region
from .register import Unregistered, from_qr, refine

SCALE = 2.0  # pixels per point of the upright page that boxes are measured on (144 dpi)
QR_MODULES = 37  # modules across the printed QR square, quiet zone included (version 3)
UNSEEN = 0.3  # a box whose outline shows less than this share of the page's usual is hidden


class Rejected(Exception):
    """A page that must not be read: ``code`` says why (see ``REASONS``), ``detail`` how."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code, self.detail = code, detail


@dataclass
class PageResult:
    """What was read from one page, or why it was rejected."""

    status: str  # "read" or "rejected"
    reason: str | None = None
    detail: str = ""
    payload: object | None = None  # forms.qrpayload.QRPayload
    rotation: int | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    boxes: list[dict] = field(default_factory=list)
    page: np.ndarray | None = None  # the page upright at ``scale`` pixels per point
    scale: float = SCALE
    layout_page: dict | None = None
    seconds: float = 0.0


Resolver = Callable[[object], dict]
_DEFAULT_MARKS = corner_marks(A4)
_DEFAULT_QR = qr_rect(A4)


def _find_qr(gray: np.ndarray, quad: MarkQuad | None,
             anywhere: bool = True) -> tuple[QRHit | None, int | None]:
    """The QR code, looked for where it is printed in each orientation the marks allow."""
    default = np.array(mark_centers(_DEFAULT_MARKS))
    qr = _DEFAULT_QR.inset(-0.25 * _DEFAULT_QR.w)
    corners = [(qr.x, qr.y), (qr.right, qr.y), (qr.x, qr.bottom), (qr.right, qr.bottom)]
    expected = {}
    if quad is not None:
        for rotation in quad.rotations():
            h = homography(default, quad.page_points(rotation))
            module = pixels_per_point(h) * _DEFAULT_QR.w / QR_MODULES
            region = project(h, corners)
            expected[rotation] = project(h, [_DEFAULT_QR.center])[0]
            hit = decode_region(gray, region, module)
            if hit is not None:
                return hit, rotation
    if quad is None:
        hit = _qr_in_corners(gray)
        if hit is not None:
            return hit, None
    if not anywhere:
        return None, None
    hits = decode_anywhere(gray)
    if not hits:
        return None, None
    if not expected:
        return hits[0], None
    # Several codes or none where expected: take the one nearest a printed QR position.
    best = min(((np.linalg.norm(np.subtract(h.center, c)), h, r)
                for h in hits for r, c in expected.items()), key=lambda t: t[0])
    return best[1], best[2]


def _qr_in_corners(gray: np.ndarray) -> QRHit | None:
    """The QR code looked for in the four corners of the image (a page printed near the
    paper's corner, however it lies), at the module size a page filling the image has."""
    hgt, wid = gray.shape
    side = 0.36 * min(hgt, wid)
    module = min(hgt, wid) / A4[0] * _DEFAULT_QR.w / QR_MODULES
    corners = ((wid - side, 0), (0, 0), (0, hgt - side), (wid - side, hgt - side))
    for tries in (2, 5):  # every corner the cheap ways first
        for x, y in corners:
            hit = decode_region(gray, np.array([(x, y), (x + side, y + side)]), module, tries)
            if hit is not None:
                return hit
    return None


def _working(gray: np.ndarray, scale: float) -> tuple[np.ndarray, int]:
    """The scan shrunk by a whole factor to about ``scale`` px/pt (fast for 300-600 dpi)."""
    import cv2

    k = int(max(gray.shape) / A4[1] / (scale * 1.05))
    if k < 2:
        return gray, 1
    h, w = gray.shape
    small = cv2.resize(gray[:h - h % k, :w - w % k], (w // k, h // k),
                       interpolation=cv2.INTER_AREA)
    return small, k


def _locate(gray: np.ndarray, scale: float):
    """Marks, QR and orientation on a working copy; full resolution only if the QR needs it."""
    work, k = _working(gray, scale)
    quad = find_marks(work)
    hit, rotation = _find_qr(work, quad, anywhere=k == 1)
    if hit is None and k > 1:
        big = None if quad is None else MarkQuad(quad.points * k, quad.side * k)
        hit, rotation = _find_qr(gray, big)
        if hit is not None:
            hit = hit.moved(k)
    return work, quad, hit, rotation


def _payload(text: bytes, key: bytes):
    from fieldwork.forms.qrpayload import PREFIX, QRPayloadError, verify

    try:
        return verify(text, key)
    except QRPayloadError as exc:
        raw = text.decode("ascii", "replace")
        if raw.startswith(PREFIX + "|") and raw.count("|") == 6:
            raise Rejected("bad_mac", str(exc)) from None
        raise Rejected("foreign_qr", f"the QR code is not a fieldwork form code: {raw[:40]!r}") \
            from None


def _layout_page(layout: dict, payload) -> dict:
    pages = layout.get("pages") or []
    if not 1 <= payload.page <= len(pages):
        raise Rejected("bad_page", f"page {payload.page} of a {len(pages)}-page form")
    if layout.get("survey") != payload.survey or int(layout.get("version", -1)) != \
            payload.version:
        raise Rejected("layout_mismatch", "the layout belongs to another survey or version")
    return pages[payload.page - 1]


def _qr_fits(h: np.ndarray, page: dict, hit: QRHit) -> bool:
    """Whether the decoded QR sits where this layout prints it (else marks were mismatched)."""
    qr = Rect.from_dict(page["qr"])
    where = project(h, [qr.center])[0]
    return bool(np.linalg.norm(where - np.array(hit.center)) <= 0.35 * qr.w * pixels_per_point(h))


def _register(work: np.ndarray, quad: MarkQuad | None, rotation: int | None, hit: QRHit,
              page: dict, size: tuple, scale: float) -> tuple[np.ndarray, int]:
    """Points-to-pixels transform and rotation: the four marks, else QR, marks left and boxes."""
    if quad is not None and rotation is not None:
        layout_marks = np.array(mark_centers(page["corner_marks"]))
        h = homography(layout_marks, quad.page_points(rotation))
        if _qr_fits(h, page, hit):
            return h, rotation
    try:
        h, rotation, _ = from_qr(work, hit, page)
        return refine(work, h, page, size, scale), rotation
    except Unregistered as exc:
        raise Rejected("not_located", f"{exc} (corner marks covered, torn off or outside "
                                      "the scan)") from None


def _unseen(shape: tuple, h: np.ndarray, boxes: list[dict], outline: np.ndarray) -> set[str]:
    """Questions with a box outside the image, or whose printed outline is hidden."""
    if not boxes:
        return set()
    r = rect_array(boxes)
    centres = project(h, r[:, :2] + r[:, 2:] / 2)
    margin = 0.7 * r[:, 2] * pixels_per_point(h)
    inside = (centres[:, 0] > margin) & (centres[:, 1] > margin) & \
        (centres[:, 0] < shape[1] - margin) & (centres[:, 1] < shape[0] - margin)
    usual = float(np.median(outline))
    hidden = (outline < UNSEEN * usual) if usual > 0.3 else np.zeros(len(boxes), bool)
    return {b["question"] for b, ok, hid in zip(boxes, inside, hidden, strict=True)
            if not ok or hid}


def _doubt(answers: dict[str, Answer], statuses: tuple, note: str) -> None:
    for answer in answers.values():
        if answer.status in statuses:
            answer.status, answer.note, answer.confidence = "doubtful", note, 0.3


def read_page(gray: np.ndarray, key: bytes, resolve: Resolver, scale: float = SCALE,
              keep_page: bool = True) -> PageResult:
    """Read one grey page image; never raises for bad content, only for bad arguments."""
    if not isinstance(gray, np.ndarray) or gray.ndim != 2 or gray.dtype != np.uint8:
        raise ValueError("gray must be a 2-D uint8 array")
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    started = time.perf_counter()
    result = PageResult("rejected", scale=scale)
    try:
        _read(gray, key, resolve, scale, result, keep_page)
        result.status = "read"
    except Rejected as exc:
        result.reason, result.detail = exc.code, exc.detail
    result.seconds = time.perf_counter() - started
    return result


def _one_bit(gray: np.ndarray) -> bool:
    """Whether a page holds only black and white (a one-bit scan, maybe dithered)."""
    sample = gray[::17, ::13]
    return bool(np.count_nonzero((sample > 0) & (sample < 255)) < 0.002 * sample.size)


def _read(gray, key, resolve, scale, result: PageResult, keep_page: bool) -> None:
    if _one_bit(gray):
        # Dithered grey (pencil, light ink) is a scatter of black dots: averaged over a few
        # pixels it is grey again, as the reader measures everything else.
        import cv2

        gray = cv2.blur(gray, (3, 3))
    work, quad, hit, rotation = _locate(gray, scale)
    if hit is None:
        small, _ = reduce(gray, 600)
        if ink_mask(small, 40).mean() < 0.002:
            raise Rejected("blank_page", "the page has no print on it")
        raise Rejected("no_qr", "no readable QR code: not a fieldwork form, or the code is "
                                "covered, torn or badly printed")
    payload = result.payload = _payload(hit.text, key)
    layout = resolve(payload)
    page = result.layout_page = _layout_page(layout, payload)
    size = tuple(layout.get("page_size") or A4)
    h, rotation = _register(work, quad, rotation, hit, page, size, scale)
    result.rotation = rotation
    upright = warp(work, h, size, scale)
    mark_rects = rect_array(page["corner_marks"], scale)
    dark, _ = darkness(upright, mark_rects, 2.0 * mark_rects[0, 2])
    boxes = page["boxes"]
    measures = measure(dark, boxes, scale)
    result.answers, result.boxes = judge_page(layout, boxes, measures, dark)
    unseen = _unseen(work.shape, h, boxes, measures.outline)
    if unseen:
        # Boxes outside the scan, or under something (a finger, another sheet, a torn
        # corner): what they hold is not known, so their questions go to a person.
        _doubt({q: a for q, a in result.answers.items() if q in unseen}, ("ok", "blank"),
               "not visible")
    if len(boxes) >= 8 and np.mean(measures.outline > 0.15) < 0.3:
        # The printed box outlines are not where the layout puts them (or not visible at
        # all): nothing on this page is trusted without a person looking.
        _doubt(result.answers, ("ok", "blank"), "alignment")
    else:
        blank = [a for a in result.answers.values() if a.status == "blank"]
        if len(result.answers) >= 3 and len(blank) >= max(2, 0.5 * len(result.answers)):
            # Most questions without a mark: faint pencil lost by a one-bit scanner, or ink
            # the scanner dropped, looks the same.
            _doubt(result.answers, ("blank",), "empty page")
    if keep_page:
        result.page = upright
