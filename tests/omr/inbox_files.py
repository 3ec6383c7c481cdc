"""Scanner files for the inbox tests, built the way feeders write them (multi-page TIFF G4 and
PDF, duplex blank backs), from decoded scans: not with the code that reads them."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def grey(sample) -> np.ndarray:
    """A scan sample's page as a grey array."""
    return np.asarray(Image.open(io.BytesIO(sample.data)).convert("L"))


def blank_back(shape: tuple[int, int], seed: int = 0) -> np.ndarray:
    """The back of a one-sided form: paper with scanner noise, a faint show-through of the
    front (mirrored) and a few specks of dust."""
    rng = np.random.default_rng(seed)
    h, w = shape
    page = np.full((h, w), 236.0) + rng.normal(0, 3.0, (h, w))
    page[h // 8:h // 8 + h // 40, w // 10:w - w // 10] -= 14  # a printed band seen through
    for _ in range(6):
        y, x = rng.integers(20, h - 20), rng.integers(20, w - 20)
        page[y:y + 2, x:x + 2] = 120  # dust
    return np.clip(page, 0, 255).astype(np.uint8)


def tiff(pages: list[np.ndarray]) -> bytes:
    """A multi-page one-bit TIFF, CCITT G4, as document feeders write it."""
    images = [Image.fromarray(np.where(p > 150, 255, 0).astype(np.uint8)).convert("1")
              for p in pages]  # thresholded, as scanners make one-bit pages
    buf = io.BytesIO()
    images[0].save(buf, format="TIFF", compression="group4", save_all=True,
                   append_images=images[1:], dpi=(150, 150))
    return buf.getvalue()


def pdf(pages: list[np.ndarray], dpi: int = 150) -> bytes:
    """A multi-page PDF of JPEG pages, as network scanners write it."""
    images = [Image.fromarray(p) for p in pages]
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:],
                   resolution=float(dpi), quality=85)
    return buf.getvalue()
