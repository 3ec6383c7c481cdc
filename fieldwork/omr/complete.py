"""Whether a scanner has finished writing a file: its structure must be whole, not only quiet.

A scanner on the network writes a file in pieces; one that pauses between pages leaves a file
whose size has stopped changing for a while but which is not finished. ``wholeness(path)``
reads only the parts that say where the file ends (a JPEG's end marker, a PNG's ``IEND``
chunk, a PDF's last ``%%EOF`` and its page tree, every directory and image strip of a TIFF)
and answers ``whole``, ``partial`` (wait: it may still grow) or ``foreign`` (not a scan file
at all: no amount of waiting helps). Nothing is decoded; the content is judged, never the
name. No Flask, no database.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from .load import MAX_PDF_PAGES, jpeg_size, png_size, sniff

TAIL = 1024
MIN_BYTES = 64  # fewer bytes than this is a file still being started, whatever it holds


@dataclass(frozen=True)
class Wholeness:
    """``state`` is whole, partial or foreign; ``kind`` as ``load.sniff``; ``detail`` why."""

    state: str
    kind: str | None = None
    detail: str = ""

    @property
    def whole(self) -> bool:
        """Ready to be read."""
        return self.state == "whole"


def wholeness(path: str | Path) -> Wholeness:
    """Judge the file at ``path`` (OSError propagates: the caller decides what a vanished or
    unreadable file means)."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        head = fh.read(TAIL)
        kind = sniff(head)
        if size < MIN_BYTES and (kind is not None or _may_become_scan(head)):
            return Wholeness("partial", kind, f"only {size} bytes so far")
        if kind is None:
            return Wholeness("foreign", None, "not a PDF, TIFF, PNG or JPEG file (judged by its "
                                              "content)")
        fh.seek(max(0, size - TAIL))
        tail = fh.read(TAIL)
        if kind == "jpeg":
            return _jpeg(head, tail)
        if kind == "png":
            return _png(head, tail)
        if kind == "pdf":
            return _pdf(path, tail)
        return _tiff(fh, head, size)


MAGIC = (b"%PDF-", b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+", b"\x89PNG\r\n\x1a\n",
         b"\xff\xd8\xff")


def _may_become_scan(head: bytes) -> bool:
    """True while the first bytes written could still begin a scan file (or none yet)."""
    return any(m.startswith(head[:len(m)]) or head.startswith(m) for m in MAGIC)


def _jpeg(head: bytes, tail: bytes) -> Wholeness:
    if jpeg_size(head) is None and b"\xff\xc0" not in head and b"\xff\xc2" not in head:
        return Wholeness("partial", "jpeg", "the JPEG header is not complete yet")
    if b"\xff\xd9" not in tail[-32:]:
        return Wholeness("partial", "jpeg", "the JPEG has no end marker yet")
    return Wholeness("whole", "jpeg")


def _png(head: bytes, tail: bytes) -> Wholeness:
    if png_size(head) is None:
        return Wholeness("partial", "png", "the PNG header is not complete yet")
    if b"IEND" not in tail[-32:]:
        return Wholeness("partial", "png", "the PNG has no end chunk yet")
    return Wholeness("whole", "png")


def _pdf(path, tail: bytes) -> Wholeness:
    import pypdfium2 as pdfium

    if b"%%EOF" not in tail:
        return Wholeness("partial", "pdf", "the PDF has no end-of-file marker yet")
    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            return Wholeness("whole", "pdf")  # whole, and the reader says it is protected
        return Wholeness("partial", "pdf", f"the PDF cannot be opened yet ({exc})")
    try:
        if len(doc) == 0:
            return Wholeness("partial", "pdf", "the PDF has no pages yet")
    finally:
        doc.close()
    return Wholeness("whole", "pdf")


# TIFF field types and their sizes in bytes; offsets of strips and tiles are SHORT, LONG or
# (BigTIFF) LONG8.
_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8,
          17: 8, 18: 8}
_INT = {3: "H", 4: "I", 16: "Q"}
_OFFSETS, _COUNTS = (273, 324), (279, 325)  # strips, tiles


def _tiff(fh, head: bytes, size: int) -> Wholeness:
    """Every directory, and every strip or tile it names, lies inside the file."""
    order = "<" if head[:2] == b"II" else ">"
    big = struct.unpack(order + "H", head[2:4])[0] == 43
    try:
        offset = struct.unpack(order + ("Q" if big else "I"), head[8:16] if big else head[4:8])[0]
    except struct.error:
        return Wholeness("partial", "tiff", "the TIFF header is not complete yet")
    seen: set[int] = set()
    pages = 0
    while offset:
        if offset in seen:
            return Wholeness("whole", "tiff")  # a loop: the reader rejects it with its reason
        seen.add(offset)
        why = _directory(fh, order, big, offset, size)
        if isinstance(why, str):
            return Wholeness("partial", "tiff", f"page {pages + 1}: {why}")
        offset = why
        pages += 1
        if pages >= MAX_PDF_PAGES:
            break
    if pages == 0:
        return Wholeness("partial", "tiff", "the TIFF has no page yet")
    return Wholeness("whole", "tiff")


def _directory(fh, order: str, big: bool, offset: int, size: int) -> int | str:
    """The next directory's offset, or why this one is not whole yet."""
    count_fmt, entry, next_fmt = ("Q", 20, "Q") if big else ("H", 12, "I")
    head = 8 if big else 2
    if offset + head > size:
        return "its directory is not written yet"
    fh.seek(offset)
    (n,) = struct.unpack(order + count_fmt, fh.read(head))
    end = offset + head + n * entry + (8 if big else 4)
    if n == 0 or n > 4096 or end > size:
        return "its directory is not written yet"
    raw = fh.read(n * entry + (8 if big else 4))
    values: dict[int, list[int]] = {}
    for i in range(n):
        e = raw[i * entry:(i + 1) * entry]
        if big:
            tag, typ, count = struct.unpack(order + "HHQ", e[:12])
            inline, field = 8, e[12:20]
        else:
            tag, typ, count = struct.unpack(order + "HHI", e[:8])
            inline, field = 4, e[8:12]
        if typ not in _SIZES or count > 1_000_000:
            return "a directory entry is damaged"
        length = _SIZES[typ] * count
        if length > inline:
            (where,) = struct.unpack(order + ("Q" if big else "I"), field)
            if where + length > size:
                return "a directory value lies past the end of the file"
            if tag in _OFFSETS + _COUNTS and typ in _INT:
                fh.seek(where)
                values[tag] = list(struct.unpack(order + _INT[typ] * count, fh.read(length)))
        elif tag in _OFFSETS + _COUNTS and typ in _INT:
            values[tag] = list(struct.unpack(order + _INT[typ] * count, field[:length]))
    for offsets, counts in zip(_OFFSETS, _COUNTS, strict=True):
        starts, lengths = values.get(offsets), values.get(counts)
        if starts and lengths and max(s + c for s, c in zip(starts, lengths,
                                                             strict=False)) > size:
            return "its image data is not all written yet"
    (nxt,) = struct.unpack(order + next_fmt, raw[n * entry:])
    return nxt
