"""Rings drawn round the digits of a grid, found from the pen's ink itself: which box a ring
goes round is the box its loop is centred on, whatever boxes its arcs cross.

A tight grid leaves a ring no room of its own: its arcs cross the next boxes and the next
columns' gaps, and rings of neighbouring columns touch. So the grid's print is taken out
first (every box's surroundings look alike: their median is the printed outline and the
gaps), what is left is the pen, and a box is ringed when that ink goes all round a point
near its centre at a ring's distance, with nothing drawn close to the point itself.

From the per-box calls, the box of a grid column with a ring's ink in the gaps round it
(``ring_in_column``, ``ringed_in_column``) is found too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from . import order
from .levels import CLEAR, RING_GAP
from .pairs import offsets

if TYPE_CHECKING:
    from .judge import BoxCalls

PEN = 90  # darkness (of 255) over the print that is a pen's stroke (pencil: often less)
LIGHT_PEN = 60  # ... a light ballpoint's (grey rings on a pale scan), asked second
PATCH = 0.8  # each box's surroundings, in box sides from its centre, taken as print
SECTORS = 16
HOLLOW = 0.42  # no pen ink this close (box sides) to a ring's centre
RING = (0.45, 1.3)  # a ring's ink lies this far (box sides) from its centre ...
COVER = 13  # ... in at least this many of the sectors round it
SHIFT = 0.2  # a ring's centre may be this far (box sides) off its box's, each way
LOOSE = 0.45  # ... up or down, when asking whether a ring may be round a box
ON_RING = 0.25  # ink within this (box sides) of a ring's course is that ring's
ENCLOSED = 0.35  # a ring passing this far (box sides) beyond a box's centre goes round it
CONE = 15  # ... looked for within this many degrees of the way to the box
NEXT = 2.0  # ... a box next to the ring's (box sides between centres)
TOWARD = 0.15  # ... the ring's centre this far (box sides) off its own box's toward it
BEYOND = 0.7  # ... and found within this (box sides) past its centre
SPREAD = 0.8  # ... most of a sector's ink, in a loop
STEP = 0.3  # a loop's distance from its centre changes less than this from sector to sector


class GridInk:
    """The pen ink over one grid's boxes (``rects``: page pixels), found on first use."""

    def __init__(self, dark: np.ndarray, rects: np.ndarray, pen: int = PEN):
        self.dark, self.rects, self.pen = dark, rects, pen
        self.side = float(order.median(rects[:, 2]))
        self._pts: np.ndarray | None = None
        self._rings: dict = {}
        self._light: GridInk | None = None

    @property
    def light(self) -> GridInk:
        """The same grid's ink taken from a lighter pen's level (``LIGHT_PEN``)."""
        if self._light is None:
            self._light = GridInk(self.dark, self.rects, LIGHT_PEN)
        return self._light

    @property
    def points(self) -> np.ndarray:
        """Pen ink pixels (x, y) in page pixels, print taken out (worked out once)."""
        if self._pts is None:
            self._pts = _pen_points(self.dark, self.rects, self.side, self.pen)
        return self._pts

    def ring(self, i: int, loose: bool = False) -> tuple[float, float] | None:
        """The centre (page pixels) of a ring round box ``i`` (index in ``rects``), else None.
        ``loose``: the ring's centre may be further off the box's, up or down."""
        key = (i, loose)
        if key not in self._rings:
            self._rings[key] = _ring_round(self.points, self.rects[i], self.side, loose)
        return self._rings[key]

    def encloses(self, centre: tuple[float, float], own: int, i: int) -> bool:
        """Whether the ring centred at ``centre``, found round box ``own``, goes round the
        next box ``i`` too: its centre lies ``TOWARD`` box sides or more off its own box's
        toward box ``i``, and its ink that way lies ``ENCLOSED`` to ``BEYOND`` box sides past
        box ``i``'s centre, none nearer (a ring drawn so far off its box that it is round the
        next one, or round both)."""
        c = np.asarray(centre)
        mid = self.rects[:, :2] + self.rects[:, 2:] / 2
        to = mid[i] - c
        far = float(np.hypot(*to))
        if far > NEXT * self.side or (c - mid[own]) @ to < TOWARD * self.side * far:
            return False
        d = self.points - c
        r = np.hypot(d[:, 0], d[:, 1])
        cone = (d @ to) > np.cos(np.deg2rad(CONE)) * r * far
        inner = cone & (r > HOLLOW * self.side) & (r < far + ENCLOSED * self.side)
        return not inner.any() and (cone & (r < far + BEYOND * self.side)).any()

    def inside(self, i: int) -> int:
        """How many pen ink pixels lie inside box ``i``."""
        x, y, w, h = self.rects[i]
        pts = self.points
        return int(np.count_nonzero((pts[:, 0] > x) & (pts[:, 0] < x + w) & (pts[:, 1] > y) &
                                    (pts[:, 1] < y + h)))

    def on_rings(self, i: int, centres: list[tuple[float, float]]) -> float:
        """The share of the pen ink inside box ``i`` that lies on the rings centred at
        ``centres`` (0 when there is none)."""
        x, y, w, h = self.rects[i]
        pts = self.points
        p = pts[(pts[:, 0] > x) & (pts[:, 0] < x + w) & (pts[:, 1] > y) & (pts[:, 1] < y + h)]
        if not len(p):
            return 0.0
        on = np.zeros(len(p), bool)
        for c in centres:
            on |= _on_ring(pts, p, c, self.side)
        return float(on.mean())

    def stray(self, column: list[int], centres: list[tuple[float, float]]) -> int:
        """Pen ink pixels over a column's boxes and the gaps between them that lie on none of
        the rings centred at ``centres``."""
        pts = self.points
        r = self.rects[column]
        s = self.side
        x0, y0 = r[:, 0].min() - 0.15 * s, r[:, 1].min() - 0.15 * s
        x1, y1 = (r[:, 0] + r[:, 2]).max() + 0.15 * s, (r[:, 1] + r[:, 3]).max() + 0.15 * s
        inside = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
        p = pts[inside]
        left = np.ones(len(p), bool)
        for c in centres:
            left &= ~_on_ring(pts, p, c, s)
        return int(left.sum())


