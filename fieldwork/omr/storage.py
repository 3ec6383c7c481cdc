"""Where scans live under FIELDWORK_DATA_DIR: original files, page images, crops.

Paths stored in the database are relative to the data directory, so an
instance can be moved.  Originals are kept byte for byte: every answer can be
traced back to the file it was read from.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from flask import current_app

CROP_MARGIN_PT = 8.0  # around a question's boxes, to show labels and nearby strokes
PREVIEW_SIDE = 1800  # rejected pages are kept as previews this large (the original stays)
BLANK_SIDE = 900  # blank backs are kept as smaller previews still
# A rejected page shown to someone without the contact-data right (``blur_preview``): ink
# features narrower than BLUR_DETAIL_PT are closed away first (handwriting, marked boxes,
# printed text), then the page is shrunk to BLUR_SIDE pixels and blurred. What stays is the
# page's large structure: corner marks, shaded blocks, dark borders, a blank or foreign page.
BLUR_DETAIL_PT = 12.0
BLUR_SIDE = 300
BLUR_SIGMA = 1.2
A4_LONG_PT = 842.0


def data_dir() -> Path:
    """The instance's data directory."""
    return Path(current_app.config["FIELDWORK_DATA_DIR"])


def absolute(relative: str) -> Path:
    """A stored relative path as an absolute path inside the data directory."""
    root = data_dir().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError(f"path outside the data directory: {relative!r}")
    return path


def safe_name(name: str) -> str:
    """A file name reduced to harmless characters (the original is kept in the database)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._")
    return stem[-80:] or "scan"


def store_original(batch_id: int, file_id: int, name: str,
                   source: bytes | Path) -> tuple[str, str, int]:
    """Copy an uploaded or local file into the batch folder: (relative path, sha256, size)."""
    rel = f"scans/{batch_id}/files/{file_id}-{safe_name(name)}"
    dest = absolute(rel)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(source, bytes):
        dest.write_bytes(source)
    else:
        shutil.copyfile(source, dest)
    digest = hashlib.sha256()
    with open(dest, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return rel, digest.hexdigest(), dest.stat().st_size


def save_image(rel: str, image: np.ndarray, quality: int = 88) -> str:
    """Write a grey image as JPEG (pages) or PNG (crops, by extension); returns ``rel``."""
    import cv2

    dest = absolute(rel)
    dest.parent.mkdir(parents=True, exist_ok=True)
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if rel.endswith(".jpg") else \
        [cv2.IMWRITE_PNG_COMPRESSION, 3]
    ok, buf = cv2.imencode(Path(rel).suffix, image, params)
    if not ok:
        raise OSError(f"cannot encode {rel}")
    dest.write_bytes(buf.tobytes())
    return rel


def save_page(batch_id: int, page_id: int | str, image: np.ndarray, upright: bool,
              side: int = PREVIEW_SIDE) -> str:
    """Store a page image: the aligned page as read, or a preview of a rejected page."""
    if not upright and max(image.shape) > side:
        from .align import reduce
        image, _ = reduce(image, side)
    return save_image(f"scans/{batch_id}/pages/{page_id}.jpg", image)


@dataclass
class PageFiles:
    """What was written for one page before its database rows: its image, its text crops
    (question, relative path, whether it holds writing)."""

    image_path: str | None = None
    upright: bool = False
    texts: list[tuple[str, str, bool]] = field(default_factory=list)


def write_page_files(batch_id: int, file_id: int, index: int, result,
                     image: np.ndarray | None) -> PageFiles:
    """Write a page's image and text crops, named by file and page index (not by row id), so
    a page read again after an interrupted run overwrites its own files; nothing in the
    database is touched."""
    stem = f"{int(file_id)}-{int(index)}"
    if result.status == "read" and result.page is not None:
        files = PageFiles(save_page(batch_id, stem, result.page, upright=True), True)
        for region in (result.layout_page or {}).get("text_regions", []):
            rect = (region["x"], region["y"], region["w"], region["h"])
            crop = crop_rect(result.page, rect, result.scale)
            rel = save_image(f"scans/{batch_id}/text/{stem}-{safe_name(region['question'])}.png",
                             crop)
            files.texts.append((region["question"], rel, has_ink(crop)))
        return files
    if image is not None:
        side = BLANK_SIDE if result.status == "blank" else PREVIEW_SIDE
        return PageFiles(save_page(batch_id, stem, image, upright=False, side=side))
    return PageFiles()


def load_grey(rel: str) -> np.ndarray | None:
    """A stored image as a grey array, or None if it is missing."""
    import cv2

    path = absolute(rel)
    if not path.is_file():
        return None
    return cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)


def crop_rect(image: np.ndarray, rect: tuple[float, float, float, float],
              scale: float) -> np.ndarray:
    """Part of an upright page: ``rect`` (x, y, w, h) in points at ``scale`` px per point."""
    x, y, w, h = (v * scale for v in rect)
    hgt, wid = image.shape[:2]
    x0, y0 = max(0, int(x)), max(0, int(y))
    x1, y1 = min(wid, int(np.ceil(x + w))), min(hgt, int(np.ceil(y + h)))
    return image[y0:y1, x0:x1]


def question_rect(boxes: list[dict], page_width: float) -> tuple[float, float, float, float]:
    """The area (points) showing a question's boxes, their labels and a margin."""
    x0 = min(b["x"] for b in boxes) - CROP_MARGIN_PT
    y0 = min(b["y"] for b in boxes) - CROP_MARGIN_PT * 1.5
    x1 = max(b["x"] + b["w"] for b in boxes) + CROP_MARGIN_PT
    y1 = max(b["y"] + b["h"] for b in boxes) + CROP_MARGIN_PT
    if all(b.get("position") is None for b in boxes):
        x1 = max(x1, min(page_width - 30, x1 + 120))  # option labels sit right of the boxes
    else:
        y0 -= 24  # the written digits above a grid
        x0 -= 10  # and the digit labels left of it
    return (max(0.0, x0), max(0.0, y0), x1 - max(0.0, x0), y1 - max(0.0, y0))


