"""The printed correction rule ("cross out the wrongly filled box and fill the new one") kept
by a respondent who rings instead of filling: the filled box crossed out and the new answer
ringed, the ring round the option's text taking in its box (``hands.ring_text``: 35 % of text
rings start at the box), so its arc leaves a light stroke in the box chosen. A person reads the
ringed option at once; the reader sent it to a person as "cancelled" (p65 sheet 231, p51 sheet
092), and a multiple choice with three options ringed beside one crossed out too (p51 sheet
089). Drawn on the page rendered from the printed PDF, placed from the printed layout."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from .test_drawn_marks import PEN, _answered, _blend, _boxes, _px, _read

MM = 72 / 25.4  # points


def _crossed_fill(ink: np.ndarray, b: dict, over: float = 0.25) -> None:
    """Box ``b`` filled, then crossed out with the arms ``over`` a side past its corners."""
    x, y, s = b["x"], b["y"], b["w"]
    cv2.rectangle(ink, tuple(_px(x + 1.5, y + 1.5)), tuple(_px(x + s - 1.5, y + s - 1.5)), 255,
                  -1)
    for a, z in (((-over, -over), (1 + over, 1 + over)), ((-over, 1 + over), (1 + over, -over))):
        cv2.line(ink, tuple(_px(x + a[0] * s, y + a[1] * s)),
                 tuple(_px(x + z[0] * s, y + z[1] * s)), 255, PEN, cv2.LINE_AA)


def _text_ring(ink: np.ndarray, b: dict, mx: float, my: float, tilt: float) -> None:
    """A ring round option ``b``'s text taking in its box, as ``hands.ring_text`` draws one
    (its left end at the box's left side, ``mx`` and ``my`` mm beyond the text, turned
    ``tilt`` degrees), left a little open."""
    t = b["label"]
    x0, x1, cy = b["x"], t["x"] + t["w"], t["y"] + t["h"] / 2
    rx, ry = (x1 - x0) / 2 * 1.08 + mx * MM, (t["h"] / 2 + my * MM) * 1.3
    u = np.linspace(0.3, 0.3 + 1.95 * np.pi, 60)
    x, y, a = rx * np.cos(u), ry * np.sin(u), np.deg2rad(tilt)
    pts = np.column_stack([(x0 + x1) / 2 + x * np.cos(a) - y * np.sin(a),
                           cy + x * np.sin(a) + y * np.cos(a)])
    cv2.polylines(ink, [_px(*pts)], False, 255, PEN, cv2.LINE_AA)


def _ring(ink: np.ndarray, b: dict) -> None:
    s = b["w"]
    cv2.ellipse(ink, tuple(_px(b["x"] + s / 2, b["y"] + s / 2)), tuple(_px(1.1 * s, 1.05 * s)),
                0, 20, 370, 255, PEN)


@pytest.mark.parametrize(("form", "question", "old", "new", "mx", "my", "tilt"), [
    ("danang-2025", "field", 3, 4, 0.8, 0.6, 0), ("danang-2025", "field", 3, 4, 1.2, 0.6, 0),
    ("sipas", "occupation", 1, 5, 0.8, 1.2, 5), ("sipas", "occupation", 1, 5, 1.2, 1.2, 5)])
def test_a_fill_crossed_out_and_another_text_ringed_is_the_ringed_option(forms, form, question,
                                                                       old, new, mx, my, tilt):
    """p65 sheet 231 ("Xây dựng" crossed, "Đăng ký kinh doanh" ringed), p51 sheet 092 ("Công
    nhân" crossed, "Học sinh, sinh viên" ringed)."""
    pages, layout = forms[form]
    page = 0 if form == "danang-2025" else 1
    boxes = _boxes(layout, page, question)
    ink = np.zeros_like(pages[page])
    _crossed_fill(ink, boxes[old])
    _text_ring(ink, boxes[new], mx, my, tilt)
    a = _read(_blend(_answered(pages[page], layout, page, question), ink, 0.9), layout)[question]
    assert (a.status, a.values) == ("ok", [boxes[new]["option"]]), a


def test_a_crossed_out_option_and_three_ringed_in_a_multiple_choice(forms):
    """p51 sheet 089: "Lý do khác" filled and crossed out, three other reasons ringed: those
    three are the answer."""
    pages, layout = forms["danang-2025"]
    boxes = _boxes(layout, 0, "q02")
    ink = np.zeros_like(pages[0])
    _crossed_fill(ink, boxes[-1])
    for b in (boxes[1], boxes[3], boxes[7]):
        _ring(ink, b)
    a = _read(_blend(_answered(pages[0], layout, 0, "q02"), ink, 0.9), layout)["q02"]
    assert (a.status, a.values) == ("ok", [boxes[k]["option"] for k in (1, 3, 7)]), a


def test_a_crossed_out_fill_a_ringed_text_and_a_tick_elsewhere_go_to_a_person(forms):
    """The dangerous neighbour: a tick in a third box besides the ring is another answer."""
    pages, layout = forms["danang-2025"]
    boxes = _boxes(layout, 0, "field")
    ink = np.zeros_like(pages[0])
    _crossed_fill(ink, boxes[3])
    _text_ring(ink, boxes[4], 0.8, 0.6, 0)
    b, s = boxes[1], boxes[1]["w"]
    cv2.polylines(ink, [_px((b["x"] + 0.15 * s, b["y"] + 0.5 * s), (b["x"] + 0.4 * s,
                                                                      b["y"] + 0.85 * s),
                            (b["x"] + 0.9 * s, b["y"] + 0.1 * s))], False, 255, PEN,
                  cv2.LINE_AA)
    a = _read(_blend(_answered(pages[0], layout, 0, "field"), ink, 0.9), layout)["field"]
    assert a.status != "ok", a