def _pen_points(dark: np.ndarray, rects: np.ndarray, s: float, pen: int = PEN) -> np.ndarray:
    """Pixels of pen ink round a grid's boxes: darkness over the grid's print (the median of
    every box's surroundings, widened by a pixel for boxes set half a pixel apart)."""
    h = int(round(PATCH * s))
    pad = h + 2
    x0 = int(max(0, np.floor(rects[:, 0].min() + rects[0, 2] / 2) - pad))
    y0 = int(max(0, np.floor(rects[:, 1].min() + rects[0, 3] / 2) - pad))
    x1 = int(min(dark.shape[1], np.ceil((rects[:, 0] + rects[:, 2] / 2).max()) + pad + 1))
    y1 = int(min(dark.shape[0], np.ceil((rects[:, 1] + rects[:, 3] / 2).max()) + pad + 1))
    roi = dark[y0:y1, x0:x1].astype(np.int16)
    cx = np.round(rects[:, 0] + rects[:, 2] / 2 - x0).astype(int)
    cy = np.round(rects[:, 1] + rects[:, 3] / 2 - y0).astype(int)
    ok = (cx >= h) & (cy >= h) & (cx + h < roi.shape[1]) & (cy + h < roi.shape[0])
    cx, cy = cx[ok], cy[ok]
    if len(cx) < 5:
        return np.zeros((0, 2))
    patches = np.stack([roi[y - h:y + h + 1, x - h:x + h + 1] for x, y in zip(cx, cy,
                                                                               strict=True)])
    printed = cv2.dilate(order.median(patches, axis=0).astype(np.uint8), np.ones((3, 3), np.uint8))
    base = np.zeros_like(roi)
    seen = np.zeros(roi.shape, bool)
    for x, y in zip(cx, cy, strict=True):
        at = (slice(y - h, y + h + 1), slice(x - h, x + h + 1))
        base[at] = np.maximum(base[at], printed)
        seen[at] = True
    ys, xs = np.nonzero(((roi - base) >= pen) & seen)
    return np.column_stack([xs + x0, ys + y0]).astype(np.float64)


