"""Scanner streaks: a thin straight line of darker pixels down the whole length of a scan.

A speck of dust on a sheet-fed scanner's glass darkens one narrow band of the sensor for the
whole page: a line a fraction of a millimetre wide, exactly along the scan's columns (or rows,
as the image was turned), through the bed margin, the paper's margins, print and marks alike.
A person looking at the page sees it for what it is at once; the reader saw it as a light
stroke through every box it crossed (a "stray stroke", a "second mark", ink near a box).
It is found from the scan alone and filled in from the pixels either side before reading.
"""

from __future__ import annotations

import numpy as np

SLABS = 24  # the scan's length is cut into this many slabs; a streak darkens every one,
SHARE = 0.9  # ... this share of them at least, one of the two at each end among them (print
# never reaches the paper's outer margins: a long text line or rule is no streak; the bed
# round the paper may be too dark to show it)
LINES = (20, 12)  # this many lines of pixels (rows, columns: gathered more slowly) are
# summed in the middle of each slab (a streak darkens every one)
DIP = 0.08  # a streak's band lies this share of their grey below the pixels either side (a
# light one over white paper: 0.15 and more on the tuning sets, 0.11 over a scanner's grey
# bed margin; print, in the few slabs it reaches: up to 0.09),
DIP_MIN = 6.0  # ... and this many grey levels at least (noise over a black bed margin),
NOISE = 6.0  # ... and this many times the slabs' mean dip (a dithered scan's dots: 10+)
PAPER = 100.0  # ... over paper (the pixels either side this light in most slabs): a black bed
# margin's noise is no streak
CLOSE_MM = 1.2  # ... either side: within this many millimetres
WIDTH_MM = 0.6  # a streak is at most this wide (0.1-0.35 mm, blurred by the scanner)
EDGE_MM = 1.5  # bands this close to the scan's edge are left alone (the paper's border)
A4_LONG_MM = 297.0


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of set values."""
    xs = np.flatnonzero(flags)
    if not len(xs):
        return []
    cut = np.flatnonzero(np.diff(xs) > 1) + 1
    starts, stops = np.r_[0, cut], np.r_[cut, len(xs)]
    return [(int(xs[a]), int(xs[b - 1]) + 1) for a, b in zip(starts, stops, strict=True)]


def _summed(gray: np.ndarray, axis: int, starts: np.ndarray, lines: int,
            at: np.ndarray | None = None) -> np.ndarray:
    """The mean of ``lines`` lines of pixels from each of ``starts`` (rows for ``axis`` 0,
    columns for 1), one row per start, at the positions ``at`` along them (all if None)."""
    if gray.dtype == np.uint8 and gray.flags.c_contiguous and (axis == 0 or at is None):
        # Each start's lines summed by OpenCV as one band (the same whole sums as adding them
        # line by line, three to four times faster); for columns at a few rows only, gathered.
        import cv2

        total = np.empty((len(starts), gray.shape[1 - axis]), np.int32)
        for n, k in enumerate(starts.tolist()):
            band = gray[k:k + lines] if axis == 0 else gray[:, k:k + lines]
            total[n] = cv2.reduce(band, axis, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()
        return (total if at is None else total[:, at]).astype(np.float32) / lines
    if axis == 0:
        take = (lambda k: gray[k]) if at is None else (lambda k: gray[k][:, at])
    else:
        part = gray if at is None else gray[at]
        take = lambda k: part[:, k].T  # noqa: E731
    total = take(starts).astype(np.uint16)
    for j in range(1, lines):
        total += take(starts + j)
    return total.astype(np.float32) / lines


def find(gray: np.ndarray) -> list[tuple[int, int, int]]:
    """Streaks of a grey scan: (axis, start, stop), axis 0 for a band of columns running
    the scan's height, 1 for a band of rows running its width.

    A band of at most ``WIDTH_MM`` whose pixels lie ``DIP`` below those either side in
    (nearly) every slab of the scan's length, at one of the two slabs at each end among them.
    The end slabs are looked at first, the others only round what they show (fast).
    """
    import cv2

    if gray.ndim != 2:
        raise ValueError("gray must be a 2-D array")
    px_mm = max(gray.shape) / A4_LONG_MM
    win = max(5, int(round(CLOSE_MM * px_mm)) | 1)
    kernel = np.ones((1, win), np.uint8)
    edge = max(3, int(EDGE_MM * px_mm))
    found = []
    for axis in (0, 1):
        n, size, lines = gray.shape[axis], gray.shape[1 - axis], LINES[axis]
        if n < SLABS * lines or size <= 2 * edge + 2 * win:
            continue
        starts = np.arange(SLABS) * n // SLABS + (n // SLABS - lines) // 2
        ends = _summed(gray, axis, starts[[0, 1, -2, -1]], lines)
        dip = cv2.morphologyEx(ends, cv2.MORPH_CLOSE, kernel) - ends
        floor = max(DIP_MIN, NOISE * float(dip.mean()))
        dark = dip >= np.maximum(DIP * (ends + dip), floor)
        cand = (dark[0] | dark[1]) & (dark[2] | dark[3])
        cand[:edge] = cand[-edge:] = False
        if not cand.any():
            continue
        # The middle slabs, round the candidates only (the closing reaches a window each way).
        near = np.flatnonzero(np.convolve(cand, np.ones(2 * win + 1), "same") > 0)
        middle = np.full((SLABS - 4, size), 255, np.float32)
        middle[:, near] = _summed(gray, axis, starts[2:-2], lines, near)
        closed = cv2.morphologyEx(middle, cv2.MORPH_CLOSE, kernel)
        dark_mid = closed - middle >= np.maximum(DIP * closed, floor)
        band = cand & ((dark_mid.sum(axis=0) + dark.sum(axis=0)) >= SHARE * SLABS) & (
            np.median(closed, axis=0) >= PAPER)
        for start, stop in _runs(band):
            if stop - start <= WIDTH_MM * px_mm + 2:
                found.append((axis, start, stop))
    return found


def mend(gray: np.ndarray) -> np.ndarray:
    """``gray`` with its streaks filled in line by line from the pixels either side (a
    straight blend across the band and a pixel more each side, where the scanner blurred it);
    ``gray`` itself when it has none."""
    found = find(gray)
    if not found:
        return gray
    out = gray.copy()
    for axis, start, stop in found:
        img = out if axis == 0 else out.T  # a view: written in place
        lo, hi = max(start - 2, 0), min(stop + 1, img.shape[1] - 1)
        left = img[:, lo].astype(np.float32)
        right = img[:, hi].astype(np.float32)
        w = (np.arange(lo + 1, hi, dtype=np.float32) - lo) / (hi - lo)
        img[:, lo + 1:hi] = np.rint(left[:, None] * (1 - w) + right[:, None] * w).astype(
            np.uint8)
    return out
