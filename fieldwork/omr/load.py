"""Scanned files to grey page images: PDF, multi-page TIFF, PNG and JPEG.

Every file is judged by its content, never by its name.  Image sizes are read
from the headers and refused *before* decoding, so a decompression bomb never
reaches memory.  Nothing here raises on bad content: each page comes back as a
``PageImage`` that carries either pixels or a reason code and a detail.
"""

from __future__ import annotations

import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_PIXELS = 60_000_000  # A4 at 600 dpi is 35 Mpx; A3 at 600 dpi would be 70 Mpx
MAX_SIDE = 20_000
MIN_SIDE = 400  # shorter side; an A4 page at 50 dpi is 413 px wide
A4_LONG_INCH = 11.69  # the long side of an A4 page
MIN_READ_DPI = 140  # JPEGs are decoded reduced, to no less than this (the reader uses 144)
MAX_PDF_PAGES = 2_000
RENDER_DPI = 200  # vector PDF pages (not scanner output) are rendered at this resolution

KINDS = ("pdf", "tiff", "png", "jpeg")
# What Pillow raises on a damaged TIFF (a missing size tag surfaces as TypeError or KeyError).
_PIL_ERRORS = (OSError, ValueError, SyntaxError, TypeError, KeyError, IndexError, struct.error)


@dataclass
class PageImage:
    """One page of a file: grey pixels, or ``error`` (a reason code) with a detail."""

    index: int
    image: np.ndarray | None = None
    error: str | None = None
    detail: str = ""


def sniff(head: bytes) -> str | None:
    """The file kind from its first bytes ('pdf', 'tiff', 'png', 'jpeg') or None."""
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    return None


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG header, or None if the header is broken."""
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the first SOF marker of a JPEG, or None if none is found."""
    i, n = 2, len(data)
    while i + 9 < n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def jpeg_flags(width: int, height: int) -> tuple[int, int]:
    """OpenCV decode flags and reduction factor for a JPEG page of this size.

    The reader works at 144 pixels per inch; a JPEG scanned much finer is decoded at
    a half, quarter or eighth of its size straight from its DCT blocks, which is several
    times faster than decoding it whole and gives the same, low-passed, page.
    """
    import cv2

    dpi = max(width, height) / A4_LONG_INCH  # a lower bound for an A4 page with margins
    flags = {1: cv2.IMREAD_GRAYSCALE, 2: cv2.IMREAD_REDUCED_GRAYSCALE_2,
             4: cv2.IMREAD_REDUCED_GRAYSCALE_4, 8: cv2.IMREAD_REDUCED_GRAYSCALE_8}
    factor = max(f for f in flags if f == 1 or dpi / f >= MIN_READ_DPI)
    return flags[factor] | cv2.IMREAD_IGNORE_ORIENTATION, factor


