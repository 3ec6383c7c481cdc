"""Fuzzing the scan reader with broken files: the entry point a scanning batch uses per file
(``load.iter_pages``: bytes to grey pages or a reject reason) and per page (``read.read_page``:
grey pixels to a reading or a reject reason).

Inputs are real scans of a printed SIPAS sheet (PNG, JPEG, PDF with a JPEG inside, bilevel G4
TIFF, a multi-page deflate TIFF, the printer's own vector PDF), then truncated, bit-flipped,
overwritten, spliced, emptied, or given a header that declares huge, zero or tiny
dimensions; plus random bytes behind each file signature and random pixel arrays.

Properties: no exception ever (a page ends with pixels, or with one of the documented reason
codes of ``fieldwork.omr.reasons``; ``internal_error``, the batch job's catch-all, never
happens); every page is loaded and read within ``PER_CALL_SECONDS``; a header that declares
more than the pixel limit is refused as ``too_large`` without any decoder being called.
"""

from __future__ import annotations

import io
import re
import resource
import struct
import zlib
from contextlib import ExitStack
from unittest import mock

import cv2
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

from fieldwork.omr.load import MAX_PIXELS, MAX_SIDE, iter_pages
from fieldwork.omr.read import read_page
from fieldwork.omr.reasons import REASONS
from fieldwork.omr.synth.degrade import Scan
from tests.omr.generator import printed, scans

from .budget import PER_CALL_SECONDS, examples, within

KEY = b"fuzz-key"
SERIAL = "00000042"
REJECTS = set(REASONS) - {"internal_error", "duplicate"}
MEMORY_GROWTH_KB = 800_000  # a bomb decoded whole takes GBs; a 60 Mpx page far less


class Corpus(tuple):
    """(files by kind, layout) with a short repr (Hypothesis prints the arguments)."""

    def __repr__(self) -> str:
        return "<scan corpus>"


@pytest.fixture(scope="module")
def corpus():
    """Valid files of one printed sheet, by kind, and the layout that reads them."""
    pdf, layout = printed("sipas", [SERIAL], KEY)
    files = {"vector-pdf": pdf}
    for kind, scan in [("png", Scan(container="png")),
                       ("jpeg", Scan(container="jpg", jpeg=75)),
                       ("pdf", Scan(container="pdf", jpeg=75)),
                       ("tiff", Scan(container="tiff", bilevel=True))]:
        files[kind] = scans(pdf, layout, [SERIAL], dpi=100, scan=scan)[0].data
    page = scans(pdf, layout, [SERIAL], dpi=100, scan=Scan(container="png"))[1].image
    buf = io.BytesIO()
    Image.fromarray(page).save(buf, format="TIFF", save_all=True, compression="tiff_deflate",
                               append_images=[Image.fromarray(page[:300, :300])])
    files["multi-tiff"] = buf.getvalue()
    return Corpus((files, layout))


def read_file(data: bytes, layout: dict) -> list[tuple[str | None, str | None]]:
    """Every page of ``data`` loaded and read as a batch does, each within the time limit:
    (status, reason) per page. Fails on any exception or an undocumented reason."""
    out = []
    pages = iter_pages(data)
    while True:
        with within(PER_CALL_SECONDS, "loading a page"):
            item = next(pages, None)
        if item is None:
            break
        if item.error:
            assert item.error in REJECTS, (item.error, item.detail)
            assert item.image is None and item.detail
            out.append(("rejected", item.error))
            continue
        assert item.image.ndim == 2 and item.image.dtype == np.uint8
        assert item.image.size <= MAX_PIXELS and max(item.image.shape) <= MAX_SIDE, \
            item.image.shape  # the pixel limit holds for what is decoded, not just declared
        with within(PER_CALL_SECONDS, "reading a page"):
            result = read_page(item.image, KEY, lambda payload: layout, keep_page=False)
        assert result.status in ("read", "rejected")
        assert result.status == "read" or result.reason in REJECTS, (result.reason, result.detail)
        out.append((result.status, result.reason))
        assert len(out) <= 2001  # at most MAX_PDF_PAGES pages and the too_many_pages notice
    assert out, "every file yields at least one page or one reason"
    return out


