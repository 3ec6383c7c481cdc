"""A sheet through a feeder or onto a flatbed: where it lands, what is lost, what is added.

Every draw is independent: the sheet lands shifted, scaled and skewed inside a
frame the size of the paper (an automatic feeder crops to the paper size), so
corner marks can end up cut at the frame's edge; corners can be dog-eared or
torn, a mark can be missing; the back page shows through, the feeder leaves
streaks, the scanner may dither to one bit.  ``Feed.classes`` names what was
done, for per-class figures.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field

import numpy as np

DPIS = {150: 0.15, 200: 0.2, 300: 0.45, 400: 0.1, 600: 0.1}
BAD = ("two_torn", "overlap", "finger")  # damaged input: read if certain, else rejected


@dataclass
class Feed:
    """One page's scan: geometry, damage, scanner effects and the file written."""

    dpi: int = 300
    quarter: int = 0  # clockwise quarter turns in degrees
    skew: float = 0.0
    scale: float = 1.0
    shift: tuple = (0.0, 0.0)  # millimetres
    margin: float = 0.0  # millimetres of scanner bed around the paper's frame
    background: int = 240
    cut_corners: list = field(default_factory=list)  # (corner 0-3, leg mm)
    missing_mark: int = -1  # corner whose mark is covered or torn away
    bad: str = ""
    streaks: int = 0
    show_through: float = 0.0
    mode: str = "grey"  # grey, bilevel, dither
    blur: float = 0.0  # millimetres
    noise: float = 0.0
    black: int = 0
    white: int = 250
    light: float = 0.0
    container: str = "jpg"
    quality: int = 85

    def classes(self) -> list[str]:
        """The classes of this page for per-class figures."""
        out = [f"dpi_{self.dpi}", f"rotation_{self.quarter}", self.mode, self.container]
        out.append("skew_over_2" if abs(self.skew) > 2 else "skew_upto_2")
        if abs(self.shift[0]) > 5 or abs(self.shift[1]) > 5 or abs(self.scale - 1) > 0.02:
            out.append("shift_or_scale_large")
        out += ["cut_corner"] * bool(self.cut_corners) + ["missing_mark"] * (
            self.missing_mark >= 0) + ["streaks"] * bool(self.streaks) + [
            "show_through"] * bool(self.show_through) + ([self.bad] if self.bad else [])
        return out

    def to_dict(self) -> dict:
        """JSON-ready."""
        return asdict(self)


def draw(rng: np.random.Generator, dpis: tuple | None = None) -> Feed:
    """An independent draw of everything a scan does to one page."""
    choices = [d for d in DPIS if dpis is None or d in dpis] or list(dpis)
    w = np.array([DPIS.get(d, 0.1) for d in choices])
    f = Feed(dpi=int(rng.choice(choices, p=w / w.sum())))
    f.quarter = int(rng.choice([0, 90, 180, 270], p=[0.55, 0.15, 0.15, 0.15]))
    r = rng.random()
    f.skew = float(np.clip(rng.normal(0, 0.8), -2, 2) if r < 0.65 else
                   rng.uniform(-3.5, 3.5) if r < 0.95 else rng.uniform(-8, 8))
    f.scale = float(rng.uniform(0.97, 1.03) if rng.random() < 0.9 else rng.uniform(0.95, 1.05))

    def shift() -> float:
        r = rng.random()
        return float(rng.normal(0, 1.5) if r < 0.6 else rng.uniform(-7, 7) if r < 0.95
                     else rng.uniform(-11, 11))

    f.shift = (shift(), shift())
    r = rng.random()
    f.margin = 0.0 if r < 0.5 else float(rng.uniform(1, 6) if r < 0.8 else rng.uniform(6, 20))
    f.background = int(rng.choice([245, 235, 40, 150], p=[0.35, 0.2, 0.3, 0.15]))
    if rng.random() < 0.08:
        f.cut_corners = [(int(rng.integers(4)), float(rng.uniform(8, 22)))]
    if rng.random() < 0.04:
        f.missing_mark = int(rng.integers(4))
    r = rng.random()
    f.bad = "two_torn" if r < 0.01 else "overlap" if r < 0.02 else "finger" if r < 0.035 else ""
    f.streaks = int(rng.integers(1, 4)) if rng.random() < 0.1 else 0
    f.show_through = float(rng.uniform(0.04, 0.15)) if rng.random() < 0.15 else 0.0
    r = rng.random()
    f.mode = "dither" if r < 0.06 else "bilevel" if r < 0.12 else "grey"
    f.blur = float(rng.uniform(0.03, 0.12)) if rng.random() < 0.3 else 0.0
    f.noise = float(rng.uniform(0, 8))
    f.black = int(rng.integers(0, 70))
    f.white = int(rng.integers(200, 256))
    f.light = float(rng.uniform(0.05, 0.35)) if rng.random() < 0.3 else 0.0
    if f.mode == "grey":
        f.container = str(rng.choice(["jpg", "png", "pdf", "tiff"], p=[0.45, 0.15, 0.25, 0.15]))
    else:
        f.container = str(rng.choice(["tiff", "pdf", "png"], p=[0.7, 0.2, 0.1]))
    f.quality = int(rng.integers(45, 95))
    return f


