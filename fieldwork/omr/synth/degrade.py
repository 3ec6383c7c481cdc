"""Making a clean page raster look scanned or photographed, reproducibly from a seed."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass
class Scan:
    """The degradations applied to one page (kept with the ground truth)."""

    rotation: int = 0  # quarter turns, degrees clockwise
    skew: float = 0.0  # degrees
    perspective: float = 0.0  # largest corner displacement, share of the page size
    blur: float = 0.0  # Gaussian sigma in pixels
    noise: float = 0.0  # grey levels
    light: float = 0.0  # depth of the uneven-lighting dip (0 none)
    black: int = 0  # grey level of printed black after scanning
    white: int = 255  # grey level of the paper
    jpeg: int = 0  # quality, 0 for lossless
    bilevel: bool = False  # a 1-bit scanner
    border: int = 255  # grey of the scanner background around a skewed page
    container: str = ""  # file written: png, jpg, pdf (a JPEG inside) or tiff (bilevel, G4)

    def to_dict(self) -> dict:
        """As a JSON-ready dict."""
        return asdict(self)


def random_scan(rng: np.random.Generator, pencil: bool = False, hard: bool = True) -> Scan:
    """Draw a degradation: mostly mild, sometimes harsh (``hard``), as in a real batch."""
    r = rng.random()
    skew = (rng.uniform(-1, 1) if r < 0.6 else rng.uniform(-4, 4) if r < 0.9 or not hard
            else rng.uniform(-10, 10))
    s = Scan(
        rotation=int(rng.choice([0, 90, 180, 270], p=[0.7, 0.1, 0.1, 0.1])),
        skew=float(skew),
        perspective=float(rng.uniform(0, 0.006 if hard else 0.002)),
        blur=float(rng.choice([0, rng.uniform(0.3, 1.3)])),
        noise=float(rng.uniform(0, 12 if hard else 5)),
        light=float(rng.uniform(0, 0.45) if rng.random() < 0.4 else 0.0),
        black=int(rng.integers(0, 90 if hard else 40)),
        white=int(rng.integers(205, 256)),
        jpeg=int(rng.integers(35, 95)) if rng.random() < 0.5 else 0,
        border=int(rng.choice([255, 255, 60, 200])),
    )
    s.bilevel = bool(hard and not pencil and rng.random() < 0.06)
    if s.bilevel:  # a bilevel scanner lights evenly and thresholds between paper and ink
        s.light, s.blur = 0.0, min(s.blur, 0.8)
    s.container = "tiff" if s.bilevel else ("png" if not s.jpeg else
                                            str(rng.choice(["jpg", "pdf"])))
    return s


def _geometry(img: np.ndarray, s: Scan, rng: np.random.Generator) -> np.ndarray:
    import cv2

    img = np.rot90(img, k=-(s.rotation // 90)) if s.rotation else img
    h, w = img.shape
    a = np.deg2rad(s.skew)
    cw = int(abs(w * np.cos(a)) + abs(h * np.sin(a))) + 40
    ch = int(abs(w * np.sin(a)) + abs(h * np.cos(a))) + 40
    src = np.float32([(0, 0), (w, 0), (0, h), (w, h)])
    c, sn = np.cos(a), np.sin(a)
    centred = src - (w / 2, h / 2)
    rot = np.column_stack([centred[:, 0] * c - centred[:, 1] * sn,
                           centred[:, 0] * sn + centred[:, 1] * c]) + (cw / 2, ch / 2)
    rot += rng.uniform(-1, 1, (4, 2)) * s.perspective * max(w, h)
    m = cv2.getPerspectiveTransform(src, np.float32(rot))
    return cv2.warpPerspective(img, m, (cw, ch), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=s.border)


def _light(shape, depth: float, rng: np.random.Generator) -> np.ndarray:
    import cv2

    small = rng.uniform(0, 1, (4, 3)).astype(np.float32)
    field = cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)
    field = (field - field.min()) / max(float(np.ptp(field)), 1e-6)
    return 1.0 - depth * field


def degrade(img: np.ndarray, s: Scan, rng: np.random.Generator) -> np.ndarray:
    """Apply ``s`` (all but JPEG, see ``encode``) to a clean grey page (uint8)."""
    import cv2

    out = _geometry(img, s, rng).astype(np.float32)
    out *= (s.white - s.black) / 255.0  # in place: the same float32 steps, less memory traffic
    out += s.black
    if s.light:
        out *= _light(out.shape, s.light, rng)
    if s.blur:
        out = cv2.GaussianBlur(out, (0, 0), s.blur)
    if s.noise:
        out += rng.normal(0, s.noise, out.shape).astype(np.float32)
    np.clip(out, 0, 255, out=out)
    out = out.astype(np.uint8)
    if s.bilevel:
        threshold = s.black + 0.6 * (s.white - s.black)
        out = np.where(out < threshold, 0, 255).astype(np.uint8)
    return out


def encode(img: np.ndarray, s: Scan) -> tuple[bytes, str]:
    """The scan as the file a scanner would save: PNG, JPEG, PDF (JPEG inside) or G4 TIFF."""
    import io

    import cv2

    kind = s.container or ("jpg" if s.jpeg else "png")
    if kind == "tiff":
        from PIL import Image

        buf = io.BytesIO()
        Image.fromarray(img).convert("1").save(buf, format="TIFF", compression="group4")
        return buf.getvalue(), "tif"
    if kind in ("jpg", "pdf"):
        ok, jpg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, s.jpeg or 85])
        if kind == "jpg":
            return jpg.tobytes(), "jpg"
        return _pdf(jpg.tobytes(), img.shape), "pdf"
    ok, buf = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    return buf.tobytes(), "png"


def _pdf(jpeg: bytes, shape: tuple[int, int]) -> bytes:
    """A one-page PDF holding a JPEG full page, as scanners write them."""
    import io

    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    h, w = shape
    size = (595.28, 595.28 * h / w) if h >= w else (841.89, 841.89 * h / w)
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=size)
    c.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, *size)
    c.showPage()
    c.save()
    return buf.getvalue()
