"""A line passing through a box or an option's text: a pen stroke that comes in from outside,
crosses the box as one thin line and leaves it to run on far past it (a slip of the pen, a
test scribble across a question). Its ink in the box is a mark's worth, but a person sees a
stroke going by, not a tick, a cross or a fill: they would doubt it, never read it as the
answer. Across an option's text the same stroke puts ink over and under the text, as a ring
round it does; a ring goes round the text's ends, the stroke through the text.

The stroke is followed as connected pen ink round the box with the print taken out (the
boxes, the rules of tables: ``runs.Strokes``); the pieces of it outside the box are where it
comes from and where it goes.
"""

from __future__ import annotations

import numpy as np

from .marks import LABEL_SPAN_PT, LINE_PT, PEN_INK

ACROSS = 0.22  # at most: how wide (box sides) the ink in the box lies across (one line) ...
FILL = 1.45  # ... filling its turned rectangle (a tick's V, a hook: 1.6 and more)
FAR = 0.8  # one piece of the stroke outside the box runs on this far past it (box sides) ...
BACK = 0.3  # ... and another this far: the line came in from outside as well
END_FAR = 1.2  # a line ending in a box, come from this far (box sides) past it: a slip's
END_FILL = 1.75  # ... its end in the box short and slanted, filling its rectangle less
LOOK = 3.0  # the stroke is followed this many box sides round the box
EDGE = 3  # pixels: the ring right outside the box's outline where the stroke leaves it
ENDS = 0.15  # the text's middle leaves out this share of its span at each end (a ring's way
MIDDLE = 0.2  # round), and this share of its height above and below


def pieces(st, i: int) -> list[float]:
    """How far (box sides past box ``i``) each piece of pen ink leaving the box runs on,
    longest first: the strokes through its edge, outside the box's outline (``st``: the
    page's ``runs.Strokes``; ink leaving the window looked in counts as ``LOOK``)."""
    import cv2

    x, y, w, h = (float(v) for v in st.rects[i])
    hgt, wid = st.dark.shape
    r = LOOK * w
    x0, y0 = max(0, int(x - r)), max(0, int(y - r))
    x1, y1 = min(wid, int(np.ceil(x + w + r))), min(hgt, int(np.ceil(y + h + r)))
    ink = (st.dark[y0:y1, x0:x1] > PEN_INK).astype(np.uint8)
    st._unprint(ink, x0, y0, w, True)  # the boxes (this one too) and rules taken out
    n, lab, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    e = int(np.ceil(LINE_PT * st.scale)) + 1 + EDGE
    ax, ay = max(int(x) - x0 - e, 0), max(int(y) - y0 - e, 0)
    bx, by = int(np.ceil(x + w)) - x0 + e, int(np.ceil(y + h)) - y0 + e
    ring = np.zeros(ink.shape, bool)
    ring[ay:by, ax:bx] = True
    ring[ay + EDGE:max(by - EDGE, 0), ax + EDGE:max(bx - EDGE, 0)] = False
    ids = np.flatnonzero(np.bincount(lab[ring], minlength=n)[1:] >= 2) + 1
    out = []
    for k in ids:
        sx, sy, sw, sh = (float(v) for v in stats[k, :4])
        past = max(x - (sx + x0), sx + sw + x0 - (x + w), y - (sy + y0), sy + sh + y0 - (y + h))
        out.append(max(past, 0.0) / w)
    return sorted(out, reverse=True)


def passes(st, i: int, width: tuple[float, float]) -> bool:
    """Whether the ink in box ``i`` is only a line passing through it: one thin line
    (``width``: ``strokes.width`` of the box) whose stroke comes in from outside and runs on
    far past the box."""
    across, fill = width
    if not 0 < across <= ACROSS or fill > FILL:
        return False
    out = pieces(st, i)
    return len(out) >= 2 and out[0] >= FAR and out[1] >= BACK


def ends(st, i: int, width: tuple[float, float]) -> bool:
    """Whether the ink in box ``i`` is only the end of a line come in from far outside: one
    thin line (``width``, as in ``passes``) whose stroke leaves the box one way only and runs
    on ``END_FAR`` box sides past it (a slip of the pen ending in the box). A tick's V, a
    cross or a fill spreads wider; a tick's arm, run on past its box, ends ``RUNS_ON`` past it
    at most."""
    across, fill = width
    if not 0 < across <= ACROSS or fill > END_FILL:
        return False
    out = pieces(st, i)
    return len(out) == 1 and out[0] >= END_FAR


def crosses_text(st, i: int) -> bool:
    """Whether the pen ink over box ``i``'s option text and the ink under it are one stroke
    only through the text's middle (a line crossing the text), not round its ends as a ring
    goes: joined with the text, apart without its middle (``st``: the page's
    ``runs.Strokes``)."""
    if not np.isfinite(st.texts[i, 0]):
        return False
    bands = st.bands(i)
    hgt, wid = st.dark.shape
    wx0, wy0, wx1, wy1 = st.window(i, "over")
    x0, y0 = max(0, int(wx0)), max(0, int(wy0))
    x1, y1 = min(wid, int(np.ceil(wx1))), min(hgt, int(np.ceil(wy1)))
    ink = (st.dark[y0:y1, x0:x1] > PEN_INK).astype(np.uint8)
    st._unprint(ink, x0, y0, float(st.rects[i, 2]), False)
    joined = _joined(ink, bands, x0, y0)
    if not joined:
        return False
    lx, ly, lw, lh = st.texts[i]
    span = min(lw, LABEL_SPAN_PT * st.scale)
    ax, bx = int(lx + ENDS * span) - x0, int(np.ceil(lx + (1 - ENDS) * span)) - x0
    ay, by = int(ly + MIDDLE * lh) - y0, int(np.ceil(ly + (1 - MIDDLE) * lh)) - y0
    ink[max(ay, 0):max(by, 0), max(ax, 0):max(bx, 0)] = 0
    return not _joined(ink, bands, x0, y0)


