"""Whether ink near a box is a hand's mark there or part of a stroke running on far past it.

A respondent's mark beside a box (a tick, a dash) is about a box's size; a ring round a
box or an option's text stays close round it. A stroke that comes in from, or runs on
to, a box sides or more away (a slip of the pen, a test scribble, a line drawn across
the page) belongs to no option: it may make a person look, never an answer.

Strokes are followed as connected pen ink with the boxes and the straight rules of tables
taken out (the letters of a text a stroke crosses join it: a letter or two more).
"""

from __future__ import annotations

import numpy as np

from . import passing
from .levels import BESIDE_LEFT, NEAR_LEFT, RING_BOX
from .marks import LABEL_SPAN_PT, LINE_PT, PEN_INK, _after_band, _band, _left_band, halo_gaps

REACH = 2.5  # strokes are followed this many box sides round a box's bands (a box's own:
# one more), a mark beside it or a ring round it ends within
SPAN = 2.0  # a mark beside a box (a tick, a dash) is at most this many box sides tall,
DASH = 3.5  # ... and this many wide (a dash drawn across a wide gap to the box)
MARK_SIZE = 0.4  # ... and this many across at least (a smaller bit of ink is no mark)
RING_COVER = 0.75  # a ring's strokes pass round its middle in this share of directions
TIGHT_COVER = 0.9  # ... a ring seen only right over and under a text: all round it
TEXT_REACH = 3.0  # ... round an option's text, of its ends
TEXT = ("over", "under")  # the bands round an option's text
HUG = 0.45  # a tight ring runs within this share of a side round the box (``hug.OUTSIDE``)
RULE = 0.5  # a straight run of ink across this share of the window is a rule (or a streak),
# not a hand's stroke,
THIN = 5  # ... in a run of at most this many rows (columns) of pixels


