"""Bad and odd input files: each page comes back with pixels or a clear reason, never an error."""

from __future__ import annotations

import io
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from fieldwork.omr.load import check_size, iter_pages, jpeg_size, png_size, sniff


def _pages(data):
    return [(p.index, p.error, None if p.image is None else p.image.shape)
            for p in iter_pages(data)]


def _png(w: int, h: int) -> bytes:
    """A PNG header claiming w×h pixels (the body is junk: it must never be decoded)."""
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk
            + struct.pack(">I", zlib.crc32(chunk)) + b"\x00" * 64)


def _jpeg_header(w: int, h: int) -> bytes:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, h, w, 1) + b"\x01\x11\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9 + sof


def _tiff_header(w: int, h: int) -> bytes:
    """A little-endian TIFF whose one IFD claims w×h, 8-bit grey, no real strip."""
    entries = [(256, 4, 1, w), (257, 4, 1, h), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
               (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, h), (279, 4, 1, w * h)]
    ifd = struct.pack("<H", len(entries)) + b"".join(
        struct.pack("<HHII", *e) for e in entries) + struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd


def test_decompression_bombs_are_refused_from_the_header():
    for data in (_png(30000, 30000), _jpeg_header(30000, 30000), _tiff_header(30000, 30000)):
        assert _pages(data) == [(0, "too_large", None)]
    assert png_size(_png(30000, 30000)) == (30000, 30000)
    assert jpeg_size(_jpeg_header(30000, 20000)) == (30000, 20000)


def test_tiny_empty_corrupt_and_foreign_files():
    one = cv2.imencode(".png", np.zeros((1, 1), np.uint8))[1].tobytes()
    assert _pages(one) == [(0, "too_small", None)]
    assert _pages(b"") == [(0, "unreadable_file", None)]
    assert _pages(b"hello, not an image") == [(0, "unsupported_type", None)]
    page = (np.random.default_rng(0).random((900, 640)) * 255).astype(np.uint8)
    jpg = cv2.imencode(".jpg", page)[1].tobytes()
    png = cv2.imencode(".png", page)[1].tobytes()
    assert _pages(jpg) == [(0, None, (900, 640))]
    assert _pages(jpg[: len(jpg) // 2]) == [(0, "corrupt_file", None)]
    assert _pages(png[: len(png) // 2]) == [(0, "corrupt_file", None)]
    assert _pages(b"%PDF-1.4\n garbage") == [(0, "corrupt_file", None)]


def test_multipage_tiff_with_a_bilevel_page():
    page = (np.random.default_rng(1).random((900, 640)) * 255).astype(np.uint8)
    frames = [Image.fromarray(page), Image.fromarray(page).convert("1"),
              Image.fromarray(page[:100, :100])]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:],
                   compression="tiff_deflate")
    assert _pages(buf.getvalue()) == [(0, None, (900, 640)), (1, None, (900, 640)),
                                      (2, "too_small", None)]
    assert _pages(buf.getvalue()[:600]) == [(0, "corrupt_file", None)]


def test_pdf_scan_image_and_pdf_without_images():
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    page = (np.random.default_rng(2).random((1169, 827)) * 255).astype(np.uint8)
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(595.3, 841.9))
    c.drawImage(ImageReader(Image.fromarray(page)), 0, 0, 595.3, 841.9)
    c.showPage()
    c.drawString(100, 700, "no image on this page")
    c.showPage()
    c.save()
    got = _pages(buf.getvalue())
    assert got[0][:2] == (0, None) and abs(got[0][2][0] - 1169) <= 1  # the scanner's own image
    assert got[1][:2] == (1, None)  # rendered; the reader then reports it as not a form


def test_helpers_and_bad_parameters():
    assert sniff(b"%PDF-1.7") == "pdf" and sniff(b"II*\x00") == "tiff" and sniff(b"xx") is None
    assert check_size(2480, 3508) is None
    assert check_size(20, 3508)[0] == "too_small"
    with pytest.raises(ValueError):
        list(iter_pages(b"x", max_pixels=0))