def _joined(ink: np.ndarray, bands: dict, x0: int, y0: int) -> bool:
    """Whether one piece of ``ink`` (a window at ``x0``, ``y0``) reaches both the band over the
    text and the band under it."""
    import cv2

    n, lab = cv2.connectedComponents(ink, connectivity=8)
    found = []
    for name in ("over", "under"):
        bx0, by0, bx1, by1 = bands[name]
        inner = lab[max(0, int(by0) - y0):max(0, int(np.ceil(by1)) - y0),
                    max(0, int(bx0) - x0):max(0, int(np.ceil(bx1)) - x0)]
        ids = np.bincount(inner.ravel(), minlength=n) >= 3
        ids[0] = False
        found.append(ids)
    return bool((found[0] & found[1]).any())


DASH_SLANT = 35.0  # degrees: a dash beside a box lies at most this far off the level
LINE = 3.0  # a line (a broad pen's too) is at least this many times as long as it is wide
HOOK = 0.12  # a tick's ink rises at least this far (box sides) left of its lowest point ...
ARM = 0.3  # ... and this far right of it
HOOK_LINE = 0.4  # ... its hook one line: at most this wide across (box sides)


def mark_shape(st, i: int, name: str) -> bool:
    """Whether the pen ink in box ``i``'s band ``name`` (``left``, ``after``) has the shape of a
    respondent's mark beside a box: a tick (its lowest point between a hook rising left of it
    and an arm rising right of it) or a dash (one line, about level). A short steep line, a
    hook open to one side, a zigzag or a loop is a pen's slip (the stray-heavy synth set:
    such strokes beside blank questions read as marks beside)."""
    shape = _shape(st, i, name)
    if shape is None:
        return True  # too little to tell: left to the rules as before
    pts, w, line, (vx, vy), hook = shape
    if line:  # one line: a dash if level
        _, vecs = np.linalg.eigh(np.cov(pts.T.astype(np.float64)))
        dx, dy = vecs[:, -1]
        return bool(np.degrees(np.arctan2(abs(dy), abs(dx))) <= DASH_SLANT)
    xs, ys = pts[:, 0], pts[:, 1]
    left, right = hook[:, 1], ys[xs > vx + 0.1 * w]
    if not (len(left) and len(right) and vy - left.min() >= HOOK * w and
            vy - right.min() >= ARM * w):
        return False
    # Left of a box the hook is one short line (p51's ticks beside: 0.28 box sides across at
    # most); a zigzag has a turn in it. After a text the band may take in a letter or two.
    return name != "left" or not _wide(hook, w)


def wide_hook(st, i: int, name: str = "after") -> bool:
    """Whether the pen ink in box ``i``'s band ``name`` passes ``mark_shape`` as a tick only
    loosely: no dash nor one line, and the ink left of its lowest point (a tick's hook) is
    wider across than one line (``HOOK_LINE``): a loop or a zigzag (``mark_shape`` lets it be
    after a text, where its band may take in a letter or two)."""
    shape = _shape(st, i, name)
    if shape is None:
        return False
    _, w, line, _, hook = shape
    return not line and _wide(hook, w)


def _shape(st, i: int, name: str):
    """The pen ink of box ``i``'s band ``name`` (``_band_ink``), the box's side, whether the ink
    is one line (thin across, ``ACROSS``, or ``LINE`` times as long as it is wide), its lowest
    point (x, y) and the ink left of it by more than a pen's width (a tick's hook); None for
    less than 5 pixels of ink."""
    import cv2

    pts = _band_ink(st, i, name)
    if len(pts) < 5:
        return None
    w = float(st.rects[i, 2])
    (_, _), (a, b), _ = cv2.minAreaRect(pts.astype(np.float32))
    line = min(a, b) / w <= ACROSS or max(a, b) >= LINE * min(a, b)
    xs, ys = pts[:, 0], pts[:, 1]
    vx, vy = float(xs[ys >= ys.max() - 1.5].mean()), float(ys.max())
    return pts, w, line, (vx, vy), pts[xs < vx - 0.1 * w]


def _wide(hook: np.ndarray, w: float) -> bool:
    """Whether a tick's hook (5 pixels at least) is wider across than one line (``HOOK_LINE``
    box sides)."""
    import cv2

    return len(hook) >= 5 and min(cv2.minAreaRect(hook.astype(np.float32))[1]) > HOOK_LINE * w


def _band_ink(st, i: int, name: str) -> np.ndarray:
    """The pixels (x, y) of the strokes through box ``i``'s band ``name`` (``runs.Strokes``),
    page pixels; empty when none."""
    strokes = st.strokes(i, name)
    keep = strokes[strokes[:, 4] < 2]
    if not len(keep):
        return np.zeros((0, 2))
    hgt, wid = st.dark.shape
    win = st.window(i, name)
    x0, y0 = max(0, int(win[0])), max(0, int(win[1]))
    x1, y1 = min(wid, int(np.ceil(win[2]))), min(hgt, int(np.ceil(win[3])))
    _, n, lab, stats, _ = st._windows[(x0, y0, x1, y1, name not in ("over", "under", "after"))]
    ids = [k for k in range(1, n) if any(
        stats[k, 0] + x0 == s[0] and stats[k, 1] + y0 == s[1] and
        stats[k, 0] + stats[k, 2] + x0 == s[2] and stats[k, 1] + stats[k, 3] + y0 == s[3]
        for s in keep)]
    ys, xs = np.nonzero(np.isin(lab, ids))
    return np.column_stack([xs + x0, ys + y0])