def reduced_shape(width: int, height: int, factor: int) -> tuple[int, int]:
    """The (rows, columns) of an image decoded at 1/``factor`` of its size."""
    return -(-height // factor), -(-width // factor)


def check_size(width: int, height: int, max_pixels: int = MAX_PIXELS) -> tuple[str, str] | None:
    """A (reason, detail) if an image of this size must be refused, else None."""
    if width * height > max_pixels or max(width, height) > MAX_SIDE:
        return ("too_large", f"{width}×{height} px exceeds the limit of "
                             f"{max_pixels / 1e6:.0f} Mpx (A4 at 600 dpi is 35 Mpx)")
    if min(width, height) < MIN_SIDE:
        return ("too_small", f"{width}×{height} px is too small for a scanned A4 page "
                             f"(at 150 dpi it is 1240×1754 px)")
    return None


def iter_pages(source: str | Path | bytes, max_pixels: int = MAX_PIXELS) -> Iterator[PageImage]:
    """Yield every page of a file (path or bytes) as a grey ``PageImage``, in file order."""
    if max_pixels <= 0:
        raise ValueError(f"max_pixels must be positive, got {max_pixels}")
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as exc:
        yield PageImage(0, error="unreadable_file", detail=exc.strerror or str(exc))
        return
    if not data:
        yield PageImage(0, error="unreadable_file", detail="the file is empty")
        return
    kind = sniff(data[:1024])
    if kind is None:
        yield PageImage(0, error="unsupported_type",
                        detail="not a PDF, TIFF, PNG or JPEG file (judged by its content)")
        return
    yield from {"pdf": _pdf_pages, "tiff": _tiff_pages,
                "png": _single, "jpeg": _single}[kind](data, kind, max_pixels)


def _single(data: bytes, kind: str, max_pixels: int) -> Iterator[PageImage]:
    import cv2

    size = png_size(data) if kind == "png" else jpeg_size(data)
    if size is None:
        yield PageImage(0, error="corrupt_file", detail=f"the {kind.upper()} header is damaged")
        return
    refused = check_size(*size, max_pixels=max_pixels)
    if refused:
        yield PageImage(0, error=refused[0], detail=refused[1])
        return
    if kind == "jpeg" and b"\xff\xd9" not in data[-1024:]:
        yield PageImage(0, error="corrupt_file", detail="the JPEG file is truncated")
        return
    # Orientation tags are ignored: the reader finds the page's rotation itself.
    flags, factor = (jpeg_flags(*size) if kind == "jpeg" else
                     (cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION, 1))
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if image is None or image.shape[:2] != reduced_shape(*size, factor):
        yield PageImage(0, error="corrupt_file", detail=f"the {kind.upper()} data cannot be "
                                                        "decoded (damaged or truncated)")
        return
    yield PageImage(0, image)


def _to_grey(frame) -> np.ndarray:
    """A Pillow frame of any mode as 8-bit grey."""
    if frame.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(frame, dtype=np.float32)
        top = max(float(arr.max()), 1.0)
        return np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8)
    if frame.mode != "L":
        frame = frame.convert("L")
    return np.asarray(frame, dtype=np.uint8)


def _tiff_pages(data: bytes, kind: str, max_pixels: int) -> Iterator[PageImage]:
    import io

    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        # Sizes are checked below, per frame, before any decoding; Pillow's own warnings
        # (bomb, corrupt EXIF) become reasons instead.
        warnings.simplefilter("ignore")
        try:
            img = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:
            yield PageImage(0, error="too_large", detail=f"refused before decoding ({exc})")
            return
        except (UnidentifiedImageError, *_PIL_ERRORS) as exc:
            why = "damaged or truncated" if isinstance(exc, UnidentifiedImageError) else exc
            yield PageImage(0, error="corrupt_file", detail=f"the TIFF cannot be opened ({why})")
            return
        index = 0
        while True:
            refused = check_size(*img.size, max_pixels=max_pixels)
            if refused:
                yield PageImage(index, error=refused[0], detail=refused[1])
            else:
                try:
                    img.load()
                    yield PageImage(index, _to_grey(img))
                except (*_PIL_ERRORS, Image.DecompressionBombError) as exc:
                    yield PageImage(index, error="corrupt_file",
                                    detail=f"TIFF page {index + 1} cannot be decoded ({exc})")
            index += 1
            try:
                img.seek(index)
            except EOFError:
                return
            except _PIL_ERRORS as exc:
                yield PageImage(index, error="corrupt_file",
                                detail=f"TIFF page {index + 1} is damaged ({exc!r})")
                return
            if index >= MAX_PDF_PAGES:  # frames can share one strip: a small file, many pages
                yield PageImage(index, error="too_many_pages",
                                detail=f"only the first {MAX_PDF_PAGES} pages were read; "
                                       "split the file")
                return


def _pdf_pages(data: bytes, kind: str, max_pixels: int) -> Iterator[PageImage]:
    from .pdfpages import pdf_pages

    yield from pdf_pages(data, max_pixels)
