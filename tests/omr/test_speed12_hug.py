"""``hug._pattern``: the band and sectors round a box of one size, laid out once for every page
of that size (``hug._sector_ink`` took a millisecond a page laying it out again)."""

import numpy as np


def test_hug_pattern_is_laid_out_once_and_read_only():
    from fieldwork.omr.hug import INSIDE, OUTLINE_PT, OUTSIDE, SECTORS, _pattern

    side, tall, scale = 22.0, 26.0, 2.0
    a = _pattern(side, tall, scale)
    assert _pattern(side, tall, scale) is a  # the same arrays for every page of that size
    kx, ky, flat, starts, pu, pv, zone = a
    assert (kx, ky) == (22 + 2 * 14, 26 + 2 * 14)  # a pad of 0.45 of the longer side + 2 px
    assert np.array_equal(pu, (flat % kx) + 0.5 - kx / 2)
    assert np.array_equal(pv, (flat // kx) + 0.5 - ky / 2)
    # sector by sector, each pixel's angle round the centre in its sector
    sector = np.floor(np.arctan2(pv, pu) / (2 * np.pi) * SECTORS).astype(int) % SECTORS
    assert np.array_equal(sector, np.repeat(np.arange(SECTORS), np.diff([*starts, len(flat)])))
    # in the band: a little inside the outline to a little outside it, never on it
    dx, dy = np.abs(pu) - side / 2, np.abs(pv) - tall / 2
    sd = np.where((dx > 0) | (dy > 0), np.hypot(np.maximum(dx, 0), np.maximum(dy, 0)),
                  np.maximum(dx, dy))
    assert ((sd > -INSIDE * side) & (sd < OUTSIDE * side) & (np.abs(sd) > OUTLINE_PT * scale)).all()
    inside = (np.abs(pu) < side / 2) & (np.abs(pv) < tall / 2)
    assert np.array_equal(zone == 4, inside)  # the middle zone is the box's own
    assert set(zone[(pu > side / 2) & (pv < -tall / 2)].tolist()) == {2}  # top right
    for arr in (flat, starts, pu, pv, zone):
        assert not arr.flags.writeable