def _rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


KINDS = ["png", "jpeg", "pdf", "tiff", "multi-tiff", "vector-pdf"]


@st.composite
def mutations(draw):
    """A list of edits to apply to a file of some length."""
    kind = draw(st.sampled_from(["truncate", "flip", "overwrite", "splice", "delete",
                                 "repeat"]))
    where = draw(st.floats(min_value=0.0, max_value=1.0))
    if kind == "flip":
        flips = draw(st.lists(st.tuples(st.floats(min_value=0.0, max_value=1.0),
                                        st.integers(min_value=0, max_value=7)),
                              min_size=1, max_size=24))
        return kind, where, flips
    if kind in ("overwrite", "splice"):
        return kind, where, draw(st.binary(min_size=1, max_size=64))
    return kind, where, draw(st.integers(min_value=1, max_value=4096))


def mutate(data: bytes, edit) -> bytes:
    kind, where, arg = edit
    if not data:
        return data
    at = int(where * len(data))
    if kind == "truncate":
        return data[:at]
    if kind == "flip":
        out = bytearray(data)
        for pos, bit in arg:
            i = min(int(pos * len(out)), len(out) - 1)
            out[i] ^= 1 << bit
        return bytes(out)
    if kind == "overwrite":
        return data[:at] + arg + data[at + len(arg):]
    if kind == "splice":
        return data[:at] + arg + data[at:]
    if kind == "delete":
        return data[:at] + data[at + arg:]
    return data[:at] + data[at:at + arg] * 3 + data[at:]  # "repeat" a run of bytes


@settings(max_examples=examples(200))
@given(kind=st.sampled_from(KINDS), edits=st.lists(mutations(), min_size=1, max_size=3))
@example(kind="multi-tiff", edits=[("truncate", 0.9375, 1)]).via(
    "TIFF seek raised TypeError('Missing dimensions'): fixed in load._tiff_pages")
def test_mutated_scans_never_crash_or_hang(corpus, kind, edits):
    files, layout = corpus
    data = files[kind]
    for edit in edits:
        data = mutate(data, edit)
    before = _rss_kb()
    read_file(data, layout)
    assert _rss_kb() - before < MEMORY_GROWTH_KB


def test_the_unmutated_corpus_is_read(corpus):
    files, layout = corpus
    for kind in KINDS:
        got = read_file(files[kind], layout)
        assert got[0] == ("read", None), (kind, got)


