"""speed16's steps give the same numbers as the code they replace (written out here as it was):
the QR likeness from a histogram, points projected, the darkness image from a table, a page's
box measures in one read, ``outside.follows`` all at once, ``ticks._bridge`` in Python floats,
``light._missed`` and ``align._choose`` asking less."""

import itertools
import math
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from fieldwork.omr import order
from fieldwork.omr.align import ASPECT, _choose, project, quad_ok
from fieldwork.omr.geometry import rect_array
from fieldwork.omr.levels import THROUGH
from fieldwork.omr.light import _missed
from fieldwork.omr.locate import _qr_likeness
from fieldwork.omr.marks import _means, darkness, label_rects, measure
from fieldwork.omr.outside import follows
from fieldwork.omr.synth.sheets import layout_for
from fieldwork.omr.ticks import _bridge

_DIRECTIONS = np.array([(-1, -1), (1, -1), (-1, 1), (1, 1)], dtype=np.float64)


def _qr_likeness_before(gray, corners):
    h, w = gray.shape
    x0, y0 = np.clip(np.floor(corners.min(axis=0)).astype(int), 0, (w, h))
    x1, y1 = np.clip(np.ceil(corners.max(axis=0)).astype(int), 0, (w, h))
    crop = gray[y0:y1:2, x0:x1:2]
    if crop.size < 64:
        return 0.0
    lo, hi = np.percentile(crop, (5, 95))
    if hi - lo < 40:
        return 0.0
    return float(np.mean(crop < (lo + hi) / 2))


