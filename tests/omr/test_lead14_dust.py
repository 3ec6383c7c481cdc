"""Dust on the scanner's glass is no pencil trace. On a one-bit page of blanks (``traces``), a
box holding one black blot (a speck of dust a pixel or two across, or a short hair) while its
row is clean was read as that row's answer: on the lead's own one-bit pages (pencil drawn as
correlated graphite, dust and hairs added, ``leadtools/traces/lead_pencil.py``) four blank
questions and two pencil ones were read from dust. A pencil's grains lie apart along its
stroke: a trace is now at least two specks, spread over a tenth of the box."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fieldwork.omr import traces
from fieldwork.omr.read import read_page

from .test_traces14_pencil import KEY, LEVEL, page1  # noqa: F401  (a fixture)


def _dusty(page: np.ndarray, boxes: list[dict], dpi: int, rng, hair: bool) -> np.ndarray:
    """``page`` thresholded at one level, with one blot in one box of each row."""
    img = page.copy()
    f = dpi / 72
    for b in boxes:
        x = (b["x"] + b["w"] * rng.uniform(0.3, 0.7)) * f
        y = (b["y"] + b["h"] * rng.uniform(0.3, 0.7)) * f
        if hair:
            a = rng.uniform(0, np.pi)
            d = 0.3 * b["w"] * f
            cv2.line(img, (int(x), int(y)), (int(x + d * np.cos(a)), int(y + d * np.sin(a))),
                     40, 1, cv2.LINE_AA)
        else:
            cv2.circle(img, (int(x), int(y)), int(rng.integers(0, 2)), 30, -1)
    return np.where(img < LEVEL, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("hair", [False, True])
def test_a_speck_of_dust_in_a_blank_row_is_no_answer(page1, hair):  # noqa: F811
    page, dpi, layout, groups, rows = page1
    rng = np.random.default_rng(3)
    dusted = [groups[q][int(rng.integers(0, 6))] for q in rows]
    answers = read_page(_dusty(page, dusted, dpi, rng, hair), KEY, lambda p: layout).answers
    # before: most of these rows read as the dusted box, "pencil trace"
    assert all(answers[q].status == "doubtful" and answers[q].note == "empty page"
               for q in rows), {q: (answers[q].values, answers[q].note) for q in rows}


def test_one_blot_or_specks_close_together_are_no_trace():
    s = 4.0
    one = np.array([[6, 0, 0, 1, 5], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
    close = np.array([[6, 0, 0, 2, 6], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
    apart = np.array([[6, 0, 0, 2, 30], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
    assert traces.traced(one, s) is None and traces.traced(close, s) is None
    assert traces.traced(apart, s) == 0
