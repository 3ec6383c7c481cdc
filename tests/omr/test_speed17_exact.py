"""speed17's steps give the same numbers as the code they replace (written out here as it was):
``align._choose`` asking its cheap tests of three marks first, ``align.shrink``'s block means
for odd factors, ``runs.long_runs`` counting a 0/1 image's rows and columns with OpenCV."""

import itertools
import math

import cv2
import numpy as np
import pytest

from fieldwork.omr import align
from fieldwork.omr.align import (
    _CENTRES,
    _DIRECTIONS,
    ASPECT,
    MARK_RATIO,
    TRIPLE_SPAN,
    _choose,
    _right_angle,
    quad_ok,
    shrink,
)
from fieldwork.omr.runs import long_runs


def _choose_before(cands, image_long):
    xy = cands[:, :2]
    scores = xy @ _DIRECTIONS.T
    tops = [np.argsort(-scores[:, k])[:3] for k in range(4)]
    best = [t[0] for t in tops]
    for combo in [tuple(best)] + list(itertools.product(*tops)):
        if len(set(combo)) < 4:
            continue
        pick = cands[list(combo)]
        if quad_ok(pick[:, :2], pick[:, 2], ASPECT, image_long):
            return pick, np.ones(4, bool)
    found = []
    for missing in range(4):
        vertex = 3 - missing
        arms = [k for k in range(4) if k not in (missing, vertex)]
        for combo in itertools.product(*(tops[k] for k in (arms[0], vertex, arms[1]))):
            if len(set(combo)) < 3:
                continue
            a, v, b = cands[list(combo)]
            pick = np.empty((4, 3))
            pick[arms[0]], pick[vertex], pick[arms[1]] = a, v, b
            pick[missing, :2] = a[:2] + b[:2] - v[:2]
            pick[missing, 2] = np.mean([a[2], v[2], b[2]])
            span = max(np.linalg.norm(a[:2] - v[:2]), np.linalg.norm(b[:2] - v[:2]))
            sides = np.array([a[2], v[2], b[2]]) / (span * MARK_RATIO)
            if _right_angle(a[:2] - v[:2], b[:2] - v[:2]) and span > TRIPLE_SPAN * image_long \
                    and sides.min() > 0.75 and sides.max() < 1.35 and \
                    sides.max() < 1.25 * sides.min() and \
                    quad_ok(pick[:, :2], pick[:, 2], ASPECT, image_long):
                known = np.ones(4, bool)
                known[missing] = False
                found.append((pick, known))
                break
    if not found:
        return None
    return max(found, key=lambda f: float(np.sum(f[0][:, :2] * _DIRECTIONS)))


def test_choose_is_the_same_with_three_marks_or_four():
    """Marks of a page among blobs (filled boxes, smudges), moved, scaled and turned a little,
    a mark missing on most pages, a blob near where it was: the same marks (four, or three and
    the fourth where they put it, with which were found), or none, as before."""
    rng = np.random.default_rng(17)
    counts = {4: 0, 3: 0, None: 0}
    for t in range(600):
        k = rng.uniform(0.8, 1.2)
        a = math.radians(rng.uniform(-3, 3))
        rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
        pts = (_CENTRES * k) @ rot.T + rng.uniform(0, 60, 2)
        side = MARK_RATIO * (_CENTRES[2, 1] - _CENTRES[0, 1]) * k
        marks = np.column_stack([pts, np.full(4, side) * rng.uniform(0.9, 1.1, 4)])
        if t % 4:
            gone = int(rng.integers(0, 4))
            near = marks[gone, :2] + rng.uniform(-80, 80, 2)
            marks = np.delete(marks, gone, axis=0)
            if t % 4 == 2:  # a blob of a mark's size not far from the lost mark
                marks = np.vstack([marks, [*near, side * rng.uniform(0.7, 1.3)]])
        if t % 8 == 7:  # two marks left (a page folded, a photo): no rectangle, mostly
            marks = marks[:2]
        n = int(rng.integers(0, 9))
        blobs = np.column_stack([rng.uniform(0, 600 * k, (n, 2)),
                                 side * rng.uniform(0.6, 1.4, n)])
        cands = rng.permutation(np.vstack([marks, blobs]))
        if len(cands) < 4:
            continue
        for long_side in (640.0, 560.0 * k):
            old, new = _choose_before(cands, long_side), _choose(cands, long_side)
            if old is None:
                assert new is None
                counts[None] += 1
                continue
            assert new is not None
            assert np.array_equal(new[0], old[0]) and np.array_equal(new[1], old[1])
            counts[int(old[1].sum())] += 1
    assert counts[4] > 100 and counts[3] > 200 and counts[None] > 10