MAGIC = [b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"II+\x00",
         b"%PDF-1.4\n", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"]


@settings(max_examples=examples(150))
@given(head=st.sampled_from(MAGIC), body=st.binary(max_size=4096))
@example(head=b"", body=b"")
@example(head=b"\xff\xd8\xff", body=b"")
@example(head=b"%PDF-1.4\n", body=b"trailer << /Root 1 0 R /Size 99999999999 >>\n%%EOF")
def test_random_bytes_behind_every_signature(corpus, head, body):
    _, layout = corpus
    got = read_file(head + body, layout)
    if not head + body:
        assert got == [("rejected", "unreadable_file")]


# --- headers that declare other dimensions ----------------------------------------------

def _png_dims(data: bytes, w: int, h: int, fix_crc: bool) -> bytes:
    ihdr = data[12:16] + struct.pack(">II", w, h) + data[24:29]
    crc = struct.pack(">I", zlib.crc32(ihdr)) if fix_crc else data[29:33]
    return data[:12] + ihdr + crc + data[33:]


def _jpeg_dims(data: bytes, w: int, h: int) -> bytes:
    w, h = min(w, 0xFFFF), min(h, 0xFFFF)  # 16-bit fields
    i = 2
    while i + 9 < len(data):
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            return data[:i + 5] + struct.pack(">HH", h, w) + data[i + 9:]
        i += 2 + length
    raise AssertionError("no SOF in the corpus JPEG")


def _tiff_dims(data: bytes, w: int, h: int) -> bytes:
    img = Image.open(io.BytesIO(data))
    out = bytearray(data)
    bo = "<" if data[:2] == b"II" else ">"
    ifd = struct.unpack(bo + "I", data[4:8])[0]
    count = struct.unpack(bo + "H", data[ifd:ifd + 2])[0]
    for n in range(count):
        at = ifd + 2 + 12 * n
        tag, typ = struct.unpack(bo + "HH", data[at:at + 4])
        if tag in (256, 257):
            value = w if tag == 256 else h
            if typ == 3:  # SHORT: the largest it can say
                value = min(value, 0xFFFF)
                out[at + 8:at + 12] = struct.pack(bo + "HH", value, 0)
            else:
                out[at + 8:at + 12] = struct.pack(bo + "I", value)
    img.close()
    return bytes(out)


def _tiff_short(data: bytes) -> bool:
    """True if the TIFF stores its width as a 16-bit SHORT."""
    bo = "<" if data[:2] == b"II" else ">"
    ifd = struct.unpack(bo + "I", data[4:8])[0]
    for n in range(struct.unpack(bo + "H", data[ifd:ifd + 2])[0]):
        tag, typ = struct.unpack(bo + "HH", data[ifd + 2 + 12 * n:ifd + 6 + 12 * n])
        if tag == 256:
            return typ == 3
    raise AssertionError("no ImageWidth tag in the corpus TIFF")


def _pdf_dims(data: bytes, w: int, h: int) -> bytes:
    data = re.sub(rb"/Width \d+", b"/Width %d" % w, data)
    return re.sub(rb"/Height \d+", b"/Height %d" % h, data)


DIMS = st.one_of(st.integers(min_value=0, max_value=0xFFFF),
                 st.sampled_from([0, 1, 399, 400, 20_000, 20_001, 65_535, 2**31 - 1,
                                  2**32 - 1]))


@settings(max_examples=examples(100))
@given(kind=st.sampled_from(["png", "png-crc", "jpeg", "tiff", "pdf"]), w=DIMS, h=DIMS)
@example(kind="png-crc", w=100_000, h=100_000)
@example(kind="jpeg", w=65_535, h=65_535)
@example(kind="tiff", w=2**32 - 1, h=2**32 - 1)
@example(kind="pdf", w=60_000, h=60_000)
@example(kind="pdf", w=400, h=20_000).via(
    "8 Mpx declared, drawn on the page box it rendered 20,000×14,331: fixed in pdfpages")
@example(kind="pdf", w=7_000, h=8_000)
def test_declared_dimensions(corpus, kind, w, h):
    """Huge declared sizes are refused from the header, before any decoder runs; other
    sizes (0, tiny, different from the data) end as pages or reasons, never a crash."""
    files, layout = corpus
    if kind.startswith("png"):
        data = _png_dims(files["png"], w, h, fix_crc=kind == "png-crc")
    elif kind == "jpeg":
        data = _jpeg_dims(files["jpeg"], w, h)
    elif kind == "tiff":
        data = _tiff_dims(files["tiff"], w, h)
    else:
        data = _pdf_dims(files["pdf"], w, h)
    if kind == "jpeg" or kind == "tiff" and _tiff_short(files["tiff"]):
        w, h = min(w, 0xFFFF), min(h, 0xFFFF)  # what the 16-bit fields can declare
    huge = w * h > MAX_PIXELS or max(w, h) > 20_000
    with ExitStack() as stack:
        if huge:  # any decoding would be a failure: make every decoder raise
            boom = AssertionError("a decoder ran on an image declared too large")
            stack.enter_context(mock.patch.object(cv2, "imdecode", side_effect=boom))
            stack.enter_context(mock.patch("PIL.ImageFile.ImageFile.load", side_effect=boom))
            stack.enter_context(mock.patch("pypdfium2.PdfImage.get_bitmap", side_effect=boom))
            stack.enter_context(mock.patch("pypdfium2.PdfPage.render", side_effect=boom))
        before = _rss_kb()
        got = read_file(data, layout)
        assert _rss_kb() - before < MEMORY_GROWTH_KB
    if huge:  # a zero side may make the header itself invalid: refused as corrupt then
        assert got in ([("rejected", "too_large")], [("rejected", "corrupt_file")]), got
        assert got == [("rejected", "too_large")] or min(w, h) == 0, got


# --- the per-page reader on arbitrary pixels ----------------------------------------------

@st.composite
def pages(draw):
    h = draw(st.integers(min_value=1, max_value=1400))
    w = draw(st.integers(min_value=1, max_value=1000))
    style = draw(st.sampled_from(["flat", "noise", "stripes", "blocks"]))
    rng = np.random.default_rng(draw(st.integers(min_value=0, max_value=2**32 - 1)))
    if style == "flat":
        return np.full((h, w), draw(st.integers(0, 255)), np.uint8)
    if style == "noise":
        return rng.integers(0, 256, (h, w), dtype=np.uint8)
    if style == "stripes":
        period = draw(st.integers(min_value=1, max_value=64))
        return np.tile(((np.arange(w) // period) % 2 * 255).astype(np.uint8), (h, 1))
    img = np.full((h, w), 255, np.uint8)
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        y, x = rng.integers(0, h), rng.integers(0, w)
        s = int(rng.integers(1, 80))
        img[y:y + s, x:x + s] = 0
    return img


@settings(max_examples=examples(60))
@given(image=pages())
def test_read_page_on_arbitrary_pixels(image):
    with within(PER_CALL_SECONDS, "reading a page"):
        result = read_page(image, KEY, lambda payload: pytest.fail("no form here"),
                           keep_page=False)
    assert result.status == "rejected" and result.reason in REJECTS, result.reason


@settings(max_examples=examples(20))
@given(image=hnp.arrays(dtype=st.sampled_from([np.uint8, np.float32, np.int16, np.bool_]),
                        shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=8)))
def test_read_page_refuses_bad_arguments(image):
    if image.ndim == 2 and image.dtype == np.uint8:
        return
    with pytest.raises(ValueError):
        read_page(image, KEY, lambda payload: {})


def test_a_tiff_of_endless_frames_stops_at_the_page_limit():
    """Regression: TIFF frames may all point at one strip, so a 300 kB file declared 2,100
    pages and every one was yielded (PDFs stop at MAX_PDF_PAGES; TIFFs had no limit)."""
    from fieldwork.omr.load import MAX_PDF_PAGES

    w = h = 64
    tags = [(256, 4, 1, w), (257, 4, 1, h), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
            (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, h), (279, 4, 1, w * h)]
    size = 2 + 12 * len(tags) + 4
    base, count = 8 + w * h, MAX_PDF_PAGES + 100
    ifds = b"".join(
        struct.pack("<H", len(tags)) + b"".join(struct.pack("<HHII", *t) for t in tags)
        + struct.pack("<I", base + (i + 1) * size if i < count - 1 else 0)
        for i in range(count))
    data = b"II*\x00" + struct.pack("<I", base) + bytes(w * h) + ifds
    with within(PER_CALL_SECONDS * 4, "listing the pages of a 2,100-frame TIFF"):
        got = [(p.index, p.error) for p in iter_pages(data)]
    assert len(got) == MAX_PDF_PAGES + 1
    assert got[-1] == (MAX_PDF_PAGES, "too_many_pages")
    assert {e for _, e in got[:-1]} == {"too_small"}
