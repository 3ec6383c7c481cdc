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

from .align import pixels_per_point, project, warp
from .geometry import A4, rect_array
from .judge import Answer, judge_page
from .locate import Unlocated, is_blank, locate, register
from .marks import darkness, measure

SCALE = 2.0  # pixels per point of the upright page that boxes are measured on (144 dpi)
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


def _unseen(shape: tuple, h: np.ndarray, boxes: list[dict], outline: np.ndarray,
            ringed: np.ndarray | None = None) -> set[str]:
    """Questions with a box outside the image, or whose printed outline is hidden (not by a
    ring drawn round it: ``ringed``)."""
    if not boxes:
        return set()
    r = rect_array(boxes)
    centres = project(h, r[:, :2] + r[:, 2:] / 2)
    margin = 0.7 * r[:, 2] * pixels_per_point(h)
    inside = (centres[:, 0] > margin) & (centres[:, 1] > margin) & \
        (centres[:, 0] < shape[1] - margin) & (centres[:, 1] < shape[0] - margin)
    usual = float(np.median(outline))
    hidden = (outline < UNSEEN * usual) if usual > 0.3 else np.zeros(len(boxes), bool)
    if ringed is not None:
        hidden &= ~ringed
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


def _one_bit(gray: np.ndarray, grey: float = 0.002) -> bool:
    """Whether a page holds only black and white (a one-bit scan, maybe dithered), but for
    ``grey`` of its pixels (a one-bit scan put in a PDF and resampled has grey edges)."""
    sample = gray[::17, ::13]
    return bool(np.count_nonzero((sample > 0) & (sample < 255)) < grey * sample.size)


def _read(gray, key, resolve, scale, result: PageResult, keep_page: bool) -> None:
    # Grey scans keep between 57 % and all of their pixels grey on the tuning sets, one-bit
    # ones at most 4 % (their edges resampled inside a PDF).
    thresholded = _one_bit(gray, 0.1)
    if _one_bit(gray):
        # Dithered grey (pencil, light ink) is a scatter of black dots: averaged over a few
        # pixels it is grey again, as the reader measures everything else.
        import cv2

        gray = cv2.blur(gray, (3, 3))
    work, quad, hit, rotation = locate(gray, scale)
    if hit is None:
        if is_blank(gray):
            raise Rejected("blank_page", "the page has no print on it")
        raise Rejected("no_qr", "no readable QR code: not a fieldwork form, or the code is "
                                "covered, torn or badly printed")
    payload = result.payload = _payload(hit.text, key)
    layout = resolve(payload)
    page = result.layout_page = _layout_page(layout, payload)
    size = tuple(layout.get("page_size") or A4)
    try:
        h, rotation = register(work, quad, rotation, hit, page, size, scale)
    except Unlocated as exc:
        raise Rejected("not_located", str(exc)) from None
    result.rotation = rotation
    upright = warp(work, h, size, scale)
    mark_rects = rect_array(page["corner_marks"], scale)
    dark, _ = darkness(upright, mark_rects, 2.0 * mark_rects[0, 2])
    boxes = page["boxes"]
    measures = measure(dark, boxes, scale)
    result.answers, result.boxes = judge_page(layout, boxes, measures, dark)
    unseen = _unseen(work.shape, h, boxes, measures.outline,
                     np.array([r.get("ringed", False) for r in result.boxes], bool))
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
        if thresholded and len(result.answers) >= 3 and \
                len(blank) >= max(2, 0.5 * len(result.answers)):
            # Most questions without a mark on a one-bit scan: pencil lighter than the
            # scanner's threshold is lost whole, and looks like questions skipped. A grey scan
            # keeps pencil as grey (read, or doubted as light): there a page of blanks is a
            # respondent who skipped questions.
            _doubt(result.answers, ("blank",), "empty page")
    if keep_page:
        result.page = upright