class Strokes:
    """Asks, band by band, whether the ink a box's bands hold runs on far past them."""

    def __init__(self, dark: np.ndarray, rects: np.ndarray, texts: np.ndarray | None,
                 scale: float, gaps: np.ndarray | None = None):
        self.dark, self.rects, self.scale = dark, rects, scale
        self.texts = texts if texts is not None else np.full((len(rects), 4), np.nan)
        self._gaps = gaps
        self._memo: dict = {}
        self._windows: dict = {}
        self._inks: dict = {}
        self._bands: dict = {}

    @property
    def gaps(self) -> np.ndarray:
        """``marks.halo_gaps`` of the page's boxes (worked out once)."""
        if self._gaps is None:
            self._gaps = halo_gaps(self.rects, self.texts)
        return self._gaps

    def bands(self, i: int) -> dict:
        """Box ``i``'s bands (x0, y0, x1, y1): left, above, below, text above/below, after
        (worked out once a box; not to be changed)."""
        if i not in self._bands:
            self._bands[i] = self._bands_of(i)
        return self._bands[i]

    def _bands_of(self, i: int) -> dict:
        gaps = self.gaps
        x, y, w, h = self.rects[i]
        e = LINE_PT * self.scale
        out = {"hug": (x - HUG * w, y - HUG * h, x + (1 + HUG) * w, y + (1 + HUG) * h),
               "left": tuple(float(v[0]) for v in
                             _left_band(self.rects[i:i + 1], self.scale, gaps[i:i + 1]))}
        for k, name in ((1, "above"), (2, "below")):
            a0, a1 = _band(e, gaps[i:i + 1, k], np.array([w]))
            a0, a1 = float(a0[0]), float(a1[0])
            lo, hi = (y - a1, y - a0) if k == 1 else (y + h + a0, y + h + a1)
            out[name] = (x + 0.1 * w, lo, x + 0.9 * w, hi)
        if np.isfinite(self.texts[i, 0]):
            lx, ly, lw, lh = self.texts[i]
            span = min(lw, LABEL_SPAN_PT * self.scale)
            x0, x1 = lx + 0.1 * span, lx + 0.9 * span
            out["over"] = (x0, ly - 8.5 * self.scale, x1, ly - 2.5 * self.scale)
            out["under"] = (x0, ly + lh + 1.0 * self.scale, x1, ly + lh + 7.0 * self.scale)
            band = _after_band(self.rects, i, self.texts[i])
            if band is not None:
                out["after"] = band
        return out

    def strokes(self, i: int, name: str) -> np.ndarray:
        """The strokes through box ``i``'s band ``name``: one row per connected stroke of pen
        ink with pixels in the band, its bounding box in page pixels (x0, y0, x1, y1) and
        whether it leaves the window looked in (1, else 0); a band holding only a rule's or a
        streak's ink gives one row for it (2)."""
        key = (i, name)
        if key not in self._memo:
            band = self.bands(i).get(name)
            w = float(self.rects[i, 2])
            self._memo[key] = np.zeros((0, 5)) if band is None else \
                self._strokes(band, self.window(i, name), w, name not in (*TEXT, "after"))
        return self._memo[key]

    def ruled(self, i: int, name: str) -> bool:
        """Whether box ``i``'s band ``name`` holds nothing but a rule's or a streak's ink (its
        strokes all of kind 2). Without a line's ink in the band (of 3 pixels, as ``_strokes``
        asks) it never does: the window's strokes are then not labelled for this question."""
        band = self.bands(i).get(name)
        if band is None:
            return False
        bx0, by0, bx1, by1 = band
        if (i, name) not in self._memo and bx1 - bx0 >= 2 and by1 - by0 >= 2:
            x0, y0, x1, y1 = self._clamped(self.window(i, name))
            _, lines = self._unprinted(x0, y0, x1, y1, float(self.rects[i, 2]),
                                       name not in (*TEXT, "after"))
            rows = slice(max(0, int(by0) - y0), int(np.ceil(by1)) - y0)
            cols = slice(max(0, int(bx0) - x0), int(np.ceil(bx1)) - x0)
            if lines[rows, cols].sum() < 3:
                return False
        s = self.strokes(i, name)
        return len(s) > 0 and bool((s[:, 4] == 2).all())

    def runs_on(self, i: int, name: str) -> bool:
        """Whether pen ink in box ``i``'s band ``name`` belongs to a stroke leaving the window,
        or taller than ``SPAN`` box sides (wider than ``DASH``): no mark beside a box is so
        big."""
        s = self.strokes(i, name)
        w = self.rects[i, 2]
        big = (s[:, 3] - s[:, 1] > SPAN * w) | (s[:, 2] - s[:, 0] > DASH * w)
        return bool(((s[:, 4] > 0) | big).any())

    def own_mark(self, i: int, name: str) -> bool:
        """Whether box ``i``'s band ``name`` holds, beside any stroke running on, a stroke of
        a mark's size of its own: inside the window, at most ``SPAN`` box sides tall and
        ``DASH`` wide, and ``MARK_SIZE`` across at least."""
        s = self.strokes(i, name)
        w = self.rects[i, 2]
        hgt, wid = s[:, 3] - s[:, 1], s[:, 2] - s[:, 0]
        return bool(((s[:, 4] == 0) & (hgt <= SPAN * w) & (wid <= DASH * w) &
                     (np.maximum(hgt, wid) >= MARK_SIZE * w)).any())

    def reaches(self, i: int, name: str, region) -> bool:
        """Whether a stroke through box ``i``'s band ``name`` has ink in ``region`` (x0, y0,
        x1, y1, page pixels)."""
        band = self.bands(i).get(name)
        if band is None or not len(self.strokes(i, name)):
            return False
        x0, y0, x1, y1 = self._clamped(self.window(i, name))
        _, n, lab, _, _ = self._windows[(x0, y0, x1, y1, name not in (*TEXT, "after"))]
        rows = slice(max(0, int(band[1]) - y0), max(0, int(np.ceil(band[3])) - y0))
        cols = slice(max(0, int(band[0]) - x0), max(0, int(np.ceil(band[2])) - x0))
        ids = np.bincount(lab[rows, cols].ravel(), minlength=n) >= 3
        ids[0] = False
        rows = slice(max(0, int(region[1]) - y0), max(0, int(np.ceil(region[3])) - y0))
        cols = slice(max(0, int(region[0]) - x0), max(0, int(np.ceil(region[2])) - x0))
        return bool((np.bincount(lab[rows, cols].ravel(), minlength=n)[ids] >= 3).any())

    def window(self, i: int, name: str) -> tuple[float, float, float, float]:
        """Where the strokes through box ``i``'s band ``name`` are followed: round the box (its
        own bands), the option's text, or the band after the text."""
        w = float(self.rects[i, 2])
        if name in ("over", "under"):  # round the text and the box before it
            b = self.bands(i)
            lx, _, lw, _ = self.texts[i]
            x0 = min(lx, self.rects[i, 0])
            x1 = max(lx + min(lw, LABEL_SPAN_PT * self.scale), self.rects[i, 0] + w)
            y0, y1 = b["over"][1], b["under"][3]
            r = TEXT_REACH * w
        elif name == "after":
            x0, y0, x1, y1 = self.bands(i)["after"]
            r = REACH * w
        else:
            x, y, _, h = self.rects[i]
            x0, y0, x1, y1 = x, y, x + w, y + h
            r = (REACH + 1) * w
        return x0 - r, y0 - r, x1 + r, y1 + r

    def cover(self, i: int, names: list[str], centre: tuple[float, float]) -> float:
        """Share of the directions round ``centre`` (twelve sectors) that the strokes through
        box ``i``'s bands ``names`` pass in: a ring goes all the way round, a line by."""

        bands = [b for b in (self.bands(i).get(n) for n in names) if b is not None]
        if not bands:
            return 0.0
        w = float(self.rects[i, 2])
        x0, y0, x1, y1 = self._clamped(self.window(i, names[0]))
        # The strokes of the window its first band's are followed in (labelled once a window).
        _, n, lab, _, _ = self._labelled(x0, y0, x1, y1, w, names[0] not in (*TEXT, "after"))
        keep = np.zeros(n, bool)
        for b in bands:
            inner = lab[max(0, int(b[1]) - y0):int(np.ceil(b[3])) - y0,
                        max(0, int(b[0]) - x0):int(np.ceil(b[2])) - x0]
            keep |= np.bincount(inner.ravel(), minlength=n) >= 3
        keep[0] = False
        ys, xs = np.nonzero(keep[lab])
        if not len(xs):
            return 0.0
        ang = np.arctan2(ys + y0 + 0.5 - centre[1], xs + x0 + 0.5 - centre[0])
        sector = np.floor((ang + np.pi) / (2 * np.pi) * 12).astype(np.intp) % 12
        return float((np.bincount(sector, minlength=12) >= 2).mean())

    def _clamped(self, window) -> tuple[int, int, int, int]:
        """A window (x0, y0, x1, y1, page pixels) as whole pixels inside the page."""
        hgt, wid = self.dark.shape
        return (max(0, int(window[0])), max(0, int(window[1])),
                min(wid, int(np.ceil(window[2]))), min(hgt, int(np.ceil(window[3]))))

    def _strokes(self, band, window, w: float, rules: bool) -> np.ndarray:

        bx0, by0, bx1, by1 = band
        if bx1 - bx0 < 2 or by1 - by0 < 2:
            return np.zeros((0, 5))
        x0, y0, x1, y1 = self._clamped(window)
        lines, n, lab, stats, _ = self._labelled(x0, y0, x1, y1, w, rules)
        rows = slice(max(0, int(by0) - y0), int(np.ceil(by1)) - y0)
        cols = slice(max(0, int(bx0) - x0), int(np.ceil(bx1)) - x0)
        ids = np.flatnonzero(np.bincount(lab[rows, cols].ravel(), minlength=n)[1:] >= 3) + 1
        # A line through the band (a streak, a rule, a long straight stroke) runs on.
        line = [[bx0, by0, bx1, by1, 2.0]] if lines[rows, cols].sum() >= 3 else []
        if not len(ids):
            return np.array(line).reshape(-1, 5)
        # Edges of the window that are the page's own edge are no stroke's way out.
        hgt, wid = self.dark.shape
        lo_x, lo_y = (0 if x0 > 0 else -1), (0 if y0 > 0 else -1)
        hi_x, hi_y = (x1 - x0 if x1 < wid else -1), (y1 - y0 if y1 < hgt else -1)
        sx, sy, sw, sh = stats[ids, :4].T
        out = (sx == lo_x) | (sy == lo_y) | (sx + sw == hi_x) | (sy + sh == hi_y)
        return np.vstack([np.column_stack([sx + x0, sy + y0, sx + sw + x0, sy + sh + y0,
                                           out]).astype(np.float64), np.reshape(line, (-1, 5))])

    def _labelled(self, x0: int, y0: int, x1: int, y1: int, w: float, rules: bool) -> tuple:
        """The pen ink of a window with the print taken out (``_unprint``): its rules' ink and
        its strokes (``cv2.connectedComponentsWithStats``), worked out once a window (a box's
        own bands, and ``cover``, share one)."""
        import cv2

        key = (x0, y0, x1, y1, rules)
        if key not in self._windows:
            ink, lines = self._unprinted(x0, y0, x1, y1, w, rules)
            self._windows[key] = (lines, *cv2.connectedComponentsWithStats(ink, connectivity=8))
        return self._windows[key]

    def _unprinted(self, x0: int, y0: int, x1: int, y1: int, w: float, rules: bool) -> tuple:
        """A window's pen ink with the print taken out, and its rules' ink (``_unprint``),
        worked out once a window (not to be changed)."""
        key = (x0, y0, x1, y1, rules)
        if key not in self._inks:
            ink = (self.dark[y0:y1, x0:x1] > PEN_INK).astype(np.uint8)
            self._inks[key] = (ink, self._unprint(ink, x0, y0, w, rules))
        return self._inks[key]

    def _unprint(self, ink: np.ndarray, x0: int, y0: int, w: float,
                 rules: bool = True) -> np.ndarray:
        """Take the print out of a window of pen ink (in place): the boxes and straight rules
        (``rules``: round a box; not round an option's text, where a ring's long arcs, or a
        dash joining the text's last word, look like rules).
        Printed text stays: a stroke across it takes in a letter or two. Returns the rules'
        and streaks' ink taken out."""

        hgt, wid = ink.shape
        e = int(np.ceil(LINE_PT * self.scale)) + 1
        rx, ry, rw, rh = (self.rects - np.array([x0, y0, 0, 0])).T
        near = (rx + rw > -e) & (rx < wid + e) & (ry + rh > -e) & (ry < hgt + e)
        a, b, c, d = rx[near], ry[near], rw[near], rh[near]
        # Whole pixels as int() and np.ceil give them, worked out for all the boxes at once.
        spans = np.column_stack([np.maximum(0, a.astype(np.intp) - e),
                                 np.maximum(0, b.astype(np.intp) - e),
                                 np.ceil(a + c).astype(np.intp) + e,
                                 np.ceil(b + d).astype(np.intp) + e])
        for xa, ya, xb, yb in spans.tolist():
            ink[ya:yb, xa:xb] = 0  # boxes asked about hold no mark; the others' are theirs
        lines = np.zeros_like(ink)
        if not rules:
            return lines
        # A printed rule (or a scanner's streak) runs straight across much of the window, a
        # thin row or column of ink: no hand's stroke is so long and straight, and a line of
        # text is broken between its words.
        import cv2

        for axis, across, along in ((1, (3, 1), (1, 4)), (0, (1, 3), (4, 1))):
            # A line a little slanted or blurred: a pixel across it either way, gaps of a few
            # pixels along it closed (a thin grey rule thresholded).
            dil = cv2.morphologyEx(cv2.dilate(ink, np.ones(across, np.uint8)), cv2.MORPH_CLOSE,
                                   np.ones(along, np.uint8))
            full = long_runs(dil, RULE * ink.shape[1 - axis], axis)
            if not full.any():
                continue
            edges = np.flatnonzero(np.diff(np.concatenate([[0], full.astype(np.int8), [0]])))
            line = np.zeros_like(full)
            for a, b in zip(edges[::2], edges[1::2], strict=True):
                if b - a <= THIN:
                    line[max(0, a - 2):b + 2] = True  # with its blurred edges
            if axis == 1:
                lines[line, :] = ink[line, :]
            else:
                lines[:, line] |= ink[:, line]
        if not lines.any():  # no rule: nothing taken out, nothing to join again
            return lines
        ink &= 1 - lines
        # A stroke drawn across a rule is cut in two where the rule is taken out: it is joined
        # again where pen ink lies right on both sides of the rule (a stroke from the row
        # below ending beside a box looked a box's size: read as a mark beside it).
        k = np.ones((THIN + 4, 1), np.uint8)
        above = cv2.dilate(ink, k, anchor=(0, THIN + 3))
        below = cv2.dilate(ink, k, anchor=(0, 0))
        left = cv2.dilate(ink, k.T, anchor=(THIN + 3, 0))
        right = cv2.dilate(ink, k.T, anchor=(0, 0))
        ink |= lines & ((above & below) | (left & right))
        return lines


