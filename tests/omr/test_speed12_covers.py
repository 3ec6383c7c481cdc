"""``align.covers``: whether the page lies wholly inside the scan, so that ``register.refine``
need not warp a blank image to find the scan's edges (the warp of a black image is black)."""

import numpy as np
import pytest

from fieldwork.omr.align import covers, warp
from fieldwork.omr.geometry import A4


def _h(angle: float, scale: float, dx: float, dy: float, tilt: float = 0.0) -> np.ndarray:
    """Points to pixels: turned by ``angle`` degrees, ``scale`` px/pt, shifted, a little
    perspective (``tilt``)."""
    a = np.radians(angle)
    return np.array([[scale * np.cos(a), -scale * np.sin(a), dx],
                     [scale * np.sin(a), scale * np.cos(a), dy],
                     [tilt, 0.0, 1.0]])


@pytest.mark.parametrize("seed", range(30))
def test_a_page_said_inside_warps_a_black_image_black(seed):
    rng = np.random.default_rng(seed)
    ppp = rng.choice([150, 200, 300, 400]) / 72
    shape = (int(A4[1] * ppp * rng.uniform(1.0, 1.15)), int(A4[0] * ppp * rng.uniform(1.0, 1.15)))
    h = _h(rng.normal(0, 0.7), ppp * rng.uniform(0.97, 1.03), rng.normal(40, 20),
           rng.normal(40, 20), rng.normal(0, 2e-6))
    scale = float(rng.choice([1.0, 2.0, 3.0]))
    if covers(shape, h, A4, scale):
        assert not warp(np.zeros(shape, np.uint8), h, A4, scale).any()
    image = rng.integers(0, 256, shape, dtype=np.uint8)
    assert np.array_equal(warp(image, h, A4, scale), _warp_before(image, h, A4, scale))


def _warp_before(gray, h, page_size, scale):
    """``align.warp`` as written before its plan was split out (``align._plan``)."""
    import cv2

    from fieldwork.omr.align import pixels_per_point, reduce

    src, g = gray, 1.0
    ppp = pixels_per_point(h, (page_size[0] / 2, page_size[1] / 2))
    if ppp > 1.6 * scale:
        src, g = reduce(gray, int(max(gray.shape) * 1.25 * scale / ppp))
    m = np.diag([g, g, 1.0]) @ h @ np.diag([1 / scale, 1 / scale, 1.0])
    size = (int(round(page_size[0] * scale)), int(round(page_size[1] * scale)))
    return cv2.warpPerspective(src, m, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def test_a_page_inside_and_one_past_the_edge():
    ppp = 300 / 72
    shape = (int(A4[1] * ppp) + 120, int(A4[0] * ppp) + 120)
    inside = _h(0.5, ppp, 60, 60)
    assert covers(shape, inside, A4, 2.0)
    assert not warp(np.zeros(shape, np.uint8), inside, A4, 2.0).any()
    for dx, dy in ((-30, 60), (60, -30), (200, 60), (60, 200)):  # over each edge
        past = _h(0.5, ppp, dx, dy)
        assert not covers(shape, past, A4, 2.0)
        assert warp(np.zeros(shape, np.uint8), past, A4, 2.0).any()


def test_margin_and_a_page_turned_away():
    ppp = 300 / 72
    shape = (int(A4[1] * ppp) + 4, int(A4[0] * ppp) + 4)
    h = _h(0.0, ppp, 2.0, 2.0)
    assert covers(shape, h, A4, 2.0, margin=0.0) and not covers(shape, h, A4, 2.0, margin=3.0)
    away = h.copy()
    away[2] = (-0.01, 0.0, 1.0)  # the denominator turns negative across the page
    assert not covers(shape, away, A4, 2.0)
    with pytest.raises(ValueError, match="scale"):
        covers(shape, h, A4, 0.0)



@pytest.mark.parametrize("shape", [(1684, 1191), (584, 413), (8, 8), (9, 40), (3, 500), (1, 1),
                                   (4, 1), (2, 2), (7, 9)])
def test_paper_level_as_numpy_gives_it(shape):
    from fieldwork.omr.align import paper_level

    rng = np.random.default_rng(sum(shape))
    gray = rng.integers(0, 4, shape, dtype=np.uint8)  # much black: the level's floor of 1
    gray[::3] = rng.integers(0, 256, gray[::3].shape, dtype=np.uint8)
    for feature in (5, 40, 120):
        got = paper_level(gray, feature)
        want = np.maximum(_level_before(gray, feature), 1)
        assert got.dtype == want.dtype == np.uint8 and got.shape == want.shape == shape
        assert np.array_equal(got, want) and got.min() >= 1


def _level_before(gray, feature):
    """``align.paper_level`` before its floor of 1 (which NumPy then took)."""
    import cv2

    from fieldwork.omr.align import shrink

    step = max(1, feature // 5)
    h, w = gray.shape
    small = shrink(gray[:max(step, h - h % step), :max(step, w - w % step)], step)
    small = cv2.blur(cv2.dilate(small, np.ones((5, 5), np.uint8)), (3, 3))
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
