"""Rings drawn tightly around a box: a quick hand's loop that runs over the box's own outline,
cuts its corners and crosses the thin paper beside it, too close for the halo bands.

Each box is looked at in a narrow band around its printed outline, from a little inside
it to a little outside, split into sectors by angle round its centre. The printed outline
itself, every other box (its outline and what is in it) and the option texts are left out;
the ink most boxes of the same size show in a sector is print or the scan's noise, and is
not counted. A ring is ink in most of the remaining sectors, on at least three sides,
round a box that holds no mark of its own. On a one-bit scan its ink must also lie past the
pixel right outside the outline's margin (``SHELL_PX``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import order
from .levels import CLEAR, LOW
from .pairs import distances, offsets, within

SECTORS = 16
OUTLINE_PT = 0.75  # half the printed outline and its blur, points: never counted
INSIDE = 0.15  # the band reaches this share of the box's side inside its outline
OUTSIDE = 0.45  # ... and this share outside it
INK = 90  # darkness (of 255: printed black) of a pen stroke: the back page's ghost is fainter
HIT_PT2 = 0.9  # ink (square points) beyond the usual that makes a sector's stroke
PRINT = 0.5  # a sector where the usual ink covers this share of its paper is print
COVER = 0.65  # share of the counted sectors a ring shows ink in
MIN_COUNTED = 10  # ... of at least this many sectors
NEAREST = 8  # boxes whose usual ink is a box's print
SHELL_PX = 1.0  # on a one-bit scan, a box's outline may come out this much heavier all round:
SHELL_COVER = 0.2  # ... a ring still shows ink past it in this share of the sectors


def hugged(dark: np.ndarray, rects: np.ndarray, texts: np.ndarray | None, scale: float,
           marked: np.ndarray, inked: np.ndarray | None = None,
           one_bit: bool = False) -> np.ndarray:
    """Boxes (N bool) with a tight ring drawn round them, but for those ``marked``.

    Paper facing a box with ink in it (``inked``: a fill spilling over, a cross's arms, a
    tick's stroke) is not looked at; two boxes side by side both with ink round them are
    neither (a bigger ring round one, its arcs across the other: left to the reader's
    other rules). ``one_bit``: a one-bit scan, where a box's printed outline may come out a
    pixel heavier all round (its blur across two pixels of a scaled scan, both under the
    threshold); a ring must still show ink in ``SHELL_COVER`` of the sectors with that pixel
    left out (``SHELL_PX``). Paper tuning sets at 150 dpi: p65 sheets 190 and 300, p51 sheet
    227, such a box beside the answer went to a person as "ring other" (0.69-0.94 of the
    sectors, 0-0.12 past the pixel); a hand's loop runs further out (drawn rings and rings
    round a text that take in the box: 0.62-1.0 past it). Not on grey scans, which show no
    such outlines: three tight rings of p65 fell under ``COVER`` with the pixel left out.
    A thin pen's loop drawn right against the outline (0.3 mm, 0.56-0.6 box sides round the
    middle) keeps only the ink where it cuts the box's corners: 0.25-0.44 past the pixel at
    150 and 200 dpi, so ``SHELL_COVER`` stays under that (at 0.4 such a ring beside a filled
    box was read as the fill alone: a silent error).
    """
    n = len(rects)
    out = np.zeros(n, bool)
    if n == 0:
        return out
    room = _room(rects, texts)
    centres = rects[:, :2] + rects[:, 2:] / 2
    shun = np.zeros((n, 3, 3), bool)  # [box, y + 1, x + 1]: paper facing an inked box
    if inked is not None:  # each box against the inked boxes only (no box faces itself)
        some = np.flatnonzero(inked)
        rx, ry = offsets(centres, centres[some], rects[:, 2])
        close = (np.maximum(np.abs(rx), np.abs(ry)) < 1.9) & \
            (some[None, :] != np.arange(n)[:, None])
        for i, j in zip(*np.nonzero(close), strict=True):
            sx, sy = _step(rx[i, j]), _step(ry[i, j])
            if sx and sy:
                shun[i, sy + 1, sx + 1] = True
            elif sx:
                shun[i, :, sx + 1] = True
            else:
                shun[i, sy + 1, :] = True
    sizes = np.round(rects[:, 2] / scale, 1)
    for s in np.unique(sizes):
        group = np.flatnonzero(sizes == s)
        args = dark, rects[group], room[group], shun[group], centres[group], scale
        cover, sides, n_use = _cover(*args)
        found = (cover >= COVER) & (n_use >= MIN_COUNTED) & (sides >= 3)
        if one_bit and found.any():  # still seen without the pixel next to the outline
            found &= _cover(*args, SHELL_PX)[0] >= SHELL_COVER
        out[group] = found
    out &= ~marked
    # Two such boxes side by side (each against the others found).
    some = np.flatnonzero(out)
    rx, ry = offsets(centres[some], centres[some], rects[some, 2])
    close = np.maximum(np.abs(rx), np.abs(ry)) < 1.9
    np.fill_diagonal(close, False)
    out[some[close.any(axis=1)]] = False
    return out


def _cover(dark: np.ndarray, rects: np.ndarray, room: np.ndarray, shun: np.ndarray,
           centres: np.ndarray, scale: float,
           shell: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For boxes of one size: the share of their counted sectors with ink beyond the usual,
    the number of their sides with such a sector, and the number of sectors counted
    (``shell``: pixels past the outline's margin left out besides)."""
    ink, paper = _sector_ink(dark, rects, room, shun, scale, shell)
    # What the nearest boxes of this size show in a sector is print (its weight varies
    # over a page) or the scan's noise.
    usual = _usual(ink, centres)
    need = HIT_PT2 * scale * scale
    hits = ink - usual >= need
    use = (paper >= 4 * need) & (usual < PRINT * order.median(paper, axis=0)[None, :])
    n_use = use.sum(axis=1)
    cover = (hits & use).sum(axis=1) / np.maximum(n_use, 1)
    sides = np.zeros((len(rects), 4), bool)  # right, bottom, left, top
    for k in range(4):  # a side's sectors: 45 degrees either way of its middle
        sec = (4 * k - 2 + np.arange(4)) % SECTORS
        sides[:, k] = (hits & use)[:, sec].any(axis=1)  # a side not looked at is not one
    return cover, sides.sum(axis=1), n_use