def has_ink(crop: np.ndarray) -> bool:
    """Whether a free-text region holds writing (printed guide lines are light grey)."""
    if crop.size == 0:
        return False
    h, w = crop.shape
    inner = crop[int(h * 0.08):int(h * 0.92), int(w * 0.02):int(w * 0.98)]
    if inner.size == 0:
        return False
    paper = float(np.percentile(inner, 90))
    return float((inner < 0.55 * paper).mean()) > 0.003


def redact(image: np.ndarray, rects: list[tuple[float, float, float, float]],
           scale: float) -> np.ndarray:
    """A copy of an upright page with the given areas (points) painted over in grey."""
    out = image.copy()
    for x, y, w, h in rects:
        x0, y0 = max(int(x * scale), 0), max(int(y * scale), 0)
        out[y0:int((y + h) * scale) + 1, x0:int((x + w) * scale) + 1] = 128
    return out


def blur_preview(image: np.ndarray, side: int = BLUR_SIDE, sigma: float = BLUR_SIGMA,
                 detail_pt: float = BLUR_DETAIL_PT) -> np.ndarray:
    """A small, blurred copy of a page without any ink detail narrower than ``detail_pt``.

    Blurring alone keeps a trace of every mark (which box of a phone grid is filled changes
    the blurred pixels), so a grey closing first removes every dark feature that does not
    hold a ``detail_pt`` square: the result is the same whatever was written or marked.
    The page is taken to be A4 across the image's longer side.
    """
    import cv2

    if side <= 0 or sigma <= 0 or detail_pt <= 0:
        raise ValueError("side, sigma and detail_pt must be positive")
    h, w = image.shape[:2]
    k = max(3, int(round(detail_pt * max(h, w) / A4_LONG_PT)) | 1)
    closed = cv2.morphologyEx(image, cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    factor = min(1.0, side / max(h, w))
    small = cv2.resize(closed, (max(1, round(w * factor)), max(1, round(h * factor))),
                       interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (0, 0), sigma)
