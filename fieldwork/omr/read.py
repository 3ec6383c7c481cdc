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
from itertools import chain

import numpy as np

from . import order, streaks, traces
from .align import in_view, pixels_per_point, project, warp
from .geometry import A4, rect_array
from .grids import ringed_boxes
from .judge import Answer, call_page, judge_called
from .levels import CLEAR
from .locate import Unlocated, is_blank, locate, placings, register
from .marks import SEARCH_PT, darkness, integral, measure, outlines
from .qr import decode_anywhere
from .register import MIN_ANCHORS, Unregistered

SCALE = 2.0  # pixels per point of the upright page that boxes are measured on (144 dpi)
UNSEEN = 0.3  # a box whose outline shows less than this share of the page's usual is hidden
WIDE_PT = 8.0  # a box faint and empty where it is measured: its outline looked for this far
LOST = 0.8  # ... found beyond SEARCH_PT at least this clear (of the page's clear outlines): off
MISPLACED = 0.05  # more of the clearly printed boxes than this measured off their outlines:
# the page is placed wrongly (on the tuning sets 0 on every page but one misregistered, 0.23)
DITHERED = 0.15  # a one-bit page with more lone black pixels than this share is dithered
INNER = 0.2  # ... counted inside this share of the page's width and height from its edges
MARK_INK = 0.5  # ... placed again only where two corner marks are at least this dark
BOLD_DPI = 250  # a one-bit scan thresholded at one level below this resolution may print box
# outlines a pixel bolder (every such box of the tuning sets: 150 dpi); at 300 dpi and on
# dithered pages a thin ring right against an outline was lost more often than on d8b1ce4
TRACED = 0.6  # the confidence of an answer read from its pencil trace (``_traced``)
IN_VIEW = 0.5  # a page placed with less of its area than this inside the scan is not the page
# scanned (a sheet lying over it, its QR code in view and the rest beyond the scan's edge):
# every page of p65 was placed with at least 0.9 in view, such sheets' codes placed 0.25-0.32


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
    usual = float(order.median(outline))
    hidden = (outline < UNSEEN * usual) if usual > 0.3 else np.zeros(len(boxes), bool)
    if ringed is not None:
        hidden &= ~ringed
    return {b["question"] for b, ok, hid in zip(boxes, inside, hidden, strict=True)
            if not ok or hid}


def _measured(work: np.ndarray, h: np.ndarray, page: dict, size: tuple,
              scale: float) -> tuple:
    """The page flattened by ``h``, its dark ink, its box measures and the raw darkness of
    the corner marks where ``h`` puts them (the second darkest: see ``darkness``)."""
    upright = warp(work, h, size, scale)
    mark_rects = rect_array(page["corner_marks"], scale)
    dark, ink = darkness(upright, mark_rects, 2.0 * mark_rects[0, 2])
    return upright, dark, measure(dark, page["boxes"], scale), ink