def _ring_round(pts: np.ndarray, rect: np.ndarray, s: float,
                loose: bool) -> tuple[float, float] | None:
    """The best centre near box ``rect``'s round which pen ink runs as a ring, else None."""
    cx, cy = rect[0] + rect[2] / 2, rect[1] + rect[3] / 2
    reach = (RING[1] + LOOSE) * s
    near = pts[(np.abs(pts[:, 0] - cx) < reach) & (np.abs(pts[:, 1] - cy) < reach)]
    if len(near) < 2 * np.pi * RING[0] * s:
        return None
    # A loop round a point near the box's centre runs round that centre too: ink all round.
    d0 = (near - (cx, cy)) / s
    r0 = np.hypot(d0[:, 0], d0[:, 1])
    round_ = (r0 > 0.1) & (r0 < RING[1] + LOOSE)
    seen = np.floor(np.arctan2(d0[round_, 1], d0[round_, 0]) / (2 * np.pi) * SECTORS)
    if len(np.unique(seen.astype(int) % SECTORS)) < COVER - 3:
        return None
    ups = np.arange(-LOOSE, LOOSE + 1e-9, 0.15) if loose else np.arange(-SHIFT, SHIFT + 1e-9, 0.1)
    offs = np.array([(dx, dy) for dy in ups for dx in np.arange(-SHIFT, SHIFT + 1e-9, 0.1)])
    centres = np.array([cx, cy]) + offs * s
    d = (near[None, :, :] - centres[:, None, :]) / s
    r = np.hypot(d[..., 0], d[..., 1])
    cover = np.where((r < HOLLOW).sum(axis=1) <= 1, _loops(d, r), -1)
    k = int(np.argmax(cover))
    return (float(centres[k, 0]), float(centres[k, 1])) if cover[k] >= COVER else None


def _loops(d: np.ndarray, r: np.ndarray) -> np.ndarray:
    """For each candidate centre (ink at offsets ``d``, distances ``r``, box sides: C×M), how
    many sectors round it one loop's ink runs through: in each, most of the ink within
    ``RING`` lies close to its mean distance, and that distance changes little from a sector
    to the next (the arcs of several rings round a box between them pass at a distance that
    jumps): the sectors so crossed less twice the jumps."""
    n_c = len(r)
    band = (r >= RING[0]) & (r <= RING[1])
    sec = np.floor(np.arctan2(d[..., 1], d[..., 0]) / (2 * np.pi) * SECTORS).astype(int) \
        % SECTORS
    at = (np.arange(n_c)[:, None] * SECTORS + sec)[band]
    rb = r[band]
    size = n_c * SECTORS
    n = np.bincount(at, minlength=size)
    mid = np.bincount(at, rb, minlength=size) / np.maximum(n, 1)
    close = np.bincount(at, np.abs(rb - mid[at]) <= ON_RING, minlength=size)
    course = np.where((n > 0) & (close >= SPREAD * n), mid, np.nan).reshape(n_c, SECTORS)
    jump = np.abs(course - np.roll(course, 1, axis=1)) > STEP  # NaN compares False
    return np.isfinite(course).sum(axis=1) - 2 * jump.sum(axis=1)


def _on_ring(pts: np.ndarray, p: np.ndarray, c: tuple[float, float], s: float) -> np.ndarray:
    """Which pixels ``p`` lie on the course of the ring centred at ``c`` (its ink ``pts``
    within ``RING`` of it: the median distance of that ink in each sector)."""
    d = (pts - c) / s
    r = np.hypot(d[:, 0], d[:, 1])
    band = (r >= RING[0]) & (r <= RING[1])
    sec = (np.floor(np.arctan2(d[band, 1], d[band, 0]) / (2 * np.pi) * SECTORS)
           .astype(int) % SECTORS)
    course = np.full(SECTORS, np.nan)
    for k in np.unique(sec):
        course[k] = order.median(r[band][sec == k])
    q = (p - c) / s
    rq = np.hypot(q[:, 0], q[:, 1])
    sq = np.floor(np.arctan2(q[:, 1], q[:, 0]) / (2 * np.pi) * SECTORS).astype(int) % SECTORS
    want = course[sq]
    return np.isfinite(want) & (np.abs(rq - np.nan_to_num(want)) <= ON_RING)



