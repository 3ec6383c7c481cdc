"""geometry.rect_array: layout mappings and Rects give the same array."""

import numpy as np
import pytest


def test_rect_array_reads_layout_mappings_as_rects():
    """geometry.rect_array reads layout mappings directly: the same floats as from Rects."""
    from fieldwork.omr.geometry import Box, Rect, rect_array

    boxes = [Box(10.5, 20.25, 14.0, 14.0, "q1", "a", None, Rect(30, 20, 50.5, 9)),
             Rect(1e-3, 7.0, 3.3, 1.1)]
    dicts = [b.to_dict(6) for b in boxes]
    dicts[1]["x"] = "0.001"  # read with float(), as Rect.from_dict does
    assert np.array_equal(rect_array(dicts, 2.0), rect_array(boxes, 2.0))
    assert rect_array([], 2.0).shape == (0, 4)
    with pytest.raises(ValueError, match="scale"):
        rect_array(dicts, 0)