def _placed(work: np.ndarray, h: np.ndarray, others, layout: dict, page: dict, size: tuple,
            scale: float, result: PageResult, grey: bool = True, bold: bool = False) -> tuple:
    """The transform whose boxes sit on their printed outlines (``h`` first, then the
    ``others``, built lazily), with the page it flattens, its dark ink, box measures and the
    boxes with a ring drawn round them; the answers read on it go into ``result``."""
    # When the boxes are measured off their printed outlines, a corner mark used was not this
    # sheet's (another sheet lies over it, with its own marks) or was misread: the page is
    # placed without each mark in turn, then from its QR code and printed box outlines. A
    # placing is taken only with at least two corner marks printed black where it puts them
    # (boxes of a grid shifted by one column also sit on printed outlines). Boxes further off
    # their outlines than ``measure`` looks (``_lost``) count as off too; where no placing puts
    # them on their outlines (another sheet's print beside this page's hidden boxes), the first
    # placing whose other boxes are on theirs is taken, as before.
    # A placing is judged in full (its questions: a digit grid's ring rules are the costly
    # part, and on another sheet's ink they are slow) only when the boxes' outlines leave its
    # test open; else its questions' answers are never used (but a rejected page keeps the
    # last placing's, as when every placing was judged).
    kinds = {q["code"]: q.get("kind") for q in layout.get("questions", [])}
    grid: dict[tuple, list[int]] = {}
    for i, b in enumerate(page["boxes"]):
        if kinds.get(b["question"]) in ("digits", "date"):
            grid.setdefault((b["question"], b.get("position")), []).append(i)
    columns = [np.array(g) for g in grid.values()]
    pending = fallback = None
    try:
        for n, at in enumerate(chain([h], others)):
            upright, dark, m, ink = _measured(work, at, page, size, scale)
            if n and ink < MARK_INK:
                continue
            called = call_page(layout, page["boxes"], m, dark, grey, bold)
            off = _off(dark, m, scale)
            # Judging a digit grid rings at most one more box of a column, a clean one (the
            # ring read as the column's digit: ``grids._pen_ring``, ``_light_ring``).
            least = np.asarray(ringed_boxes(called.calls), bool)
            clean = np.asarray(called.calls.net) < CLEAR
            pending = called
            if surely_misplaced(off, m.outline, least, [g[clean[g]] for g in columns], n > 0):
                continue
            pending = None
            result.answers, result.boxes = judge_called(called)
            ringed = np.array([r.get("ringed", False) for r in result.boxes], bool)
            off &= ~ringed
            if _misplaced(off, m, ringed, n > 0) > MISPLACED:
                continue
            placed = (at, upright, dark, m, ringed)
            if _misplaced(off | (_lost(dark, m, scale) & ~ringed), m, ringed,
                          n > 0) <= MISPLACED:
                return placed
            fallback = fallback or (result.answers, result.boxes, placed)
    except Unregistered as exc:
        if fallback is None:
            _settle(pending, result)
            raise Rejected("not_located", f"{exc} (the corner marks and the printed boxes "
                                          "disagree: another sheet over this one?)") from None
    if fallback is not None:
        result.answers, result.boxes = fallback[0], fallback[1]
        return fallback[2]
    _settle(pending, result)
    raise Rejected("not_located", "the printed boxes are not where the corner marks and the "
                                  "QR code put them (another sheet over this one, or a "
                                  "crumpled page)")


def _settle(pending, result: PageResult) -> None:
    """The answers of the last placing tried, when it was not judged in full (see ``_placed``)."""
    if pending is not None:
        result.answers, result.boxes = judge_called(pending)


def _off(dark: np.ndarray, m, scale: float) -> np.ndarray:
    """Boxes measured off a clear printed outline found beside them: exactly where the box is
    measured its outline is much fainter than the one found near it (a page placed wrongly)."""
    if not len(m.outline):
        return np.zeros(0, bool)
    ii = m.integral if m.integral is not None else integral(dark)  # measure's, if kept
    _, exact = outlines(ii, m.rects, scale, 0.0)
    usual = float(order.median(m.outline))
    return (m.outline > 0.5 * usual) & (exact < 0.5 * m.outline) & (exact < UNSEEN * usual)


def _lost(dark: np.ndarray, m, scale: float) -> np.ndarray:
    """Boxes placed further off their outlines than ``measure`` looks (a corner mark of another
    sheet lying over this one taken for this page's own): faint and empty where they are
    measured, as clear an outline as the page's printed boxes show a few points away."""
    lost = np.zeros(len(m.outline), bool)
    if len(m.outline) < 8:
        return lost
    clear = float(np.quantile(m.outline, 0.75))
    faint = np.flatnonzero((m.outline < 0.5 * clear) & (m.fill < 0.25))
    if len(faint):
        ii = m.integral if m.integral is not None else integral(dark)
        shift, wide = outlines(ii, m.rects[faint], scale, WIDE_PT)
        # ... the way their clear neighbours were found off already, by half the search at
        # least (the page stretched: not another sheet's print beside a hidden box)
        along = m.offsets[faint]
        lost[faint] = (wide > LOST * clear) & \
            (np.abs(shift).max(axis=1) > SEARCH_PT * scale) & \
            (np.abs(along).max(axis=1) > 0.5 * SEARCH_PT * scale) & \
            (np.einsum("ij,ij->i", shift, along) > 0)
    return lost


