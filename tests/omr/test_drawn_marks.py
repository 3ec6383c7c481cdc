"""Marks drawn by hand (OpenCV strokes on the printed page, placed from the printed PDF's own
layout), each a class of silent error the bench found on fresh seed 11: ghost print of the back
page read as a ring, rings around several option texts of a multiple choice, ticks whose arm
runs flat into the next box. Never read wrong without a person seeing it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fieldwork.omr.read import read_page

KEY = b"test-key"
DPI = 200
F = DPI / 72
PEN = round(0.35 / 25.4 * DPI)  # a ballpoint's stroke, pixels (0.35 mm)


def _boxes(layout: dict, page: int, question: str) -> list[dict]:
    return [b for b in layout["pages"][page]["boxes"] if b["question"] == question]


def _px(*pts) -> np.ndarray:
    return np.round(np.array(pts, float) * F).astype(np.int32)


def _read(image: np.ndarray, layout: dict):
    result = read_page(np.ascontiguousarray(image), KEY, lambda p: layout)
    assert result.status == "read", (result.reason, result.detail)
    return result.answers


def _fill(ink: np.ndarray, b: dict) -> None:
    """Box ``b`` filled solid, 1.5 pt inside its printed outline."""
    x, y, w = b["x"], b["y"], b["w"]
    cv2.rectangle(ink, tuple(_px(x + 1.5, y + 1.5)), tuple(_px(x + w - 1.5, y + w - 1.5)), 255,
                  -1)


def _answered(image: np.ndarray, layout: dict, page: int, *skip: str,
              opacity: float = 0.85) -> np.ndarray:
    """The page with every question but ``skip`` answered in its first box (a page of
    blanks goes to a person whole), at ``opacity`` of black (pencil is lighter)."""
    ink = np.zeros_like(image)
    done = set(skip)
    for b in layout["pages"][page]["boxes"]:
        if b["question"] in skip or (b["question"], b.get("position")) in done:
            continue
        done.add((b["question"], b.get("position")))  # a grid: each position's first digit
        _fill(ink, b)
    return _blend(image, ink, opacity)


def _blend(image: np.ndarray, ink: np.ndarray, opacity: float) -> np.ndarray:
    """Ink (0..255 coverage) laid over the page at ``opacity`` of black."""
    return (image * (1 - opacity * ink / 255.0)).astype(np.uint8)


def test_the_back_page_showing_through_around_a_box_is_not_a_ring(forms):
    pages, layout = forms["sipas"]
    image = _answered(pages[1], layout, 1, "education")
    # The back's print, a box outline and its text line, shows through faintly, a little
    # bigger and offset: grey strokes around the first option's box of a blank question.
    ghost = np.zeros_like(image)
    b = _boxes(layout, 1, "education")[0]
    cv2.rectangle(ghost, tuple(_px(b["x"] - 4, b["y"] - 5)),
                  tuple(_px(b["x"] + b["w"] + 3, b["y"] + b["h"] + 5)), 255, int(2.2 * F))
    image = _blend(image, ghost, 0.12)
    answers = _read(image, layout)
    assert (answers["education"].status, answers["education"].values) == ("blank", [])
    # The same stroke in pen is a ring, and is read as one.
    pen = _blend(_answered(pages[1], layout, 1, "education"), ghost, 0.8)
    assert (_read(pen, layout)["education"].values, _read(pen, layout)["education"].status) \
        == ([b["option"]], "ok")


def test_rings_around_the_texts_of_many_options_of_a_multiple_choice_are_all_seen(forms):
    pages, layout = forms["danang-2025"]
    boxes = _boxes(layout, 0, "q02")
    chosen = boxes[4:]  # five of its nine options, in both columns, the last rows
    ink = np.zeros_like(pages[0])
    for b in chosen:
        t = b["label"]
        centre = _px(t["x"] + t["w"] / 2, t["y"] + t["h"] / 2)
        axes = _px(t["w"] / 2 + 3, t["h"] / 2 + 5)  # clear of the box, left of the text
        cv2.ellipse(ink, tuple(centre), tuple(axes), 0, 0, 360, 255, PEN)
    answers = _read(_blend(_answered(pages[0], layout, 0, "q02"), ink, 0.9), layout)
    a = answers["q02"]
    # Read as the five options: the rings lie under most of the question's texts, so what
    # most options show around their text is not print alone.
    assert (a.status, a.values, a.note) == ("ok", [b["option"] for b in chosen], "ring"), a


@pytest.mark.parametrize("question", ["feedback_1", "results_2"])
def test_a_tick_whose_arm_runs_flat_into_the_next_box_is_not_read_as_that_box(forms,
                                                                             question):
    pages, layout = forms["sipas"]
    first, second = _boxes(layout, 1, question)[:2]
    ink = np.zeros_like(pages[1])
    s = first["w"]
    # A small hook at the bottom of the first box, then the long arm almost level, ending
    # inside the second box.
    hook = (first["x"] + 0.2 * s, first["y"] + 0.75 * s)
    low = (first["x"] + 0.4 * s, first["y"] + 1.05 * s)
    end = (second["x"] + 0.85 * s, second["y"] + 0.7 * s)
    cv2.polylines(ink, [_px(hook, low, end)], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(pages[1], layout, 1, question), ink, 0.9), layout)[question]
    assert a.status == "doubtful" or a.values == [first["option"]], a


def test_a_tick_running_into_the_next_box_beside_a_filled_answer_is_a_second_mark(forms):
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "procedure_4")
    tick_box, into, filled = boxes[2], boxes[3], boxes[5]
    ink = np.zeros_like(pages[0])
    x, y, w = filled["x"], filled["y"], filled["w"]
    cv2.rectangle(ink, tuple(_px(x + 1.5, y + 1.5)), tuple(_px(x + w - 1.5, y + w - 1.5)), 255,
                  -1)
    s = tick_box["w"]
    start = (tick_box["x"] + 0.15 * s, tick_box["y"] + 0.5 * s)
    bottom = (tick_box["x"] + 0.35 * s, tick_box["y"] + 0.8 * s)
    end = (into["x"] + 0.6 * s, into["y"] + 0.45 * s)
    cv2.polylines(ink, [_px(start, bottom, end)], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(pages[0], layout, 0, "procedure_4"), ink, 0.6),
              layout)["procedure_4"]
    assert a.status in ("doubtful", "multiple") and tick_box["option"] in a.values, a


def test_a_page_reads_the_same_at_every_quarter_turn(forms):
    """Fresh seed 11 flagged more at 90 degrees; turning its pages showed the turn itself
    changes nothing (the sheets scanned turned were others): here, one page turned four ways."""
    pages, layout = forms["danang-2025"]
    ink = np.zeros_like(pages[0])
    for b in _boxes(layout, 0, "q02")[4:7]:  # rings around three option texts
        t = b["label"]
        cv2.ellipse(ink, tuple(_px(t["x"] + t["w"] / 2, t["y"] + t["h"] / 2)),
                    tuple(_px(t["w"] / 2 + 3, t["h"] / 2 + 5)), 0, 0, 360, 255, PEN)
    image = _blend(_answered(pages[0], layout, 0, "q02"), ink, 0.9)
    readings = []
    for k in range(4):
        answers = _read(np.rot90(image, k), layout)
        readings.append({q: (a.status, a.values) for q, a in answers.items()})
    assert readings[0]["q02"][0] == "ok"
    assert all(r == readings[0] for r in readings[1:])


def test_digits_ringed_in_a_tight_grid_are_read(forms):
    """A ring in a digit grid has no room of its own: it runs through the gaps around its
    box and its arcs cross the next boxes. The digits are read, not the whole grid doubted."""
    pages, layout = forms["danang-2025"]
    number = "0352741968"
    boxes = {(b["position"], b["option"]): b for b in _boxes(layout, 0, "phone")}
    ink = np.zeros_like(pages[0])
    rng = np.random.default_rng(11)
    for pos, digit in enumerate(number):
        b = boxes[(pos, digit)]
        cx, cy, s = b["x"] + b["w"] / 2, b["y"] + b["h"] / 2, b["w"]
        axes = _px(s * rng.uniform(0.85, 1.0), s * rng.uniform(0.85, 1.0))
        cv2.ellipse(ink, tuple(_px(cx + rng.normal(0, 0.5), cy + rng.normal(0, 0.5))),
                    tuple(axes), float(rng.uniform(0, 360)), 0, 340, 255, PEN)
    a = _read(_blend(_answered(pages[0], layout, 0, "phone"), ink, 0.85), layout)["phone"]
    assert (a.status, "".join(a.values)) == ("ok", number), a


@pytest.mark.parametrize("option", ["reason_c", "reason_d"])
def test_a_ring_around_a_box_of_the_second_row_does_not_add_the_option_above(forms, option):
    """The first row of an option list has the question's text printed above it; a ring
    around the box below reaches its other side. Two sides is not a ring there: a ring
    around a box with room left of it passes left of it too."""
    pages, layout = forms["danang-2025"]
    b = next(b for b in _boxes(layout, 0, "q02") if b["option"] == option)
    ink = np.zeros_like(pages[0])
    s = b["w"]
    cv2.ellipse(ink, tuple(_px(b["x"] + s / 2, b["y"] + s / 2)), tuple(_px(1.2 * s, 1.25 * s)),
                0, 0, 350, 255, PEN)
    a = _read(_blend(_answered(pages[0], layout, 0, "q02"), ink, 0.9), layout)["q02"]
    assert (a.status, a.values) == ("ok", [option]), a


def _ring(ink: np.ndarray, b: dict, rx: float, ry: float, start: float = 0,
          end: float = 345) -> None:
    """A pen ring round box ``b``: half-axes ``rx``, ``ry`` in box widths."""
    s = b["w"]
    cv2.ellipse(ink, tuple(_px(b["x"] + s / 2, b["y"] + s / 2)), tuple(_px(rx * s, ry * s)),
                0, start, end, 255, PEN)


def test_digits_ringed_wide_in_a_tight_grid_are_read_not_hidden(forms):
    """A ring wider than the gaps lies over the box's printed outline and the paper round it:
    the outline no longer stands out, but the box is in plain view (it was "not visible"), and
    the ring's arcs over the next columns' boxes are not marks of theirs."""
    pages, layout = forms["danang-2025"]
    number = "0378215964"
    boxes = {(b["position"], b["option"]): b for b in _boxes(layout, 0, "phone")}
    ink = np.zeros_like(pages[0])
    for pos, digit in enumerate(number):
        _ring(ink, boxes[(pos, digit)], 1.05, 0.9)
    a = _read(_blend(_answered(pages[0], layout, 0, "phone"), ink, 0.85), layout)["phone"]
    assert (a.status, "".join(a.values)) == ("ok", number), a


@pytest.mark.parametrize("pen", [1, 2])
def test_a_rings_arc_over_the_next_columns_box_is_not_read_as_its_digit(forms, pen):
    """Columns 1 and 3 have their 3 and 9 ringed; a big ring round column 2's 0, in a fine or
    a heavy pen, runs through the 0 boxes of columns 1 and 3. Those arcs are not their answers:
    read 3 and 9, or ask a person, never 0."""
    pages, layout = forms["danang-2025"]
    number = "0300000000"
    boxes = {(b["position"], b["option"]): b for b in _boxes(layout, 0, "phone")}
    ink = np.zeros_like(pages[0])
    for pos, digit in enumerate(number):
        if pos not in (2, 3):
            _ring(ink, boxes[(pos, digit)], 0.95, 0.9)
    b = boxes[(2, "0")]
    cv2.ellipse(ink, tuple(_px(b["x"] + b["w"] / 2, b["y"] + b["w"] / 2)),
                tuple(_px(1.45 * b["w"], b["w"])), 0, 0, 345, 255, pen * PEN)
    _ring(ink, boxes[(3, "9")], 1.0, 0.9)
    a = _read(_blend(_answered(pages[0], layout, 0, "phone"), ink, 0.85), layout)["phone"]
    assert a.status != "ok" or "".join(a.values) == "0309000000", a


@pytest.mark.parametrize("smear", [0.13, 0.16])
def test_pencil_rubbed_out_beside_the_new_mark_is_the_new_mark(forms, smear):
    """A page marked in pencil; one answer rubbed out (a faint grey smear is left in its box)
    and another box filled as dark as the respondent's other marks: that box is the answer.
    A smear nearly as dark as the marks stays for a person."""
    pages, layout = forms["sipas"]
    old, new = _boxes(layout, 0, "access_3")[1:3]
    image = _answered(pages[0], layout, 0, "access_3", opacity=0.4)
    ink, smudge = np.zeros_like(image), np.zeros_like(image)
    for b, layer in ((new, ink), (old, smudge)):
        x, y, w = b["x"], b["y"], b["w"]
        cv2.rectangle(layer, tuple(_px(x + 1.5, y + 1.5)), tuple(_px(x + w - 1.5, y + w - 1.5)),
                      255, -1)
    smudge = cv2.GaussianBlur(smudge, (0, 0), 2.5)
    a = _read(_blend(_blend(image, ink, 0.4), smudge, smear), layout)["access_3"]
    assert (a.status, a.values) == ("ok", [new["option"]]), a
    heavy = _read(_blend(_blend(image, ink, 0.4), smudge, 0.3), layout)["access_3"]
    assert heavy.status in ("doubtful", "multiple") and old["option"] in heavy.values, heavy


@pytest.mark.parametrize("ringed", ["text of the first", "box of the second"])
def test_a_ring_in_a_row_of_options_is_not_ink_beside_the_next_option(forms, ringed):
    """Options in one row ("Có [ ]  Không [ ]"): a ring round the first option's text passes
    just left of the second box, and a ring round the second box passes just after the first
    option's text. That ink is the ring's, not a mark near the other option."""
    pages, layout = forms["danang-2025"]
    first, second = _boxes(layout, 0, "q01")
    assert abs(first["y"] - second["y"]) < 1  # one row
    ink = np.zeros_like(pages[0])
    if ringed.startswith("text"):
        t, chosen = first["label"], first
        cv2.ellipse(ink, tuple(_px(t["x"] + t["w"] / 2, t["y"] + t["h"] / 2)),
                    tuple(_px(t["w"] / 2 + 4, t["h"] / 2 + 5)), 0, 0, 355, 255, PEN)
    else:
        chosen = second
        _ring(ink, second, 1.1, 1.1, 0, 355)
    a = _read(_blend(_answered(pages[0], layout, 0, "q01"), ink, 0.9), layout)["q01"]
    assert (a.status, a.values) == ("ok", [chosen["option"]]), a


def test_a_ring_and_a_mark_beside_in_one_multiple_choice_are_both_chosen(forms):
    """A multiple choice answered by a ring round one option's box and a tick left of
    another's (in the list's margin): both options are chosen."""
    pages, layout = forms["danang-2025"]
    boxes = _boxes(layout, 0, "q02")
    ringed, ticked = boxes[0], boxes[4]
    ink = np.zeros_like(pages[0])
    _ring(ink, ringed, 1.15, 1.15, 0, 355)
    s, x, y = ticked["w"], ticked["x"], ticked["y"]
    cv2.polylines(ink, [_px((x - 1.6 * s, y + 0.5 * s), (x - 1.3 * s, y + 0.85 * s),
                            (x - 0.6 * s, y + 0.05 * s))], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(pages[0], layout, 0, "q02"), ink, 0.9), layout)["q02"]
    assert (a.status, a.values) == ("ok", [ringed["option"], ticked["option"]]), a


def test_a_ring_round_a_text_is_not_a_mark_beside_the_box_after_it(forms):
    """Two columns of options: a ring round the text of a left-column option passes just
    left of the right-column box after it, in that box's margin. Read as the ringed options,
    never with the box after the text added."""
    pages, layout = forms["danang-2025"]
    boxes = {b["option"]: b for b in _boxes(layout, 0, "q02")}
    ink = np.zeros_like(pages[0])
    for option in ("reason_c", "reason_e"):
        t = boxes[option]["label"]
        cv2.ellipse(ink, tuple(_px(t["x"] + t["w"] / 2, t["y"] + t["h"] / 2)),
                    tuple(_px(t["w"] / 2 + 6, t["h"] / 2 + 5)), 0, 0, 355, 255, PEN)
    a = _read(_blend(_answered(pages[0], layout, 0, "q02"), ink, 0.9), layout)["q02"]
    assert "reason_d" not in a.values and (a.status != "ok" or a.values == [
        "reason_c", "reason_e"]), a


def test_a_respondent_who_marks_with_heavy_crosses_is_read(forms):
    """Every answer on the page a heavy X whose arms run past the box's corners (a broad pen
    over a small box nearly fills it, like a box filled then crossed out): this respondent's
    way of marking, read as answers, not as corrections with nothing chosen."""
    pages, layout = forms["danang-2025"]
    ink = np.zeros_like(pages[0])
    done, chosen = set(), {}
    for b in layout["pages"][0]["boxes"]:
        key = (b["question"], b.get("position"))
        if key in done or b["question"] == "q02":
            continue
        done.add(key)
        chosen[key] = b["option"]
        x, y, s = b["x"], b["y"], b["w"]
        for a, z in (((-0.25, -0.25), (1.25, 1.25)), ((-0.25, 1.25), (1.25, -0.25))):
            cv2.line(ink, tuple(_px(x + a[0] * s, y + a[1] * s)),
                     tuple(_px(x + z[0] * s, y + z[1] * s)), 255, 4 * PEN, cv2.LINE_AA)
    answers = _read(_blend(pages[0], ink, 0.9), layout)
    phone = answers["phone"]
    expected = "".join(chosen[("phone", p)] for p in range(len(phone.values)))
    assert (phone.status, "".join(phone.values)) == ("ok", expected), phone
    assert (answers["q01"].status, answers["q01"].values) == ("ok", [chosen[("q01", None)]])


@pytest.mark.parametrize("question", ["feedback_1", "results_2", "access_2"])
def test_a_tick_running_flat_into_the_next_box_belongs_to_the_box_of_its_vertex(forms,
                                                                              question):
    """A tick's small hook at the bottom of one box, its long arm almost level into the middle
    of the next: most of its ink is in the next box, but its vertex (the lowest ink) is in the
    first, where it was drawn. Read as the first box."""
    pages, layout = forms["sipas"]
    page = 1 if question != "access_2" else 0
    first, second = _boxes(layout, page, question)[1:3]
    s = first["w"]
    ink = np.zeros_like(pages[page])
    hook = (first["x"] + 0.15 * s, first["y"] + 0.65 * s)
    low = (first["x"] + 0.35 * s, first["y"] + 0.95 * s)
    end = (second["x"] + 0.6 * s, second["y"] + 0.55 * s)
    cv2.polylines(ink, [_px(hook, low, end)], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(pages[page], layout, page, question), ink, 0.8),
              layout)[question]
    assert (a.status, a.values) == ("ok", [first["option"]]), a
    # A tick drawn in the second box, its hook starting in the gap: the second box.
    ink = np.zeros_like(pages[page])
    hook = (second["x"] - 0.3 * s, second["y"] + 0.45 * s)
    low = (second["x"] + 0.35 * s, second["y"] + 0.85 * s)
    end = (second["x"] + 1.0 * s, second["y"] - 0.1 * s)
    cv2.polylines(ink, [_px(hook, low, end)], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(pages[page], layout, page, question), ink, 0.8),
              layout)[question]
    assert a.status != "ok" or a.values == [second["option"]], a


def test_a_light_tick_beside_a_filled_box_is_a_second_answer_not_a_smear(forms):
    """A pencil page; one box filled, and a small tick in another box (little ink, so far
    lighter than the fill, but a stroke as dark as the pencil's): two answers, for a person;
    never the fill alone as if the tick were rubbed out."""
    pages, layout = forms["sipas"]
    filled, ticked = _boxes(layout, 0, "access_3")[1:3]
    image = _answered(pages[0], layout, 0, "access_3", opacity=0.4)
    ink = np.zeros_like(image)
    x, y, s = filled["x"], filled["y"], filled["w"]
    cv2.rectangle(ink, tuple(_px(x + 1.5, y + 1.5)), tuple(_px(x + s - 1.5, y + s - 1.5)), 255,
                  -1)
    x, y = ticked["x"], ticked["y"]
    cv2.polylines(ink, [_px((x + 0.3 * s, y + 0.55 * s), (x + 0.45 * s, y + 0.75 * s),
                            (x + 0.75 * s, y + 0.3 * s))], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(image, ink, 0.45), layout)["access_3"]
    assert a.status in ("doubtful", "multiple") and ticked["option"] in a.values, a


@pytest.mark.parametrize("number", ["012345678", "055555555", "077777777"])
def test_a_9_digit_old_id_in_the_12_digit_grid_is_read_as_9_digits(forms, number):
    """An old 9-digit ID ticked into the 12-digit grid, each tick's long arm reaching past its
    box towards the next column: the last tick's ink left of the 10th column's box is that
    tick's, not a 10th digit (nor a reason to doubt the ID)."""
    pages, layout = forms["danang-2025"]
    boxes = {(b["position"], b["option"]): b for b in _boxes(layout, 0, "citizen_id")}
    ink = np.zeros_like(pages[0])
    for pos, digit in enumerate(number):
        b = boxes[(pos, digit)]
        s, x, y = b["w"], b["x"], b["y"]
        pts = [(x + 0.15 * s, y + 0.5 * s), (x + 0.42 * s, y + 0.85 * s),
               (x + 1.8 * s, y - 0.5 * s)]
        cv2.polylines(ink, [_px(*pts)], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(pages[0], layout, 0, "citizen_id"), ink, 0.85),
              layout)["citizen_id"]
    assert (a.status, "".join(a.values)) == ("ok", number), a


