"""One page geometry for the printer and the reader.

Convention, used by every layout file and every function here:

* unit: the PDF point (1/72 inch); ``mm()`` and ``to_mm()`` convert;
* origin: the top-left corner of the page; x grows to the right, **y grows
  downward** (like image rows, unlike ReportLab's bottom-up canvas);
* a rectangle is ``(x, y, w, h)``: its top-left corner and its size.

Printing converts to ReportLab's bottom-up space with ``to_pdf_rect``; the
reader converts to raster pixels with ``layout_to_pixels``.  Nothing else
needs to know about either space.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace

POINTS_PER_INCH = 72.0
MM_PER_INCH = 25.4
A4 = (595.2756, 841.8898)  # 210 x 297 mm in points

# Corner-mark order, fixed so the reader can match marks to layout entries.
CORNERS = ("top_left", "top_right", "bottom_left", "bottom_right")


def mm(value: float) -> float:
    """Millimetres to PDF points."""
    return value * POINTS_PER_INCH / MM_PER_INCH


def to_mm(points: float) -> float:
    """PDF points to millimetres."""
    return points * MM_PER_INCH / POINTS_PER_INCH


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle: top-left corner (x, y) and size (w, h)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        """The x coordinate of the right edge."""
        return self.x + self.w

    @property
    def bottom(self) -> float:
        """The y coordinate of the bottom edge (y grows downward)."""
        return self.y + self.h

    @property
    def center(self) -> tuple[float, float]:
        """The centre point (x, y)."""
        return (self.x + self.w / 2, self.y + self.h / 2)

    def inset(self, d: float) -> Rect:
        """The rectangle shrunk by ``d`` on every side (grown if negative)."""
        return Rect(self.x + d, self.y + d, self.w - 2 * d, self.h - 2 * d)

    def scaled(self, factor: float) -> Rect:
        """Every coordinate multiplied by ``factor`` (a change of unit)."""
        return Rect(self.x * factor, self.y * factor, self.w * factor, self.h * factor)

    def bounds(self) -> tuple[int, int, int, int]:
        """Integer ``(x0, y0, x1, y1)`` rounded to the nearest unit."""
        return (round(self.x), round(self.y), round(self.right), round(self.bottom))

    def to_dict(self, ndigits: int = 2) -> dict:
        """A JSON-ready dict with coordinates rounded to ``ndigits``."""
        return {k: round(v, ndigits) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping) -> Rect:
        """Build from a mapping with keys x, y, w, h (extra keys ignored)."""
        return cls(float(data["x"]), float(data["y"]), float(data["w"]), float(data["h"]))


@dataclass(frozen=True)
class Box(Rect):
    """An answer box: a rectangle tied to a question, option and digit position."""

    question: str = ""
    option: str = ""
    position: int | None = None
    label: Rect | None = None  # the option's printed text beside the box (choice questions)

    def to_dict(self, ndigits: int = 2) -> dict:
        """The layout-JSON form; ``position`` only for digit and date grids, ``label`` when
        the option's text is printed beside the box."""
        out: dict = {"question": self.question, "option": self.option}
        if self.position is not None:
            out["position"] = self.position
        out.update(Rect(self.x, self.y, self.w, self.h).to_dict(ndigits))
        if self.label is not None:
            out["label"] = self.label.to_dict(ndigits)
        return out

    def shifted(self, dy: float) -> Box:
        """The box and its label moved down by ``dy``."""
        label = None if self.label is None else replace(self.label, y=self.label.y + dy)
        return replace(self, y=self.y + dy, label=label)

    @classmethod
    def from_dict(cls, data: Mapping) -> Box:
        """Build from a layout-JSON box entry."""
        r = Rect.from_dict(data)
        label = Rect.from_dict(data["label"]) if data.get("label") else None
        return cls(r.x, r.y, r.w, r.h, str(data.get("question", "")),
                   str(data.get("option", "")), data.get("position"), label)


def _as_rect(rect: Rect | Mapping) -> Rect:
    return rect if isinstance(rect, Rect) else Rect.from_dict(rect)


def corner_marks(page_size: tuple[float, float] = A4, size: float = mm(6),
                 offset: float = mm(8)) -> list[Rect]:
    """The four solid corner marks, in ``CORNERS`` order, ``offset`` from the edges."""
    w, h = page_size
    far_x, far_y = w - offset - size, h - offset - size
    return [Rect(offset, offset, size, size), Rect(far_x, offset, size, size),
            Rect(offset, far_y, size, size), Rect(far_x, far_y, size, size)]


def mark_centers(marks: list[Rect | Mapping]) -> list[tuple[float, float]]:
    """Centre points of corner marks, the reference points for alignment."""
    return [_as_rect(m).center for m in marks]


def qr_rect(page_size: tuple[float, float] = A4, size: float = mm(22),
            right: float = mm(15), top: float = mm(8)) -> Rect:
    """The QR square (quiet zone included) at the top right, ``right`` from the edge."""
    return Rect(page_size[0] - right - size, top, size, size)


def points_to_pixels(value: float, dpi: float) -> float:
    """A length or coordinate in points to pixels at ``dpi``."""
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    return value * dpi / POINTS_PER_INCH


def pixels_to_points(value: float, dpi: float) -> float:
    """A length or coordinate in pixels at ``dpi`` to points."""
    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    return value * POINTS_PER_INCH / dpi


def layout_to_pixels(rect: Rect | Mapping, dpi: float) -> Rect:
    """A layout rectangle (points, top-left origin) in pixels of an upright raster."""
    return _as_rect(rect).scaled(points_to_pixels(1.0, dpi))


def page_pixels(page_size: tuple[float, float], dpi: float) -> tuple[int, int]:
    """The (width, height) in pixels of a page rasterised at ``dpi``."""
    return (round(points_to_pixels(page_size[0], dpi)),
            round(points_to_pixels(page_size[1], dpi)))


def to_pdf_rect(rect: Rect | Mapping, page_height: float) -> tuple[float, float, float, float]:
    """``(x, y_bottom, w, h)`` in ReportLab's bottom-up space for drawing ``rect``."""
    r = _as_rect(rect)
    return (r.x, page_height - r.y - r.h, r.w, r.h)


def to_pdf_y(y: float, page_height: float) -> float:
    """A top-down y coordinate in ReportLab's bottom-up space."""
    return page_height - y


def rect_array(rects, scale: float = 1.0):
    """Rectangles (Rect or layout mappings) as an N×4 float array of x, y, w, h times ``scale``."""
    import numpy as np

    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    # Layout mappings are read directly: a frozen Rect built for each of a page's boxes,
    # several times a page, was 1 % of the reading time.
    rows = [(r.x, r.y, r.w, r.h) if isinstance(r, Rect) else
            (float(r["x"]), float(r["y"]), float(r["w"]), float(r["h"])) for r in rects]
    return np.array(rows, dtype=np.float64).reshape(-1, 4) * scale