def strays(m, answered: np.ndarray, halo: np.ndarray, lab: np.ndarray | None,
            ring: np.ndarray, text: np.ndarray, streak: np.ndarray,
            tight: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rings and marks beside the boxes of questions with nothing marked whose ink runs on far
    past the box (``runs``): a stroke across the page, no respondent's mark there. Such a
    box's ring is dropped and its ink beside or after its text counted as a streak
    (``streak``, in place): enough to doubt a blank question, never an answer (the third
    array: rings dropped). In a question with a mark (``answered``) such ink still sends it
    to a person: the stroke may end in a box and be read as a mark there. A text ring seen
    only right over and under its text (``tight``) must go all round it: a hook or a bracket
    round a short text's end is doubted, not read."""
    st = m.strokes
    ring, text, dropped = ring.copy(), text.copy(), np.zeros(len(ring), bool)
    after = np.zeros(len(ring), bool) if lab is None else np.nan_to_num(lab[:, 2]) > BESIDE_LEFT
    # A loose ring round a box of a question with nothing marked, its arcs outside the bands
    # or broken (a one-bit scan): ink in two of them, going round the box, is that ring.
    tight_col = tight_column(m)
    loose = ~answered & ~ring & ~text & ~tight_col & ((halo > NEAR_LEFT).sum(axis=1) >= 2)
    for i in np.flatnonzero(loose):
        loose[i] = round_box(m, i)
    for i in np.flatnonzero(~answered & (ring | text | (halo[:, 0] > BESIDE_LEFT) | after)):
        # A tight grid's rings run through the gaps, over the outlines: not followed here.
        if ring[i] and not tight_col[i] and not _ring_round_box(m, i, halo):
            ring[i], dropped[i] = False, True
        need = TIGHT_COVER if tight is not None and tight[i] else RING_COVER
        if text[i] and not text_ringed(m, i, need):
            text[i], dropped[i] = False, True
        if halo[i, 0] > BESIDE_LEFT and st.runs_on(i, "left"):
            # Too long for a mark beside: a ring's arc, if it goes round the box, else a stray.
            if not tight_col[i] and round_box(m, i):
                loose[i] = True
            else:
                streak[i, 0] = True
        elif halo[i, 0] > BESIDE_LEFT and not passing.mark_shape(st, i, "left") and \
                not round_box(m, i):
            streak[i, 0] = True  # no tick, no dash, no ring's arc: a slip of the pen, doubted
        if after[i] and (st.runs_on(i, "after") or not passing.mark_shape(st, i, "after")):
            streak[i, 1] = True
    return ring | loose, text, dropped & ~ring & ~text


def ruled_left(m, which: np.ndarray) -> np.ndarray:
    """Boxes (of ``which``) whose band left of them holds nothing but a straight line running
    on far past it (a printed rule, a scanner's streak, a little slanted or broken): no hand's
    mark beside the box."""
    out = np.zeros(len(which), bool)
    for i in np.flatnonzero(which):
        out[i] = m.strokes.ruled(i, "left")
    return out


def drawn_ring(m, i: int, halo: np.ndarray, ring: bool, text: bool) -> bool:
    """Whether box ``i``'s ring (round the box, ``ring``, or round its option's text,
    ``text``) is a hand's: its strokes go round what it rings (see ``strays``)."""
    return (bool(ring) and _ring_round_box(m, i, halo)) or (bool(text) and text_ringed(m, i))


def _ring_round_box(m, i: int, halo: np.ndarray) -> bool:
    """Whether the strokes in box ``i``'s inked halo bands go round the box."""
    inked = [b for k, b in enumerate(("left", "above", "below")) if halo[i, k] > RING_BOX]
    return encircles(m.strokes, i, inked, m.rects[i])


def round_box(m, i: int) -> bool:
    """Whether the strokes round box ``i`` (close round it and in its three bands) go round
    it: a ring drawn loosely, or across a neighbour's band."""
    return encircles(m.strokes, i, ["hug", "left", "above", "below"], m.rects[i])


def gaps(m) -> np.ndarray:
    """``marks.halo_gaps`` of a page's boxes, worked out once a page."""
    return m.strokes.gaps if m.strokes is not None else halo_gaps(m.rects, m.texts)


def tight_column(m) -> np.ndarray:
    """Boxes with the next box of their column right above or below (a digit grid)."""
    g = gaps(m)
    return np.minimum(g[:, 1], g[:, 2]) < 0.5 * m.rects[:, 2]


def text_ringed(m, i: int, need: float = RING_COVER) -> bool:
    """Whether the strokes round box ``i``'s option text go round it: with the box before it
    (``ringed_text``), or the text alone (a short one, "Nữ", ringed tightly without its
    box: round the two together it leaves a side open); not a stroke across the text, whose
    ink over and under it joins only through it (``passing.crosses_text``: st72's scribbles
    over "Nghỉ hưu" and "Khác" were read as rings round them, silently)."""
    st = m.strokes
    if encircles(st, i, ["over", "under"], ringed_text(m, i), need):
        return not passing.crosses_text(st, i)
    lx, ly, lw, lh = m.texts[i]
    alone = np.array([lx, ly, min(lw, LABEL_SPAN_PT * st.scale), lh])
    return encircles(st, i, ["over", "under"], alone, need) and not passing.crosses_text(st, i)


def over_text(m, i: int) -> bool:
    """Whether the ink just after box ``i``'s option text belongs to a stroke reaching back
    over or under the text (a scribble or a cross over it), not a mark after it (a mark
    touching the text's last letter joins the letters, which stay inside the text's line)."""
    st = m.strokes
    lx, ly, lw, lh = m.texts[i]
    x1 = lx + min(lw, LABEL_SPAN_PT * st.scale) - 0.25 * m.rects[i, 2]
    e = 0.8 * st.scale
    return any(st.reaches(i, "after", (lx, y0, x1, y1))
               for y0, y1 in ((ly - 4 * e, ly - e), (ly + lh + e, ly + lh + 4 * e)))


def ringed_text(m, i: int) -> np.ndarray:
    """What a ring round box ``i``'s option text goes round (x, y, w, h): the text (its start,
    if long), and the box before it (a ring often takes it in too)."""
    lx, ly, lw, lh = m.texts[i]
    bx, by, bw, bh = m.rects[i]
    x0, y0 = min(lx, bx), min(ly, by)
    x1, y1 = max(lx + min(lw, LABEL_SPAN_PT * m.strokes.scale), bx + bw), max(ly + lh, by + bh)
    return np.array([x0, y0, x1 - x0, y1 - y0])


def encircles(st, i: int, bands: list[str], target: np.ndarray,
              need: float = RING_COVER) -> bool:
    """Whether the strokes through box ``i``'s ``bands`` go round ``target`` (x, y, w, h):
    together they pass round its middle in most directions, and round a box they end near it
    (none leaves the window looked in)."""
    strokes = np.concatenate([st.strokes(i, b) for b in bands]) if bands else np.zeros((0, 5))
    strokes = strokes[strokes[:, 4] < 2]  # a rule's or streak's ink: none of the ring's
    if not len(strokes):
        return False
    x, y, w, h = target
    # Rings round the texts of options one under the other touch: their strokes run on.
    if bands[0] not in TEXT and (strokes[:, 4] > 0).any():
        return False
    return st.cover(i, bands, (x + w / 2, y + h / 2)) >= need


def long_runs(a: np.ndarray, length: float, axis: int = 1) -> np.ndarray:
    """Which rows (``axis`` 1) or columns (``axis`` 0) of the 0/1 uint8 image ``a`` hold a run
    of set pixels at least ``length`` long.

    An erosion by a line ``length`` pixels long (the image's outside counted unset) keeps a
    pixel only where such a run starts: a few times faster than measuring every run.
    """
    if axis not in (0, 1):
        raise ValueError(f"axis must be 0 (columns) or 1 (rows), got {axis}")
    if a.ndim != 2 or a.dtype != np.uint8:
        raise ValueError("a must be a 2-D uint8 image")
    n = int(np.ceil(length))
    if n <= 0:
        return np.ones(a.shape[1 - axis], bool)
    if a.size == 0 or n > a.shape[axis]:
        return np.zeros(a.shape[1 - axis], bool)
    import cv2

    # Only rows (columns) with n set pixels at least can hold such a run: the others are
    # left out of the erosion, which works on each row (column) alone. A 0/1 image's set
    # pixels a row (column) are its sum, which OpenCV's reduce gives ten times faster than
    # ``np.count_nonzero`` along an axis (the same counts).
    if a.max() <= 1:
        counts = cv2.reduce(np.ascontiguousarray(a), axis, cv2.REDUCE_SUM,
                            dtype=cv2.CV_32S).ravel()
    else:
        counts = np.count_nonzero(a, axis=axis)
    out = counts >= n
    if not out.any():
        return out
    line = np.ones((1, n) if axis == 1 else (n, 1), np.uint8)
    some = np.flatnonzero(out)
    part = np.ascontiguousarray(a[some] if axis == 1 else a[:, some])
    kept = cv2.erode(part, line, anchor=(0, 0), borderType=cv2.BORDER_CONSTANT, borderValue=0)
    out[some] = kept.any(axis=axis)
    return out