def surely_misplaced(off: np.ndarray, outline: np.ndarray, least: np.ndarray,
                     open_: list[np.ndarray] = (), other: bool = False) -> bool:
    """Whether ``_misplaced`` exceeds ``MISPLACED`` whichever boxes are ringed: all of
    ``least`` and at most one more box of each group in ``open_`` (index arrays; ``off``:
    the boxes measured off their outline, ringed or not). Ringing a box takes it out of both
    the boxes off their outline and the clear ones: the share off is at least the fewest
    off over the most clear, and the clear boxes on their outline are at most those with the
    fewest ringed."""
    if len(off) < 8:
        return False
    clear = outline > 0.5 * float(order.median(outline))
    if other and np.count_nonzero(clear & ~least & ~off) < max(MIN_ANCHORS, 0.5 * len(off)):
        return True
    left = off & ~least
    fewest = np.count_nonzero(left) - sum(bool(left[g].any()) for g in open_ if len(g))
    return float(fewest) / max(int(np.count_nonzero(clear & ~least)), 1) > MISPLACED


def _misplaced(off: np.ndarray, m, ringed: np.ndarray, other: bool = False) -> float:
    """The share of the boxes with a clear printed outline (no ring round them) that are
    measured off it; for a placing ``other`` than the first, 1 unless most boxes show a clear
    outline where it puts them (see ``register.MIN_ANCHORS``)."""
    if len(off) < 8:
        return 0.0
    clear = (m.outline > 0.5 * float(order.median(m.outline))) & ~ringed
    if other and np.count_nonzero(clear & ~off) < max(MIN_ANCHORS, 0.5 * len(off)):
        return 1.0
    return float(np.count_nonzero(off)) / max(int(np.count_nonzero(clear)), 1)


def _doubt(answers: dict[str, Answer], statuses: tuple, note: str) -> None:
    for answer in answers.values():
        if answer.status in statuses:
            answer.status, answer.note, answer.confidence = "doubtful", note, 0.3


def _traced(answers: dict[str, Answer], boxes: list[dict], raw: np.ndarray,
            blurred: np.ndarray, mended: np.ndarray, work: np.ndarray, h: np.ndarray,
            measures, scale: float, empty: bool, light: bool) -> None:
    """Single choices on a one-bit page thresholded at one level, from the pencil traces in
    their boxes (``traces``): a blank one whose one box holds a clear trace is read, and so is
    one doubted as a light mark in the box holding its one trace (off a page of blanks, specks
    spread both ways: ``traces.ACROSS``); on a page whose pencil is lost to the threshold
    (``empty``: most questions blank, or ``light``: a light mark), one read from a mark with a
    clear trace where the reader saw no ink in another box is doubted (a second answer lost).
    ``boxes``: the page's judged boxes (``judge_called``)."""
    def wanted(a: Answer) -> bool:
        if a.kind != "single" or len(a.boxes) < 2:
            return False
        if a.status == "blank" or a.status == "doubtful" and a.note == "light" and \
                len(a.values) == 1:
            return True
        return (empty or light) and a.status == "ok" and a.note != "pencil trace" and \
            len(a.values) == 1

    todo = [a for a in answers.values() if wanted(a)]
    if not todo:
        return
    k = max(1, raw.shape[1] // max(work.shape[1], 1))  # ``work``: the scan shrunk by k
    native = np.array([[k, 0, (k - 1) / 2], [0, k, (k - 1) / 2], [0, 0, 1]]) @ h
    idx = [i for a in todo for i in a.boxes]
    found, s = traces.traces(raw, native, measures.rects[idx] / scale, blurred, mended)
    at = 0
    for a in todo:
        rows, at = found[at:at + len(a.boxes)], at + len(a.boxes)
        opts = [boxes[i]["option"] for i in a.boxes]
        if a.status == "ok":
            clean = np.array([not boxes[i]["marked"] for i in a.boxes])
            more = traces.lost(rows, opts.index(a.values[0]), clean, s)
            if more:
                a.values = [o for j, o in enumerate(opts) if j in more or o == a.values[0]]
                a.status, a.note, a.confidence = "doubtful", "pencil lost", 0.4
            continue
        j = traces.traced(rows, s)
        # Off a page of blanks the specks must spread both ways, as a fill's grains do (q83
        # sipas 47 p2: a scanner's streak broken into three dots a pixel apart, read "male");
        # on one, three specks or more, or specks with ink round the box, must spread both ways
        # a tenth of the box (a streak's dots on a page turned a degree or three drift a pixel
        # or two across it, past the streak test's one pixel column, and run on beyond the box;
        # two specks inside lie as they fall: q46 holds 11 right reads of two within a tenth)
        if j is not None and (a.status == "blank" or a.values == [opts[j]]) and \
                (empty and a.status == "blank" and (rows[j, 3] < 3 and not rows[j, 1] or
                                                    rows[j, 5] >= 100 * traces.SPREAD)
                 or rows[j, 5] >= 100 * traces.ACROSS):
            a.values, a.status = [opts[j]], "ok"
            a.confidence, a.note = TRACED, "pencil trace"


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


def _one_bit(gray: np.ndarray, grey: float = 0.1) -> bool:
    """Whether a page holds only black and white (a one-bit scan, maybe dithered), but for
    ``grey`` of its pixels (a one-bit scan put in a PDF and resampled has grey edges)."""
    sample = gray[::17, ::13]
    return bool(np.count_nonzero((sample > 0) & (sample < 255)) < grey * sample.size)


def _dithered(gray: np.ndarray) -> bool:
    """Whether a one-bit page was dithered (grey kept as a scatter of dots): on the tuning
    sets at least 25 % of the black pixels inside the page have at most one black neighbour,
    against at most 8 % on a page thresholded at one level (there only noise at the edges of
    print is). Its margins are left out: round the sheet a scanner's grey lid or a shadow
    near the threshold turns to scattered dots on a thresholded page too (one such page had
    19 % lone pixels in all)."""
    import cv2

    h, w = gray.shape
    inner = gray[int(INNER * h):h - int(INNER * h), int(INNER * w):w - int(INNER * w)]
    rows = np.linspace(0, max(inner.shape[0] - 16, 0), 24).astype(int)
    black = np.vstack([inner[y:y + 16] for y in rows]) < 128  # bands across the page: fast
    black = black.astype(np.uint8)
    cross = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], np.float32)
    near = cv2.filter2D(black, -1, cross, borderType=cv2.BORDER_CONSTANT)
    lone = np.count_nonzero(black.astype(bool) & (near <= 1))
    return lone > DITHERED * max(int(np.count_nonzero(black)), 1)