def _corner_poly(corner: int, leg: float, w: float, h: float) -> np.ndarray:
    """A triangle of paper lost at a corner (0 TL, 1 TR, 2 BL, 3 BR), in page pixels."""
    x, y = (0.0 if corner in (0, 2) else w), (0.0 if corner in (0, 1) else h)
    sx, sy = (1 if corner in (0, 2) else -1), (1 if corner in (0, 1) else -1)
    return np.array([(x - sx * leg, y - sy * leg), (x + sx * leg, y - sy * leg),
                     (x - sx * leg, y + sy * leg)])


def scan(page: np.ndarray, back: np.ndarray | None, other: np.ndarray | None,
         marks: list[tuple], f: Feed, rng: np.random.Generator) -> np.ndarray:
    """The grey (or 1-bit) image a scanner makes of ``page`` (marks: corner marks, points)."""
    import cv2

    px = f.dpi / 25.4
    img = page.astype(np.float32)
    h, w = img.shape
    if f.show_through and back is not None:
        b = cv2.GaussianBlur(back[:, ::-1].astype(np.float32), (0, 0), 0.4 * px)
        img *= 1.0 - f.show_through * (1.0 - cv2.resize(b, (w, h)) / 255.0)
    lost = [_corner_poly(c, leg * px, w, h) for c, leg in f.cut_corners]
    if f.bad == "two_torn":
        pair = rng.choice(4, 2, replace=False)
        lost += [_corner_poly(int(c), rng.uniform(24, 34) * px, w, h) for c in pair]
    if f.missing_mark >= 0 and marks:
        x0, y0, x1, y1 = (v * f.dpi / 72 for v in marks[f.missing_mark])
        g = 1.5 * px
        cv2.rectangle(img, (int(x0 - g), int(y0 - g)), (int(x1 + g), int(y1 + g)), 255, -1)
    # Paper onto the frame: skew about the centre, scale, shift, inside a bed margin.
    fw, fh = int(w + 2 * f.margin * px), int(h + 2 * f.margin * px)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -f.skew, f.scale)
    m[:, 2] += (fw - w) / 2 + f.shift[0] * px, (fh - h) / 2 + f.shift[1] * px
    paper = np.full((h, w), 255, np.uint8)
    for poly in lost:
        cv2.fillPoly(paper, [np.round(poly).astype(np.int32)], 0)
    inside = cv2.warpAffine(paper, m, (fw, fh), flags=cv2.INTER_LINEAR, borderValue=0)
    frame = cv2.warpAffine(img, m, (fw, fh), flags=cv2.INTER_LINEAR, borderValue=255)
    a = inside.astype(np.float32)
    a /= 255.0
    frame *= a  # in place, the same float32 steps as frame * a + background * (1 - a)
    np.subtract(1, a, out=a)
    a *= f.background
    frame += a
    del a, inside
    if f.bad == "overlap" and other is not None:
        frame = _overlap(frame, other, rng, px)
    elif f.bad == "finger":
        frame = _finger(frame, rng, px, m, marks, f.dpi)
    for _ in range(f.streaks):
        x = int(rng.integers(0, fw))
        width = max(1, int(rng.uniform(0.1, 0.35) * px))
        frame[:, x:x + width] = (frame[:, x:x + width] * rng.uniform(0.3, 0.7)
                                 if rng.random() < 0.7 else 255)
    frame = np.rot90(frame, k=-(f.quarter // 90))
    return _photometric(np.ascontiguousarray(frame), f, rng, px)


def _overlap(frame: np.ndarray, other: np.ndarray, rng, px: float) -> np.ndarray:
    """Another sheet lying over part of this one, from one side, at an angle."""
    import cv2

    fh, fw = frame.shape
    o = cv2.resize(other.astype(np.float32), (fw, fh))
    reach = rng.uniform(0.12, 0.35)
    m = cv2.getRotationMatrix2D((fw / 2, fh / 2), rng.uniform(-6, 6), 1.0)
    side = int(rng.integers(4))
    dx, dy = [(-(1 - reach) * fw, 0), ((1 - reach) * fw, 0), (0, -(1 - reach) * fh),
              (0, (1 - reach) * fh)][side]
    m[:, 2] += dx, dy
    cover = cv2.warpAffine(np.ones_like(o), m, (fw, fh), borderValue=0)
    top = cv2.warpAffine(o, m, (fw, fh), borderValue=255)
    edge = cv2.GaussianBlur(cover, (0, 0), 0.8 * px) - cover  # a thin shadow along the edge
    return frame * (1 - cover) + top * cover + 120 * np.clip(edge, -1, 0)


def _finger(frame, rng, px, m, marks, dpi) -> np.ndarray:
    """A fingertip pressed near a corner mark (a soft dark blob)."""
    import cv2

    fh, fw = frame.shape
    k = int(rng.integers(len(marks))) if marks else 0
    if marks:
        x0, y0, x1, y1 = (v * dpi / 72 for v in marks[k])
        c = m @ np.array([(x0 + x1) / 2, (y0 + y1) / 2, 1.0])
    else:
        c = np.array([0.1 * fw, 0.1 * fh])
    c += rng.normal(0, 4 * px, 2)
    blob = np.zeros((fh, fw), np.float32)
    cv2.ellipse(blob, (int(c[0]), int(c[1])), (int(8 * px), int(12 * px)),
                float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
    blob = cv2.GaussianBlur(blob, (0, 0), 1.5 * px)
    tone = rng.uniform(70, 150)
    return frame * (1 - blob) + tone * blob


def _photometric(img: np.ndarray, f: Feed, rng, px: float) -> np.ndarray:
    import cv2

    out = img  # in place (``img`` is the caller's last use): the same float32 steps
    out *= (f.white - f.black) / 255.0
    out += f.black
    if f.light:
        small = rng.uniform(1 - f.light, 1.0, (3, 3)).astype(np.float32)
        out *= cv2.resize(small, (out.shape[1], out.shape[0]), interpolation=cv2.INTER_CUBIC)
    if f.blur:
        out = cv2.GaussianBlur(out, (0, 0), f.blur * px)
    if f.noise:  # drawn a band of rows at a time: the same numbers, less memory
        step = max(1, (1 << 20) // out.shape[1])
        for y in range(0, out.shape[0], step):
            band = out[y:y + step]
            band += rng.normal(0, f.noise, band.shape).astype(np.float32)
    np.clip(out, 0, 255, out=out)
    out = out.astype(np.uint8)
    if f.mode == "bilevel":
        level = f.black + rng.uniform(0.45, 0.65) * (f.white - f.black)
        out = np.where(out < level, 0, 255).astype(np.uint8)
    return out


def encode(img: np.ndarray, f: Feed) -> tuple[bytes, str]:
    """The file the scanner writes: JPEG, PNG, PDF (an image inside) or TIFF."""
    from PIL import Image

    im = Image.fromarray(img)
    if f.mode == "dither":
        im = im.convert("1")  # Floyd-Steinberg error diffusion
    elif f.mode == "bilevel":
        im = im.convert("1", dither=Image.Dither.NONE)
    buf = io.BytesIO()
    dpi = (f.dpi, f.dpi)
    if f.container == "tiff":
        im.save(buf, "TIFF", compression="group4" if im.mode == "1" else "tiff_lzw", dpi=dpi)
        return buf.getvalue(), "tif"
    if f.container == "pdf":
        extra = {} if im.mode == "1" else {"quality": f.quality}  # 1-bit: G4 inside
        im.save(buf, "PDF", resolution=float(f.dpi), **extra)
        return buf.getvalue(), "pdf"
    if f.container == "png" or im.mode == "1":
        im.save(buf, "PNG", dpi=dpi)
        return buf.getvalue(), "png"
    im.save(buf, "JPEG", quality=f.quality, dpi=dpi)
    return buf.getvalue(), "jpg"