def _image(rng, kind: int, shape) -> np.ndarray:
    g = rng.integers(0, 256, shape, dtype=np.uint8)
    if kind == 1:  # one-bit
        return np.where(g > 128, 255, 0).astype(np.uint8)
    if kind == 2:  # few grey levels
        return (g.astype(np.int64) // int(rng.integers(1, 90)) * 7 % 256).astype(np.uint8)
    if kind == 3:  # low contrast, offset
        return np.clip(g.astype(np.int64) // 5 + int(rng.integers(0, 200)), 0, 255).astype(np.uint8)
    return g


def test_qr_likeness_is_percentiles_and_mean_as_numpy_gives_them():
    rng = np.random.default_rng(16)
    for t in range(1500):
        shape = tuple(int(v) for v in rng.integers(20, 300, 2))
        gray = _image(rng, t % 4, shape)
        corners = rng.uniform(-20, max(shape) + 20, (4, 2))
        assert _qr_likeness(gray, corners) == _qr_likeness_before(gray, corners)


def test_qr_likeness_on_a_printed_code_and_on_print():
    """A real QR symbol drawn on paper, and the same region holding text-like print."""
    import qrcode

    sym = np.array(qrcode.make("FW|DEMO|1|1|00000001|1|abcdef").get_image().convert("L"),
                   np.uint8)
    page = np.full((800, 700), 235, np.uint8)
    page[100:100 + sym.shape[0], 80:80 + sym.shape[1]] = np.where(sym > 128, 235, 30)
    page = cv2.GaussianBlur(page, (3, 3), 0)
    for corners in (np.array([[90.0, 90.0], [90 + sym.shape[1] + 20, 110.0 + sym.shape[0]]]),
                    np.array([[300.5, 400.2], [690.0, 790.9]]), np.array([[0, 0], [699, 799.0]])):
        assert _qr_likeness(page, corners) == _qr_likeness_before(page, corners)
    assert _qr_likeness(page, np.array([[90.0, 90.0], [500.0, 500.0]])) > 0.2


def _project_before(h, points):
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    ones = np.ones((len(pts), 1))
    mapped = np.hstack([pts, ones]) @ h.T
    return mapped[:, :2] / mapped[:, 2:3]


@pytest.mark.parametrize("n", [1, 3, 4, 560])
def test_project_is_the_same_floats(n):
    rng = np.random.default_rng(n)
    for _ in range(200):
        h = rng.normal(size=(3, 3))
        pts = rng.normal(size=(n, 2)) * 600
        assert project(h, pts).tobytes() == _project_before(h, pts).tobytes()
    assert project(np.eye(3), [(1.5, 2.5)]).tolist() == [[1.5, 2.5]]


def _darkness_before(page, mark_rects, feature):
    from fieldwork.omr.align import paper_level

    bg = paper_level(page, feature=max(8, int(feature)))
    d = cv2.subtract(255, cv2.divide(page, bg, scale=255))
    inks = []
    for x, y, w, h in mark_rects:
        x0, y0 = int(x + 0.25 * w), int(y + 0.25 * h)
        patch = d[y0:int(y + 0.75 * h), x0:int(x + 0.75 * w)]
        if patch.size:
            inks.append(float(order.median(patch)) / 255)
    ink = float(sorted(inks)[-2]) if len(inks) >= 2 else (inks[0] if inks else 1.0)
    return cv2.convertScaleAbs(d, alpha=1.0 / max(ink, 0.2)), ink


@pytest.mark.parametrize("seed", range(6))
def test_darkness_is_the_same_image_and_ink(seed):
    """Pages with marks of every darkness (the ink scale from 0.2 and below to over 1), paper
    uneven, noise: the table gives every pixel as the two passes did."""
    rng = np.random.default_rng(seed)
    page = np.clip(rng.normal(225 - 10 * seed, 6 + 3 * seed, (420, 300)), 0, 255).astype(np.uint8)
    page = cv2.add(page, np.linspace(0, 25, 300, dtype=np.float32).astype(np.uint8)[None, :]
                   .repeat(420, axis=0))
    level = int(rng.integers(0, 230))
    marks = np.array([[10, 10, 24, 24], [266, 10, 24, 24], [10, 386, 24, 24], [266, 386, 24, 24]],
                     np.float64)
    for x, y, w, h in marks.astype(int)[: 2 + seed % 3]:
        page[y:y + h, x:x + w] = np.clip(level + rng.integers(-20, 20), 0, 255)
    page[100:140, 60:200] = rng.integers(0, 256, (40, 140), dtype=np.uint8)
    new, ink = darkness(page, marks, 48.0)
    old, ink_before = _darkness_before(page, marks, 48.0)
    assert ink == ink_before
    assert new.dtype == old.dtype == np.uint8 and np.array_equal(new, old)


def _boxes(name: str = "danang-2025", page: int = 0) -> list[dict]:
    return layout_for(name)["pages"][page]["boxes"]


@pytest.mark.parametrize("name,page", [("danang-2025", 0), ("sipas", 0), ("sipas", 1)])
def test_measure_reads_each_kind_as_its_own_means(name, page):
    """fill, core, corners and sides, read in one call, are what each kind's own read gives."""
    rng = np.random.default_rng(7)
    boxes = _boxes(name, page)
    scale = 2.0
    dark = np.zeros((1684, 1191), np.uint8)
    r = rect_array(boxes, scale)
    for x, y, w, h in r.astype(int):  # printed outlines, some fills and strokes beside
        cv2.rectangle(dark, (x, y), (x + w, y + h), 255, 1)
    for x, y, w, h in r[rng.random(len(r)) < 0.3].astype(int):
        cv2.rectangle(dark, (x + 3, y + 3), (x + w - 3, y + h - 3), int(rng.integers(60, 255)), -1)
        cv2.line(dark, (x + w, y), (x + w + 12, y - 10), 200, 2)
    dark = cv2.add(dark, rng.integers(0, 30, dark.shape, dtype=np.uint8))
    m = measure(dark, boxes, scale)
    ii = m.integral
    x, y, w, h = m.rects.T
    i = 1.7 * scale
    assert m.fill.tobytes() == _means(ii, x + i, y + i, x + w - i, y + h - i).tobytes()
    assert m.core.tobytes() == _means(ii, x + w / 3, y + h / 3, x + 2 * w / 3,
                                      y + 2 * h / 3).tobytes()
    e, z = 0.9 * scale, 0.22 * w
    corners = np.column_stack([
        _means(ii, x - e - z, y - e - z, x - e, y - e),
        _means(ii, x + w + e, y - e - z, x + w + e + z, y - e),
        _means(ii, x - e - z, y + h + e, x - e, y + h + e + z),
        _means(ii, x + w + e, y + h + e, x + w + e + z, y + h + e + z)])
    e, z = 0.9 * scale + 0.6 * scale, 0.3 * w
    sides = np.column_stack([
        _means(ii, x - e - z, y + 0.2 * h, x - e, y + 0.8 * h),
        _means(ii, x + w + e, y + 0.2 * h, x + w + e + z, y + 0.8 * h),
        _means(ii, x + 0.2 * w, y - e - z, x + 0.8 * w, y - e),
        _means(ii, x + 0.2 * w, y + h + e, x + 0.8 * w, y + h + e + z)])
    assert m.corners.flags.c_contiguous and m.sides.flags.c_contiguous
    assert m.corners.tobytes() == corners.tobytes() and m.sides.tobytes() == sides.tobytes()
    assert (m.fill > 0.2).sum() >= 0.2 * len(boxes)  # the fills are seen


def _follows_before(m):
    n = len(m.fill)
    out = np.full(n, -1)
    if m.texts is None or n == 0:
        return out
    x, y, w, h = m.rects.T
    ends = m.texts[:, 0] + m.texts[:, 2]
    for i in np.flatnonzero(np.isfinite(ends)):
        after = (np.abs(y - y[i]) < 0.5 * h[i]) & (x > ends[i]) & (x - ends[i] < 3 * w[i])
        if after.any():
            out[np.flatnonzero(after)] = i
    return out


@pytest.mark.parametrize("name,page", [("danang-2025", 0), ("sipas", 0), ("sipas", 1)])
def test_follows_on_the_layouts_shifted(name, page):
    boxes = _boxes(name, page)
    rng = np.random.default_rng(3)
    for k in range(20):
        offsets = rng.normal(0, 0.8 * k, (len(boxes), 2))
        rects = rect_array(boxes, 2.0)
        rects[:, :2] += offsets
        texts = label_rects(boxes, offsets, 2.0)
        m = SimpleNamespace(fill=np.zeros(len(boxes)), rects=rects, texts=texts)
        assert np.array_equal(follows(m), _follows_before(m))
    m = SimpleNamespace(fill=np.zeros(len(boxes)), rects=rect_array(boxes, 2.0),
                        texts=label_rects(boxes, np.zeros((len(boxes), 2)), 2.0))
    assert (follows(m) >= 0).any()  # texts ending just left of a box are found


def test_follows_on_random_rows_with_ties():
    """Several texts ending left of one box (the last in layout order is taken), boxes
    exactly at the limits, no texts at all."""
    rng = np.random.default_rng(5)
    for t in range(300):
        n = int(rng.integers(0, 40))
        w = np.full(n, 20.0) if t % 2 else rng.uniform(10, 30, n)
        rects = np.column_stack([rng.integers(0, 20, n) * 10.0, rng.integers(0, 6, n) * 10.0,
                                 w, w])
        texts = np.column_stack([rects[:, 0] - rng.integers(0, 8, n) * 10.0,
                                 rects[:, 1], rng.integers(0, 10, n) * 10.0 + 20 * (t % 3),
                                 np.full(n, 10.0)])
        texts[rng.random(n) < 0.3] = np.nan
        if t % 7 == 0:
            texts[:] = np.nan
        m = SimpleNamespace(fill=np.zeros(n), rects=rects, texts=texts)
        assert np.array_equal(follows(m), _follows_before(m))


def _bridge_before(lo, hi, c, into=THROUGH, own=False):
    sides, corners, centres, w = c.zones
    dx, dy = np.sign(centres[hi] - centres[lo]) * (np.abs(centres[hi] - centres[lo]) >
                                                    0.5 * w[lo])
    if np.abs(centres[hi] - centres[lo]).max() > 4.5 * w[lo] or dx < 0 or dy > 0 or \
            (dx == 0 and dy == 0):
        return False
    if dx > 0 and dy < 0:
        out_lo, in_hi = corners[lo, 1], corners[hi, 2]
    elif dx > 0:
        out_lo = max(sides[lo, 1], corners[lo, 1], corners[lo, 3])
        in_hi = max(sides[hi, 0], corners[hi, 2])
    else:
        out_lo, in_hi = max(sides[lo, 2], corners[lo, 1]), max(sides[hi, 3], corners[hi, 2])
    started = out_lo > THROUGH / 4 or (own and c.net[lo] >= c.low / 2)
    return bool(started and in_hi > into)


def _calls(rng, n, grid: bool):
    """Boxes in rows and columns (``grid``: on a lattice, so offsets hit the limits exactly)."""
    w = np.full(n, 20.0) if grid else rng.uniform(15, 25, n)
    if grid:
        centres = np.column_stack([rng.integers(0, 6, n) * 10.0, rng.integers(0, 6, n) * 10.0])
    else:
        centres = rng.uniform(0, 150, (n, 2))
    zone = lambda: np.where(rng.random((n, 4)) < 0.5, 0.0, rng.uniform(0, 0.4, (n, 4)))  # noqa: E731
    return SimpleNamespace(zones=(zone(), zone(), centres, w), net=rng.uniform(0, 0.5, n),
                           low=0.08)


def test_bridge_is_the_same_on_every_pair():
    rng = np.random.default_rng(11)
    for t in range(60):
        n = 12
        c = _calls(rng, n, t % 2 == 0)
        for lo, hi in itertools.permutations(range(n), 2):
            for into, own in ((THROUGH, False), (0.02, True)):
                assert _bridge(lo, hi, c, into, own) == _bridge_before(lo, hi, c, into, own)


def _missed_before(idx, c):
    if c.zones is None:
        return []
    sides, corners, centres, w = c.zones
    marked = np.flatnonzero(c.net >= c.low)
    out = []
    for j, i in enumerate(idx):
        if c.net[i] >= c.low:
            continue
        inky = (sides[i] > THROUGH).sum() + (corners[i] > THROUGH).sum()
        alone = all(np.abs(centres[m] - centres[i]).max() > 2.5 * w[i] for m in marked)
        if inky >= 2 and alone:
            out.append(j)
    return out


def test_missed_is_the_same():
    rng = np.random.default_rng(12)
    found = 0
    for t in range(300):
        c = _calls(rng, 16, t % 2 == 0)
        c.net = rng.uniform(0, 0.1, 16)  # a few marked boxes, most empty
        idx = [int(v) for v in rng.permutation(16)[:6]]
        assert _missed(idx, c) == _missed_before(idx, c)
        found += bool(_missed_before(idx, c))
    assert found > 10


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
    return "three"


def test_choose_finds_the_same_four_marks():
    """Marks of a page among blobs (filled boxes, smudges), moved and turned a little; some
    with a mark missing or a blob in a corner: the same four chosen, or none of four."""
    from fieldwork.omr.align import _CENTRES, MARK_RATIO

    rng = np.random.default_rng(13)
    four = 0
    for t in range(400):
        k = rng.uniform(0.8, 1.2)
        a = math.radians(rng.uniform(-3, 3))
        rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
        pts = (_CENTRES * k) @ rot.T + rng.uniform(0, 60, 2)
        side = MARK_RATIO * (_CENTRES[2, 1] - _CENTRES[0, 1]) * k
        marks = np.column_stack([pts, np.full(4, side) * rng.uniform(0.9, 1.1, 4)])
        if t % 3 == 0:
            marks = np.delete(marks, int(rng.integers(0, 4)), axis=0)
        n = int(rng.integers(0, 9))
        blobs = np.column_stack([rng.uniform(0, 600 * k, (n, 2)), side * rng.uniform(0.6, 1.4, n)])
        cands = rng.permutation(np.vstack([marks, blobs]))
        if len(cands) < 4:
            continue
        long_side = 640.0
        old = _choose_before(cands, long_side)
        new = _choose(cands, long_side)
        if isinstance(old, tuple):
            four += 1
            assert new is not None and np.array_equal(new[0], old[0]) and new[1].all()
        else:
            assert new is None or not new[1].all()
    assert four > 100


@pytest.mark.parametrize("name,page", [("danang-2025", 0), ("sipas", 0), ("sipas", 1)])
def test_after_bands_are_each_text_s_own(name, page):
    """``_after_bands`` (all texts at once) against ``_after_band`` text by text: on the
    layouts moved box by box, and on random rows whose next boxes sit at the limits."""
    from fieldwork.omr.marks import _after_band, _after_bands

    boxes = _boxes(name, page)
    rng = np.random.default_rng(9)
    cases = []
    for k in range(10):
        offsets = rng.normal(0, 1.5 * k, (len(boxes), 2))
        rects = rect_array(boxes, 2.0)
        rects[:, :2] += offsets
        cases.append((rects, label_rects(boxes, offsets, 2.0)))
    for _ in range(100):
        n = int(rng.integers(1, 30))
        rects = np.column_stack([rng.integers(0, 30, n) * 10.0, rng.integers(0, 5, n) * 10.0,
                                 np.full(n, 20.0), rng.choice([10.0, 20.0], n)])
        texts = np.column_stack([rects[:, 0] + 25, rects[:, 1], rng.integers(0, 9, n) * 5.0,
                                 np.full(n, 10.0)])
        texts[rng.random(n) < 0.2] = np.nan
        cases.append((rects, texts))
    seen = 0
    for rects, texts in cases:
        has = np.flatnonzero(np.isfinite(texts[:, 0]))
        got = _after_bands(rects, has, texts)
        for row, i in zip(got, has, strict=True):
            band = _after_band(rects, i, texts[i])
            if band is None:
                assert np.isnan(row).all()
            else:
                seen += 1
                assert row.tolist() == [float(v) for v in band]
    assert seen > 100


def test_integral_reads_clip_as_np_clip():
    """``_at`` and ``_isums`` on points in, at and past the image's edges."""
    from fieldwork.omr.marks import _at, _isums, integral

    rng = np.random.default_rng(21)
    ii = integral(rng.integers(0, 256, (60, 80), dtype=np.uint8))
    h, w = ii.shape[0] - 1, ii.shape[1] - 1
    x = np.concatenate([rng.uniform(-30, 110, 500), [0.0, -0.0, w, w + 0.5, -1e-9]])
    y = np.concatenate([rng.uniform(-30, 90, 500), [0.0, h, -0.0, h + 2.0, 1e-9]])

    def at_before(x, y):
        xc, yc = np.clip(x, 0, w), np.clip(y, 0, h)
        xi, yi = np.minimum(xc.astype(np.intp), w - 1), np.minimum(yc.astype(np.intp), h - 1)
        fx, fy = xc - xi, yc - yi
        flat, at = ii.reshape(-1), yi * (w + 1) + xi
        a, b, c, d = flat[at], flat[at + 1], flat[at + (w + 1)], flat[at + (w + 2)]
        return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy

    assert _at(ii, x, y).tobytes() == at_before(x, y).tobytes()
    x0, y0 = np.round(x), np.round(y)
    x1, y1 = x0 + rng.integers(-3, 40, len(x)), y0 + rng.integers(-3, 40, len(y))
    flat = ii.reshape(-1)
    cx0, cx1 = np.clip(x0, 0, w).astype(np.intp), np.clip(x1, 0, w).astype(np.intp)
    cy0, cy1 = np.clip(y0, 0, h).astype(np.intp), np.clip(y1, 0, h).astype(np.intp)
    before = (flat[cy1 * (w + 1) + cx1] - flat[cy0 * (w + 1) + cx1] -
              flat[cy1 * (w + 1) + cx0] + flat[cy0 * (w + 1) + cx0]) * (1.0 / 255)
    assert np.array_equal(_isums(ii, x0, y0, x1, y1), before)
    ints = (x0.astype(np.int64), y0.astype(np.int64), x1.astype(np.int64), y1.astype(np.int64))
    assert np.array_equal(_isums(ii, *ints), before)
