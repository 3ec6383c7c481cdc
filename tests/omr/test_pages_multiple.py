"""Multiple-choice marks a person reads at a glance (drawn with OpenCV on the page rendered
from the printed PDF): a light tick beside a filled box is an answer when drawn as firmly as
the fill, and a ring round an option's text whose arc crosses the option's own box is that
option. A smear left by an eraser beside a fill still goes to a person."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fieldwork.omr.read import read_page

from .test_drawn_marks import KEY, PEN, _blend, _fill, _px


@pytest.fixture(scope="module")
def danang(forms):
    """The 2025 Da Nang form printed, rendered grey at 200 dpi, with every question but the
    multiple choice q02 answered (a fill in its first box), and its q02 boxes by option."""
    pages, layout = forms["danang-2025"]
    page = pages[0]
    ink = np.zeros_like(page)
    done = set()
    for b in layout["pages"][0]["boxes"]:
        if b["question"] == "q02" or (b["question"], b.get("position")) in done:
            continue
        done.add((b["question"], b.get("position")))
        _fill(ink, b)
    q02 = {b["option"]: b for b in layout["pages"][0]["boxes"] if b["question"] == "q02"}
    return _blend(page, ink, 0.85), layout, q02



def _tick(ink: np.ndarray, b: dict) -> None:
    """A small tick inside the box, its arms short of the outline."""
    x, y, s = b["x"], b["y"], b["w"]
    cv2.polylines(ink, [_px((x + 0.25 * s, y + 0.5 * s), (x + 0.45 * s, y + 0.75 * s),
                            (x + 0.75 * s, y + 0.25 * s))], False, 255, PEN, cv2.LINE_AA)


def _q02(image: np.ndarray, layout: dict):
    result = read_page(np.ascontiguousarray(image), KEY, lambda p: layout)
    assert result.status == "read", (result.reason, result.detail)
    return result.answers["q02"]


@pytest.mark.parametrize("ticked", [("reason_d",), ("reason_d", "reason_g")])
def test_a_tick_beside_a_filled_box_of_a_multiple_choice_is_an_answer(danang, ticked):
    page, layout, q02 = danang
    ink = np.zeros_like(page)
    _fill(ink, q02["reason_b"])
    for option in ticked:
        _tick(ink, q02[option])
    a = _q02(_blend(page, ink, 0.85), layout)
    assert (a.status, a.values) == ("ok", sorted(("reason_b", *ticked))), a


def test_a_smear_beside_a_filled_box_of_a_multiple_choice_goes_to_a_person(danang):
    """Pencil rubbed out: a faint grey smear with no stroke of its own beside a fill."""
    page, layout, q02 = danang
    ink, smudge = np.zeros_like(page), np.zeros_like(page)
    _fill(ink, q02["reason_b"])
    _fill(smudge, q02["reason_d"])
    smudge = cv2.GaussianBlur(smudge, (0, 0), 2.5)
    a = _q02(_blend(_blend(page, ink, 0.85), smudge, 0.2), layout)
    assert (a.status, a.values, a.note) == ("doubtful", ["reason_b", "reason_d"], "light"), a


@pytest.mark.parametrize("option", ["reason_c", "reason_d", "reason_f"])
def test_a_ring_round_a_text_crossing_its_own_box_is_that_option(danang, option):
    """The ring round the option's text (two or three lines) is drawn wide to the left: its
    upper arc runs through the option's box, in at the left side and out at the right."""
    page, layout, q02 = danang
    b, t = q02[option], q02[option]["label"]
    left, right = b["x"] - 0.6 * b["w"], t["x"] + t["w"] + 4
    cx, cy, rx = (left + right) / 2, t["y"] + t["h"] / 2, (right - left) / 2
    bx, by = b["x"] + b["w"] / 2, b["y"] + b["h"] / 2
    ry = (cy - by) / np.sqrt(1 - ((bx - cx) / rx) ** 2)  # the arc at the box's centre
    assert ry > 0.4 * t["h"]
    ink = np.zeros_like(page)
    cv2.ellipse(ink, tuple(_px(cx, cy)), tuple(_px(rx, ry)), 0, 0, 360, 255, PEN, cv2.LINE_AA)
    a = _q02(_blend(page, ink, 0.9), layout)
    assert (a.status, a.values) == ("ok", [option]), a