def _all_sums(k: int) -> tuple[np.ndarray, int]:
    """An image whose k x k blocks hold every sum a block can have (0 .. 255 k²), in order."""
    n = k * k * 255 + 1
    s = np.arange(n)
    blocks = np.repeat((s // (k * k))[:, None], k * k, axis=1)
    blocks[np.arange(k * k)[None, :] < (s % (k * k))[:, None]] += 1
    per = 256
    rows = -(-n // per)
    cells = np.zeros((rows * per, k, k), np.uint8)
    cells[:n] = blocks.reshape(n, k, k)
    return cells.reshape(rows, per, k, k).transpose(0, 2, 1, 3).reshape(rows * k, per * k), n


@pytest.mark.parametrize("k", align.BLOCK_MEANS)
def test_block_means_are_inter_area_for_every_sum(k):
    img, _ = _all_sums(k)
    before = cv2.resize(img, (img.shape[1] // k, img.shape[0] // k),
                        interpolation=cv2.INTER_AREA)
    assert np.array_equal(shrink(img, k), before)
    # ... and the blocks' pixels shuffled within each block: the sum alone decides
    rng = np.random.default_rng(k)
    h, w = img.shape
    cells = img.reshape(h // k, k, w // k, k).transpose(0, 2, 1, 3).reshape(-1, k * k)
    cells = rng.permuted(cells, axis=1)
    shuffled = cells.reshape(h // k, w // k, k, k).transpose(0, 2, 1, 3).reshape(h, w)
    assert np.array_equal(shrink(shuffled, k), before)


def test_shrink_is_inter_area_on_pages_and_views():
    """Random, one-bit and smooth images of odd sizes, whole or as views (a page's crop),
    shrunk by 1 to 17: as OpenCV's INTER_AREA of the image cut to whole blocks."""
    rng = np.random.default_rng(171)
    for t in range(120):
        shape = tuple(int(v) for v in rng.integers(1, 260, 2))
        g = rng.integers(0, 256, (shape[0] + 7, shape[1] + 9), dtype=np.uint8)
        if t % 3 == 1:
            g = np.where(g > 128, 255, 0).astype(np.uint8)
        elif t % 3 == 2:
            g = cv2.GaussianBlur(g, (7, 7), 0)
        view = g[3:3 + shape[0], 5:5 + shape[1]]
        for k in range(1, 18):
            h, w = view.shape
            if k <= 1:
                assert shrink(view, k) is view
                continue
            if h < k or w < k:
                before = cv2.resize(view, (max(1, w // k), max(1, h // k)),
                                    interpolation=cv2.INTER_AREA)
            else:
                before = cv2.resize(view[:h - h % k, :w - w % k], (w // k, h // k),
                                    interpolation=cv2.INTER_AREA)
            got = shrink(view, k)
            assert got.dtype == np.uint8 and np.array_equal(got, before), (shape, k)


def _long_runs_before(a, length, axis=1):
    n = int(np.ceil(length))
    if n <= 0:
        return np.ones(a.shape[1 - axis], bool)
    if a.size == 0 or n > a.shape[axis]:
        return np.zeros(a.shape[1 - axis], bool)
    out = np.count_nonzero(a, axis=axis) >= n
    if not out.any():
        return out
    line = np.ones((1, n) if axis == 1 else (n, 1), np.uint8)
    some = np.flatnonzero(out)
    part = np.ascontiguousarray(a[some] if axis == 1 else a[:, some])
    kept = cv2.erode(part, line, anchor=(0, 0), borderType=cv2.BORDER_CONSTANT, borderValue=0)
    out[some] = kept.any(axis=axis)
    return out


def test_long_runs_counts_as_count_nonzero():
    """0/1 windows with rules, streaks and specks, and images with other values (counted as
    before), both ways, at lengths round their runs: the same rows and columns."""
    rng = np.random.default_rng(172)
    for t in range(300):
        h, w = (int(v) for v in rng.integers(1, 120, 2))
        a = (rng.random((h, w)) < rng.uniform(0, 0.4)).astype(np.uint8)
        if t % 3 == 0:
            a[int(rng.integers(0, h)), :] = 1  # a rule across
        if t % 3 == 1:
            a[:, int(rng.integers(0, w))] = 1  # a streak down
        if t % 5 == 4:
            a = a * rng.integers(0, 256, (h, w)).astype(np.uint8)  # not 0/1
        view = a[:, ::2] if t % 7 == 6 else a  # a view, its columns strided
        for axis in (0, 1):
            for length in (0, 1, 2.5, 0.5 * view.shape[1 - axis], 0.5 * view.shape[axis],
                           view.shape[axis], view.shape[axis] + 1):
                assert np.array_equal(long_runs(view, length, axis),
                                      _long_runs_before(view, length, axis))


def _summed_before(gray, axis, starts, lines, at=None):
    if axis == 0:
        take = (lambda k: gray[k]) if at is None else (lambda k: gray[k][:, at])
    else:
        part = gray if at is None else gray[at]
        take = lambda k: part[:, k].T  # noqa: E731
    total = take(starts).astype(np.uint16)
    for j in range(1, lines):
        total += take(starts + j)
    return total.astype(np.float32) / lines


def test_streak_sums_are_the_same_floats():
    """The slabs' summed lines of scans of several sizes, both ways, at all positions or a
    few, as ``streaks.find`` asks them: the same float32 arrays."""
    from fieldwork.omr.streaks import LINES, SLABS, _summed

    rng = np.random.default_rng(173)
    for t in range(40):
        shape = tuple(int(v) for v in rng.integers(SLABS * 20, 2000, 2))
        g = rng.integers(0, 256, shape, dtype=np.uint8)
        if t % 2:
            g = np.where(g > 40, 255, 0).astype(np.uint8)
        for axis in (0, 1):
            n, lines = g.shape[axis], LINES[axis]
            starts = np.arange(SLABS) * n // SLABS + (n // SLABS - lines) // 2
            near = np.sort(rng.choice(g.shape[1 - axis], int(rng.integers(1, 300)),
                                      replace=False))
            for args in ((starts[[0, 1, -2, -1]], lines), (starts[2:-2], lines, near)):
                got, before = _summed(g, axis, *args), _summed_before(g, axis, *args)
                assert got.dtype == before.dtype and np.array_equal(got, before)


def _ruled_before(st, i):
    s = st.strokes(i, "left")
    return len(s) > 0 and bool((s[:, 4] == 2).all())


@pytest.mark.parametrize("name,page", [("danang-2025", 0), ("sipas", 0), ("sipas", 1)])
def test_ruled_left_is_the_same_without_labelling(name, page):
    """Pages of a layout's boxes with rules and streaks drawn across them (straight, a pixel
    slanted, broken), strokes and specks beside the boxes: the same boxes said to hold only a
    line's ink left of them, and the same strokes afterwards, as when every band was labelled."""
    from fieldwork.omr.geometry import rect_array
    from fieldwork.omr.marks import label_rects
    from fieldwork.omr.runs import Strokes
    from fieldwork.omr.synth.sheets import layout_for

    boxes = layout_for(name)["pages"][page]["boxes"]
    scale = 2.0
    rects = rect_array(boxes, scale)
    texts = label_rects(boxes, np.zeros((len(boxes), 2)), scale)
    rng = np.random.default_rng(174 + page)
    ruled = 0
    for t in range(4):
        dark = np.zeros((1684, 1190), np.uint8)
        for x, y, w, h in rects.astype(int):  # the printed outlines
            cv2.rectangle(dark, (x, y), (x + w, y + h), 200, 1)
        for j in rng.choice(len(rects), 12, replace=False):
            x, y, w, h = rects[j]
            level = int(rng.integers(90, 256))
            if t % 2:  # a streak down the page just left of a box
                cx = int(x - 0.6 * scale - rng.uniform(0, 0.5 * w))
                cv2.line(dark, (cx, 0), (cx + int(rng.integers(0, 2)), 1683), level, 1)
            else:  # a rule across, through the box's row, maybe broken
                cy = int(y + rng.uniform(0.2, 0.8) * h)
                cv2.line(dark, (0, cy), (1189, cy + int(rng.integers(0, 2))), level, 1)
                if rng.random() < 0.5:
                    gap = int(rng.integers(0, 1150))
                    dark[cy - 1:cy + 3, gap:gap + int(rng.integers(2, 6))] = 0
        for j in rng.choice(len(rects), 12, replace=False):  # ticks and specks beside boxes
            x, y, w, h = rects[j]
            p = (int(x - rng.uniform(2, 1.5 * w)), int(y + rng.uniform(0, h)))
            q = (p[0] + int(rng.integers(-8, 9)), p[1] + int(rng.integers(-12, 13)))
            cv2.line(dark, p, q, int(rng.integers(60, 256)), int(rng.integers(1, 3)))
        new, old = Strokes(dark, rects, texts, scale), Strokes(dark, rects, texts, scale)
        for i in range(len(rects)):
            before = _ruled_before(old, i)
            assert new.ruled(i, "left") == before
            ruled += before
        for i in range(len(rects)):
            assert np.array_equal(new.strokes(i, "left"), old.strokes(i, "left"))
    assert ruled > 5
