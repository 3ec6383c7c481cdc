"""The back page's print showing through a grey scan (``paperscan.scanner.scan``: the back,
mirrored and blurred, darkens the page by 4-15 % of itself) puts grey text lines across the
boxes of a rating row: a mark's level of ink in two or three boxes, none of it as dark as a
stroke. A person sees empty boxes. Paper tuning seed 65, sheet 77 (show-through 0.08, marked
beside): three rating rows went to a person as a "second mark", the ghosts offered beside the
mark (``judge._ghosts``). Drawn on the page rendered from the printed PDF, placed from the
printed layout: the generator's show-through of the form's own back page, and a mirrored text
line of the back lying across the row."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fieldwork.omr.judge import GHOST_PEAK, _ghosts
from fieldwork.omr.read import read_page

from .test_drawn_marks import DPI, KEY, PEN, F, _answered, _blend, _boxes, _px

QUESTION = "officials_2"


def _ghost(shape: tuple, row: list[dict], share: float, dy: float) -> np.ndarray:
    """The factor a mirrored text line of the back page, showing through at ``share`` of its
    darkness, leaves on the page across the boxes of ``row`` (``dy`` points below their
    middle)."""
    text = np.full(shape, 255, np.uint8)
    x0, x1 = int((row[0]["x"] - 20) * F), int((row[-1]["x"] + row[-1]["w"] + 20) * F)
    y = int((row[0]["y"] + 0.75 * row[0]["h"] + dy) * F)
    cv2.putText(text, "Cong chuc tuan thu dung quy dinh trong giai quyet cong viec va huong dan",
                (x0, y), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3, cv2.LINE_AA)
    line = np.full(shape, 255, np.uint8)
    line[:, x0:x1] = text[:, x0:x1][:, ::-1]
    blurred = cv2.GaussianBlur(line.astype(np.float32), (0, 0), 0.2 * DPI / 25.4)
    return 1.0 - share * (1.0 - blurred / 255.0)


def _scanned(front: np.ndarray, back: np.ndarray, row: list[dict], share: float,
             dy: float) -> np.ndarray:
    """``front`` with ``back`` showing through as the paper generator shows it, the text line
    across ``row`` besides, scanner noise and JPEG."""
    mirrored = cv2.GaussianBlur(back[:, ::-1].astype(np.float32), (0, 0), 0.4 * DPI / 25.4)
    factor = _ghost(front.shape, row, share, dy)
    factor *= 1.0 - share * (1.0 - cv2.resize(mirrored, front.shape[::-1]) / 255.0)
    noise = np.random.default_rng(1).normal(0, 6, front.shape)
    page = np.clip(front * factor + noise, 0, 255).astype(np.uint8)
    return cv2.imdecode(cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, 70])[1], 0)


def _tick(ink: np.ndarray, x: float, y: float, s: float) -> None:
    cv2.polylines(ink, [_px((x + 0.15 * s, y + 0.5 * s), (x + 0.4 * s, y + 0.85 * s),
                            (x + 0.9 * s, y + 0.1 * s))], False, 255, PEN, cv2.LINE_AA)


def _read(page: np.ndarray, layout: dict):
    result = read_page(np.ascontiguousarray(page), KEY, lambda p: layout)
    assert result.status == "read", (result.reason, result.detail)
    return result.answers[QUESTION]


@pytest.mark.parametrize("share", [0.1, 0.15])
@pytest.mark.parametrize("dy", [0, 3])
@pytest.mark.parametrize("mark", ["beside the first box", "none"])
def test_the_back_page_showing_through_a_rating_row_is_no_mark(forms, share, dy, mark):
    """p65 sheet 77: a tick left of box 1, the ghosts of the back's text in boxes 2 and 5: the
    answer is box 1 (it went to a person with 1, 2 and 5 offered); with no mark, a blank."""
    pages, layout = forms["sipas"]
    row = _boxes(layout, 0, QUESTION)
    ink = np.zeros_like(pages[0])
    if mark != "none":
        b = row[0]
        _tick(ink, b["x"] - 1.4 * b["w"], b["y"], b["w"])
    page = _blend(_answered(pages[0], layout, 0, QUESTION), ink, 0.85)
    a = _read(_scanned(page, pages[1], row, share, dy), layout)
    want = ("ok", [row[0]["option"]]) if mark != "none" else ("blank", [])
    assert (a.status, a.values) == want, a


@pytest.mark.parametrize("dy", [0, 3])
def test_a_tick_in_a_box_is_read_past_the_ghosts_in_others(forms, dy):
    """A tick in box 4 with the ghosts in boxes 2 and 5 went to a person as "tick into next"
    (box 2's ghost taken for the tick's hook)."""
    pages, layout = forms["sipas"]
    row = _boxes(layout, 0, QUESTION)
    ink = np.zeros_like(pages[0])
    _tick(ink, row[3]["x"], row[3]["y"], row[3]["w"])
    page = _blend(_answered(pages[0], layout, 0, QUESTION), ink, 0.85)
    a = _read(_scanned(page, pages[1], row, 0.15, dy), layout)
    assert (a.status, a.values) == ("ok", [row[3]["option"]]), a


@pytest.mark.parametrize("opacity", [0.3, 0.4])
def test_a_light_pencil_tick_among_the_ghosts_is_still_a_mark(forms, opacity):
    """The dangerous neighbour: a small pencil tick (the generator's lightest pencil) holds
    about as much ink as a ghost, but keeps the pencil's darkness: it is not taken out."""
    pages, layout = forms["sipas"]
    row = _boxes(layout, 0, QUESTION)
    ink = np.zeros_like(pages[0])
    b, s = row[2], row[2]["w"]
    _tick(ink, b["x"] + 0.15 * s, b["y"] + 0.15 * s, 0.7 * s)
    page = _blend(_answered(pages[0], layout, 0, QUESTION, opacity=0.4), ink, opacity)
    a = _read(_scanned(page, pages[1], row, 0.1, 0), layout)
    assert b["option"] in a.values and (a.status == "ok" or a.status == "doubtful"), a


def test_ghosts_are_boxes_of_single_choices_without_a_strokes_darkness():
    net = np.array([0.0, 0.05, 0.05, 0.05, 0.15, 0.05])
    darkest = {1: 0.12, 2: 0.45, 3: 0.12, 4: 0.12, 5: GHOST_PEAK}
    single = np.array([True, True, True, False, True, True])
    assert _ghosts(net, 0.035, single, darkest.__getitem__) == [1]