def facing_clear(g: np.ndarray, c: BoxCalls) -> np.ndarray:
    """For boxes ``g`` of a tight grid, which sides (left, right, top, bottom) face a box
    holding a clear mark across the gap they share (not ink passing through it: a big ring's
    arc over the next column's box is no mark whose spill explains a ring)."""
    centres, w = c.zones[2], c.zones[3]
    clear = np.flatnonzero((c.net >= CLEAR) & ~c.through)
    out = np.zeros((len(g), 4), bool)
    if not len(clear):
        return out
    d = offsets(centres[g], centres[clear], w[g])
    row, col = np.abs(d[1]) < 0.5, np.abs(d[0]) < 0.5
    for k, (a, sign, level) in enumerate(((0, -1, row), (0, 1, row), (1, -1, col),
                                         (1, 1, col))):
        ahead = d[a] * sign
        out[:, k] = (level & (ahead > 0.5) & (ahead < 1.9)).any(axis=1)
    return out


def ring_in_column(group: list[int], c: BoxCalls) -> int | None:
    """The one box of a grid column with a ring's ink round it, else None (see
    ``_ring_in_column``)."""
    if c.zones is None:
        return None
    key = ("ring_in_column", tuple(group))  # asked of a column several times a grid
    if key not in c.memo:
        c.memo[key] = _ring_in_column(group, c)
    return c.memo[key]


def column_zones(group: list[int], c: BoxCalls) -> tuple[np.ndarray, np.ndarray]:
    """A grid column's side and corner zones (``c.zones``) over what its boxes usually show
    there (five boxes or more), no ink counted on a side facing a clear mark
    (``facing_clear``); worked out once a column (``ring_in_column``, ``grids._rung``)."""
    key = ("column_zones", tuple(group))
    if key not in c.memo:
        g = np.asarray(group)
        sides, corners = c.zones[0][g], c.zones[1][g]
        if len(g) >= 5:
            sides = sides - order.median(sides, axis=0)
            corners = corners - order.median(corners, axis=0)
        c.memo[key] = (np.where(facing_clear(g, c), 0.0, sides), corners)
    return c.memo[key]


def _ring_in_column(group: list[int], c: BoxCalls) -> int | None:
    """``ring_in_column`` worked out."""
    # Ink on three sides; or above and below it and past most corners (a ring wider than
    # the gap, its arcs beside the box outside the zones measured). Neighbouring columns'
    # marks put ink left and right of a box, never above and below it.
    # Ink is counted over what the column's boxes usually show on that side (a grid printed or
    # scanned a little off puts the next column's outline in every box's zone): two sides
    # inked by the marks above and beside, plus that, read a tick's neighbour as ringed.
    # A side facing a clearly marked box holds that mark's ink (a fill or tick spills into
    # the gap the two boxes share): no ring's evidence (p51: fills beside a clean box, above
    # and left of it, read it as ringed and doubted the column's own mark).
    g = np.asarray(group)
    sides, corners = column_zones(group, c)
    inked = (sides > RING_GAP).sum(axis=1)
    round_ = g[inked >= 3]
    if not len(round_):
        inked = inked + (corners > RING_GAP).sum(axis=1)
        round_ = g[(np.minimum(sides[:, 2], sides[:, 3]) > RING_GAP) & (inked >= 5)]
    return int(round_[0]) if len(round_) == 1 else None


def ringed_in_column(group: list[int], c: BoxCalls,
                     rings: list[int] | None = None) -> tuple[int | None, bool]:
    """The digit ringed in a grid column, and whether it can be read as the column's answer.

    In a tight grid a ring has no room of its own: it runs through the gaps around its box
    (on three sides at least) and its arcs cross the boxes next to it. The box is the one of
    the column with such ink round it, when the column has no clear mark (else None); it is
    the answer when the column's other marks are light and right beside it or beside another
    column's ringed box (``rings``: its arcs).
    """
    if c.zones is None or any(c.net[i] >= CLEAR or c.cancelled[i] for i in group):
        return None, False
    r = ring_in_column(group, c)
    if r is None:
        return None, False
    centres, w = c.zones[2], c.zones[3]
    marked = [i for i in group if c.net[i] >= c.low and i != r]
    return r, all(any(np.abs(centres[i] - centres[k]).max() <= 1.7 * w[k]
                      for k in {r, *(rings or ())}) for i in marked)