@pytest.mark.parametrize("question", ["feedback_3", "results_1"])
def test_a_stroke_from_one_box_ending_at_the_next_is_not_a_mark_beside_it(forms, question):
    """A light stroke starting with a small hook at one box's lower left corner and running
    almost level to the next box's left side, ending there: its ink lies left of the next box,
    where a mark beside it would be, but it starts at the box before. Never read as the next
    box without a person."""
    pages, layout = forms["sipas"]
    first, second = _boxes(layout, 1, question)[:2]
    s = first["w"]
    ink = np.zeros_like(pages[1])
    hook = (first["x"] - 0.05 * s, first["y"] + 0.8 * s)
    low = (first["x"] + 0.05 * s, first["y"] + 1.02 * s)
    end = (second["x"] - 0.1 * s, second["y"] + 0.75 * s)
    cv2.polylines(ink, [_px(hook, low, end)], False, 255, PEN, cv2.LINE_AA)
    a = _read(_blend(_answered(pages[1], layout, 1, question), ink, 0.6), layout)[question]
    assert a.status != "ok" or a.values == [first["option"]], a


def test_a_fill_crossed_out_and_another_box_ringed_is_the_ringed_box(forms):
    """The printed correction rule, with the new answer ringed instead of filled: a filled
    box crossed out (the cross's arms past its corners) and a ring round another box of the
    question. The ringed option is the answer."""
    pages, layout = forms["sipas"]
    boxes = _boxes(layout, 0, "procedure_4")
    old, new = boxes[1], boxes[3]
    ink = np.zeros_like(pages[0])
    x, y, s = old["x"], old["y"], old["w"]
    cv2.rectangle(ink, tuple(_px(x + 1.5, y + 1.5)), tuple(_px(x + s - 1.5, y + s - 1.5)), 255,
                  -1)
    for a, z in (((-0.3, -0.3), (1.3, 1.3)), ((-0.3, 1.3), (1.3, -0.3))):
        cv2.line(ink, tuple(_px(x + a[0] * s, y + a[1] * s)),
                 tuple(_px(x + z[0] * s, y + z[1] * s)), 255, PEN, cv2.LINE_AA)
    _ring(ink, new, 1.15, 1.15, 0, 355)
    a = _read(_blend(_answered(pages[0], layout, 0, "procedure_4"), ink, 0.9),
              layout)["procedure_4"]
    assert (a.status, a.values) == ("ok", [new["option"]]), a


@pytest.mark.parametrize("wider", [3, 9])
def test_both_texts_of_a_yes_no_question_ringed_go_to_a_person(forms, wider):
    """Both option texts of a two-option question ringed, the second ring wider to the left,
    over or beside its box: with two options each ring is the other's baseline, so neither
    stands out; never read as the second option alone."""
    pages, layout = forms["danang-2025"]
    first, second = _boxes(layout, 0, "q01")
    ink = np.zeros_like(pages[0])
    for b, extra in ((first, 0), (second, wider)):
        t = b["label"]
        cv2.ellipse(ink, tuple(_px(t["x"] + t["w"] / 2 - extra, t["y"] + t["h"] / 2)),
                    tuple(_px(t["w"] / 2 + 3 + extra, t["h"] / 2 + 5)), 0, 0, 355, 255, PEN)
    a = _read(_blend(_answered(pages[0], layout, 0, "q01"), ink, 0.9), layout)["q01"]
    assert a.status != "ok" or a.values == [first["option"], second["option"]], a
