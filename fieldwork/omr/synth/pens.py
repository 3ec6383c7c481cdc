"""Drawing hand marks into an ink layer: solid fills, ticks, crosses, pencil, partial, strays.

An ink layer is a float32 array of opacity (0 none .. 1 full) the size of the page
raster; ``apply_ink`` darkens the page with it.  Coordinates are pixels; a mark is
drawn relative to a box given as ``(x, y, side)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MARK_STYLES = ("solid", "partial", "tick", "cross", "pencil")


@dataclass(frozen=True)
class Pen:
    """How one respondent writes: stroke width (px), ink grey level and pencil texture."""

    width: float
    level: float  # 0 black .. 1 white: the grey of a full stroke after scanning
    pencil: bool = False

    @property
    def opacity(self) -> float:
        """Share of the paper's brightness this pen removes."""
        return 1.0 - self.level


def pen_for(rng: np.random.Generator, px_per_mm: float, pencil: bool = False) -> Pen:
    """A random ballpoint (black or blue) or pencil at this resolution."""
    if pencil:
        return Pen(rng.uniform(0.35, 0.6) * px_per_mm, rng.uniform(0.45, 0.7), True)
    level = rng.uniform(0.05, 0.2) if rng.random() < 0.6 else rng.uniform(0.22, 0.42)
    return Pen(rng.uniform(0.3, 0.55) * px_per_mm, level)


def _window(layer: np.ndarray, pts: np.ndarray, pad: float) -> tuple[int, int, int, int]:
    """The part of ``layer`` a drawing of ``pts`` (16ths of a pixel) can touch, ``pad`` px
    around them: drawing there, not on a whole-page buffer, gives the same pixels."""
    h, w = layer.shape
    lo, hi = pts.reshape(-1, 2).min(axis=0) / 16, pts.reshape(-1, 2).max(axis=0) / 16
    x0, y0 = (max(0, int(np.floor(v - pad))) for v in lo)
    x1, y1 = min(w, int(np.ceil(hi[0] + pad)) + 1), min(h, int(np.ceil(hi[1] + pad)) + 1)
    return x0, y0, max(x0, x1), max(y0, y1)


def _stamp(layer: np.ndarray, box: tuple[int, int, int, int], tmp: np.ndarray,
           opacity: float) -> None:
    x0, y0, x1, y1 = box
    view = layer[y0:y1, x0:x1]
    np.maximum(view, tmp.astype(np.float32) * (opacity / 255.0), out=view)


def _stroke(layer: np.ndarray, pts, pen: Pen, opacity: float | None = None) -> None:
    import cv2

    pts = np.round(np.asarray(pts, np.float64) * 16).astype(np.int32).reshape(-1, 1, 2)
    thick = max(1, int(round(pen.width)))
    box = _window(layer, pts, thick + 4)
    x0, y0, x1, y1 = box
    tmp = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.polylines(tmp, [pts - np.int32([x0 * 16, y0 * 16])], False, 255, thick, cv2.LINE_AA,
                  shift=4)
    _stamp(layer, box, tmp, opacity or pen.opacity)


def _fill_poly(layer: np.ndarray, pts, opacity: float) -> None:
    import cv2

    pts = np.round(np.asarray(pts, np.float64) * 16).astype(np.int32).reshape(-1, 1, 2)
    box = _window(layer, pts, 4)
    x0, y0, x1, y1 = box
    tmp = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.fillPoly(tmp, [pts - np.int32([x0 * 16, y0 * 16])], 255, cv2.LINE_AA, shift=4)
    _stamp(layer, box, tmp, opacity)


def _zigzag(rng, x, y, s, pen: Pen, lo: float, hi: float, left: float, right: float):
    """Back-and-forth strokes covering box rows ``lo..hi`` and columns ``left..right``."""
    step = max(pen.width * rng.uniform(0.55, 0.9), 1.0) / s
    rows = np.arange(lo, hi + 1e-9, step)
    slant = rng.uniform(-0.15, 0.15)
    pts = []
    for i, v in enumerate(rows):
        a = left + rng.normal(0, 0.04)
        b = right + rng.normal(0, 0.04)
        u0, u1 = (a, b) if i % 2 == 0 else (b, a)
        pts += [(x + u0 * s, y + (v + slant * (u0 - 0.5)) * s),
                (x + u1 * s, y + (v + slant * (u1 - 0.5)) * s)]
    return pts