def _step(rel: float) -> int:
    """Which way (-1, 0, 1) a box lies along one axis, ``rel`` box sides off."""
    return 1 if rel > 0.5 else -1 if rel < -0.5 else 0


def _usual(ink: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Each box's usual ink per sector: the median of its nearest boxes of the same size."""
    if len(ink) < 4:
        return np.zeros_like(ink, dtype=np.float64)
    k = min(NEAREST, len(ink) - 1)
    d = distances(centres, centres)
    np.fill_diagonal(d, np.inf)
    near = np.argpartition(d, k - 1, axis=1)[:, :k]
    return order.median(ink[near], axis=1)


def _room(rects: np.ndarray, texts: np.ndarray | None) -> np.ndarray:
    """Free paper (pixels) from each box to the nearest box or option text right of it, below
    it, left of it and above it (N×4; large where there is none)."""
    x, y, w, h = rects.T
    n = len(x)
    # Against the boxes of its row (column) only, found a pixel wider than ``level``
    # (``column``) asks: the same boxes pass, the same floats come out as against all; against
    # every option text (a few, and wide).
    rows = within(y, y - h.max(initial=0) - 1, y + h + 1)
    cols = within(x, x - w.max(initial=0) - 1, x + w + 1)
    sets = [(rects, rows, cols)]
    if texts is not None and np.isfinite(texts[:, 0]).any():
        t = texts[np.isfinite(texts[:, 0])]
        every = (np.broadcast_to(np.arange(len(t)), (n, len(t))), np.ones((n, len(t)), bool))
        sets.append((t, every, every))
    far = 1e6
    out = np.full((n, 4), far)
    for others, (jr, okr), (jc, okc) in sets:
        ox, oy, ow, oh = others.T
        level = okr & (oy[jr] < (y + h)[:, None]) & ((oy + oh)[jr] > y[:, None])
        column = okc & (ox[jc] < (x + w)[:, None]) & ((ox + ow)[jc] > x[:, None])
        right = ox[jr] - (x + w)[:, None]
        down = oy[jc] - (y + h)[:, None]
        left = x[:, None] - (ox + ow)[jr]
        up = y[:, None] - (oy + oh)[jc]
        for k, (gap, along) in enumerate(((right, level), (down, column), (left, level),
                                          (up, column))):
            out[:, k] = np.minimum(out[:, k], np.where(along & (gap > -0.5), gap,
                                                       far).min(axis=1))
    return out


def _sector_ink(dark: np.ndarray, rects: np.ndarray, room: np.ndarray, shun: np.ndarray,
                scale: float, shell: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Per box and sector: pixels of ink, and pixels looked at (``shell``: pixels past the
    outline's margin not looked at either).

    Boxes of one size share one pattern of band and sectors, laid on each box's nearest
    whole pixel (half a pixel off at most, within the outline's margin); the band stops
    short of the next box or text (``room``) on each side.
    """
    side, tall = float(rects[0, 2]), float(rects[0, 3])
    kx, ky, flat, starts, pu, pv, zone = _pattern(side, tall, float(scale), float(shell))
    cx, cy = rects[:, 0] + rects[:, 2] / 2, rects[:, 1] + rects[:, 3] / 2
    x0 = np.round(cx - kx / 2).astype(np.intp)
    y0 = np.round(cy - ky / 2).astype(np.intp)
    e = OUTLINE_PT * scale
    own = np.ones((len(rects), len(flat)), bool)
    for k, past in enumerate((pu - side / 2, pv - tall / 2, -pu - side / 2, -pv - tall / 2)):
        limit = room[:, k] - e
        close = np.flatnonzero(limit < past.max())
        if len(close):
            own[close] &= (past[None, :] < limit[close, None]) | (past[None, :] <= 0)
    shun = shun.reshape(len(rects), 9)
    facing = np.flatnonzero(shun.any(axis=1))  # the other boxes' rows: nothing shunned
    if len(facing):
        own[facing] &= ~shun[facing][:, zone]
    h, w = dark.shape
    x0 = np.clip(x0, 0, w - kx)  # boxes lie well inside the page; never read off it
    y0 = np.clip(y0, 0, h - ky)
    at = (y0 * w + x0)[:, None] + ((flat // kx) * w + flat % kx)[None, :]
    ink = own & (dark.ravel()[at] >= INK)
    return (np.add.reduceat(ink, starts, axis=1, dtype=np.int32),
            np.add.reduceat(own, starts, axis=1, dtype=np.int32))


@lru_cache(maxsize=32)
def _pattern(side: float, tall: float, scale: float, shell: float = 0.0) -> tuple:
    """The band round a box of ``side`` × ``tall`` pixels and its sectors (``shell``: pixels
    past the outline's margin left out), laid out once for every page of that size and scale
    (and shell): the window's width and height, the band's pixels
    (flat indices in the window, sector by sector), where each sector starts, the pixels'
    offsets from the box's centre (x, y), and which of the nine zones round the box each
    lies in (read-only arrays)."""
    pad = int(np.ceil(OUTSIDE * max(side, tall))) + 2
    kx, ky = int(np.ceil(side)) + 2 * pad, int(np.ceil(tall)) + 2 * pad
    # The pattern: pixel centres from the box centre, their signed distance to the outline.
    u = np.arange(kx) + 0.5 - kx / 2
    v = np.arange(ky) + 0.5 - ky / 2
    dx = np.abs(u)[None, :] - side / 2
    dy = np.abs(v)[:, None] - tall / 2
    sd = np.where((dx > 0) | (dy > 0), np.hypot(np.maximum(dx, 0), np.maximum(dy, 0)),
                  np.maximum(dx, dy))
    e = OUTLINE_PT * scale
    band = (sd > -INSIDE * side) & (sd < OUTSIDE * side) & (np.abs(sd) > e + shell)
    ang = np.arctan2(v[:, None], u[None, :])  # 0 right, pi/2 down (image rows)
    sector = np.floor(ang / (2 * np.pi) * SECTORS).astype(np.intp) % SECTORS
    flat = np.flatnonzero(band)
    flat = flat[np.argsort(sector.ravel()[flat], kind="stable")]  # sector by sector
    starts = np.searchsorted(sector.ravel()[flat], np.arange(SECTORS))
    # How far past each side a band pixel lies (negative: not past it); the band stops
    # short of the next box or text.
    pu, pv = u[flat % kx], v[flat // kx]
    zone = ((np.sign(np.maximum(np.abs(pv) - tall / 2, 0)) * np.sign(pv) + 1) * 3 +
            np.sign(np.maximum(np.abs(pu) - side / 2, 0)) * np.sign(pu) + 1).astype(np.intp)
    for a in (flat, starts, pu, pv, zone):
        a.setflags(write=False)
    return kx, ky, flat, starts, pu, pv, zone


def add_rings(c, m, dark: np.ndarray, boxes: list[dict], one_bit: bool = False) -> None:
    """Count tight rings among the rings around boxes of ``c`` (``judge.BoxCalls``;
    ``one_bit``: a one-bit scan)."""
    if c.around is None or not len(boxes):
        return
    scale = float(order.median(m.rects[:, 2] / np.array([b["w"] for b in boxes], float)))
    # A ring cutting the box's corners or running along inside its edge puts a little ink in
    # it; the middle of the box stays clean (else it holds a mark of its own).
    held = (c.net >= CLEAR) | (m.core - order.median(m.core) >= LOW)
    tight = hugged(dark, m.rects, m.texts, scale, held, c.net >= c.low, one_bit)
    c.around |= tight
    c.ringish |= tight