def _identified(work: np.ndarray, quad, rotation, hit, key: bytes, resolve: Resolver,
                scale: float, result: PageResult) -> tuple:
    """The layout (and its page and size) of the QR code the page is located by, and the
    transform: the code found first, else another form code on the scan (a copy of the sheet,
    or another sheet, lying over it shows its own code, which may be the one found first)."""
    unlocated, overlying = None, False
    for n, code in enumerate(chain([hit], _other_codes(work, hit))):
        try:
            payload = _payload(code.text, key)
            if n == 0:  # kept with a rejection of the page by the resolver
                result.payload = payload
            layout = resolve(payload)
            page = _layout_page(layout, payload)
            if n == 0:
                result.layout_page = page
        except Rejected:
            if n == 0:
                raise
            continue
        size = tuple(layout.get("page_size") or A4)
        marks = (quad, rotation) if n == 0 else (None, None)  # the marks agreed with the first
        try:
            h, turned = register(work, *marks, code, page, size, scale)
        except Unlocated as exc:
            unlocated = unlocated or exc
            continue
        if in_view(h, size, work.shape) < IN_VIEW:
            # The code is on another sheet lying over this one, most of that sheet beyond the
            # scan's edge: its questions are not on this scan, and reading them would file this
            # page's ink under another page. This page's own code, if in view, places it.
            overlying = True
            continue
        result.payload, result.layout_page = payload, page
        return layout, page, size, h, turned, code, marks[0]
    if unlocated is None and overlying:
        result.payload = result.layout_page = None  # the code read is not this page's
        raise Rejected("no_qr", "this page's QR code is covered: the code in view is on another "
                                "sheet lying over it, most of that sheet outside the scan")
    raise Rejected("not_located", str(unlocated))


def _other_codes(work: np.ndarray, hit):
    """Form codes anywhere on the scan other than ``hit`` (looked for only when needed)."""
    far = 0.1 * min(work.shape)
    yield from (h for h in decode_anywhere(work)
                if np.hypot(*np.subtract(h.center, hit.center)) > far)