def draw_mark(layer: np.ndarray, box: tuple[float, float, float], style: str, pen: Pen,
              rng: np.random.Generator) -> None:
    """Draw one mark of ``style`` (see ``MARK_STYLES``) into the box ``(x, y, side)``."""
    x, y, s = box
    if style == "solid" or style == "pencil":
        m = rng.uniform(-0.06, 0.1)  # negative: a little over the line
        if rng.random() < 0.5 and not pen.pencil:
            jit = rng.normal(0, 0.03, (4, 2))
            quad = np.array([(m, m), (1 - m, m), (1 - m, 1 - m), (m, 1 - m)]) + jit
            _fill_poly(layer, np.column_stack([x + quad[:, 0] * s, y + quad[:, 1] * s]),
                       pen.opacity)
        else:
            _stroke(layer, _zigzag(rng, x, y, s, pen, m + 0.04, 1 - m - 0.04, m, 1 - m), pen)
    elif style == "partial":
        cover = rng.uniform(0.4, 0.75)
        top = rng.uniform(0.05, 0.95 - cover)
        _stroke(layer, _zigzag(rng, x, y, s, pen, top, top + cover, rng.uniform(0.05, 0.25),
                               rng.uniform(0.75, 0.95)), pen)
    elif style == "tick":
        k = rng.uniform(0.8, 1.25)
        ox, oy = rng.normal(0, 0.06, 2)
        pts = np.array([(0.15, 0.5), (0.42, 0.85), (1.0, -0.1 * k)]) * k + (ox, oy)
        pts[:, 0] += (1 - k) / 2
        _stroke(layer, np.column_stack([x + pts[:, 0] * s, y + pts[:, 1] * s]), pen)
    elif style == "cross":
        o = rng.uniform(-0.1, 0.2)
        j = rng.normal(0, 0.04, (4, 2))
        a = np.array([(-o, -o), (1 + o, 1 + o), (-o, 1 + o), (1 + o, -o)]) + j
        _stroke(layer, [(x + a[0, 0] * s, y + a[0, 1] * s), (x + a[1, 0] * s, y + a[1, 1] * s)],
                pen)
        _stroke(layer, [(x + a[2, 0] * s, y + a[2, 1] * s), (x + a[3, 0] * s, y + a[3, 1] * s)],
                pen)
    elif style == "cancel":  # the printed correction: a cross over the wrong box
        o = rng.uniform(0.12, 0.35)
        for a, b in (((-o, -o), (1 + o, 1 + o)), ((-o, 1 + o), (1 + o, -o))):
            _stroke(layer, [(x + a[0] * s, y + a[1] * s), (x + b[0] * s, y + b[1] * s)], pen)
    else:
        raise ValueError(f"unknown mark style {style!r}")


def draw_stray(layer: np.ndarray, area: tuple[float, float, float, float], pen: Pen,
               rng: np.random.Generator, px_per_mm: float) -> None:
    """A stray stroke (a slip, a test scribble, a pen resting) somewhere in ``area``."""
    x0, y0, x1, y1 = area
    start = np.array([rng.uniform(x0, x1), rng.uniform(y0, y1)])
    n = int(rng.integers(2, 6))
    steps = rng.normal(0, 1, (n, 2)) * px_per_mm * rng.uniform(2, 9)
    pts = np.vstack([start, start + np.cumsum(steps, axis=0)])
    _stroke(layer, pts, pen)


def write_text(layer: np.ndarray, text: str, org: tuple[float, float], height: float,
               pen: Pen) -> None:
    """Hand-writing stand-in (Hershey script) with its baseline starting at ``org``."""
    import cv2

    scale = height / 22.0
    thick = max(1, int(round(pen.width)))
    (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, scale, thick)
    x, y = int(org[0]), int(org[1])
    pad = 2 * (th + base) + 2 * thick + 8  # script glyphs lean past the measured box
    pts = np.int32([[x - pad, y - th - pad], [x + tw + pad, y + base + pad]]) * 16
    box = _window(layer, pts, 0)
    x0, y0, x1, y1 = box
    tmp = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.putText(tmp, text, (x - x0, y - y0), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, scale, 255,
                thick, cv2.LINE_AA)
    _stamp(layer, box, tmp, pen.opacity)


def apply_ink(page: np.ndarray, layer: np.ndarray, texture: np.ndarray | None = None) -> np.ndarray:
    """The page (uint8 grey) darkened by an ink layer, optionally grained like pencil."""
    alpha = layer if texture is None else layer * texture
    keep = np.clip(alpha, 0, 1)
    np.subtract(1.0, keep, out=keep)
    out = page.astype(np.float32)
    out *= keep
    np.clip(out, 0, 255, out=out)
    return out.astype(np.uint8)