def _read(gray, key, resolve, scale, result: PageResult, keep_page: bool) -> None:
    # Grey scans keep between 57 % and all of their pixels grey on the tuning sets, one-bit
    # ones at most 4 % (their edges resampled inside a PDF).
    thresholded = _one_bit(gray)
    dithered = thresholded and _dithered(gray)
    raw = gray
    if thresholded:
        # Dithered grey (pencil, light ink) is a scatter of black dots: averaged over a few
        # pixels it is grey again, as the reader measures everything else (also when the
        # one-bit scan was resampled inside a PDF and its edges turned grey).
        import cv2

        gray = cv2.blur(gray, (3, 3))
    blurred = gray
    # A streak on a dithered page is a band of denser dots, a grey line once blurred: found
    # and mended as on a grey or thresholded scan (no dithered page without one shows one).
    gray = streaks.mend(gray)
    work, quad, hit, rotation = locate(gray, scale)
    if hit is None:
        if is_blank(gray):
            raise Rejected("blank_page", "the page has no print on it")
        raise Rejected("no_qr", "no readable QR code: not a fieldwork form, or the code is "
                                "covered, torn or badly printed")
    layout, page, size, h, rotation, hit, quad = _identified(work, quad, rotation, hit, key,
                                                             resolve, scale, result)
    result.rotation = rotation
    boxes = page["boxes"]
    others = placings(work, quad, rotation, hit, page, size, scale)
    # Box outlines printed a pixel bolder: thresholded at one level (not dithered), under
    # ``BOLD_DPI`` (the working image may be the scan shrunk by a whole factor).
    bold = thresholded and not dithered and \
        pixels_per_point(h) * 72 * max(gray.shape) / max(work.shape) < BOLD_DPI
    h, upright, dark, measures, ringed = _placed(work, h, others, layout, page, size, scale,
                                                 result, not thresholded, bold)
    unseen = _unseen(work.shape, h, boxes, measures.outline, ringed)
    if unseen:
        # Boxes outside the scan, or under something (a finger, another sheet, a torn
        # corner): what they hold is not known, so their questions go to a person.
        _doubt({q: a for q, a in result.answers.items() if q in unseen}, ("ok", "blank"),
               "not visible")
    if len(boxes) >= 8 and np.mean(measures.outline > 0.15) < 0.3:
        # The printed box outlines are not where the layout puts them (or not visible at
        # all): nothing on this page is trusted without a person looking.
        _doubt(result.answers, ("ok", "blank"), "alignment")
    elif thresholded and not dithered:
        # A digit grid doubted with no digit read (only ink near it: the digits written in its
        # cells in pen, its boxes' pencil lost) counts as blank too (q46 danang 24, 150 dpi: the
        # two singles read blank and the multiple choice read as its one pen cross, silently)
        blank = [a for a in result.answers.values() if a.status == "blank" or
                 a.kind in ("digits", "date") and a.status == "doubtful" and
                 not any(str(v).isdigit() for v in a.values)]
        # Most questions without a mark on a one-bit scan thresholded at one level: pencil
        # lighter than the threshold is lost whole (on the tuning sets most such pages hold
        # no ink at all in their boxes), and looks like questions skipped. A grey scan keeps
        # pencil as grey, a dithered one as dots (read, or doubted as light: every pencil
        # answer of the tuning sets' dithered pages): there a page of blanks is a respondent
        # who skipped questions.
        empty = len(result.answers) >= 3 and len(blank) >= max(2, 0.5 * len(result.answers))
        # A light mark on such a page: this respondent's pencil sits at the threshold, so
        # another of their marks may have been lost whole (nothing left in the box). A blank
        # question on such a page is not known to be skipped.
        light = any((a.note or "").endswith("light") for a in result.answers.values())
        _traced(result.answers, result.boxes, raw, blurred, gray, work, h, measures, scale,
                empty, light)
        if empty:
            _doubt(result.answers, ("blank",), "empty page")
            # ... and a multiple choice read there may have lost its other options whole (q41,
            # q72: one option crossed in pen read, the pencil ones lost, silently)
            _doubt({q: a for q, a in result.answers.items() if a.kind == "multiple"}, ("ok",),
                   "empty page")
        elif light:
            _doubt(result.answers, ("blank",), "pencil lost")
    if keep_page:
        result.page = upright
