"""Judging boxes and questions from measurements: baselines, dominance, corrections, grids."""

from __future__ import annotations

import numpy as np

from fieldwork.omr.judge import call_boxes, judge_page
from fieldwork.omr.marks import BoxMeasures

LAYOUT = {"questions": [{"code": "q1", "kind": "single"}, {"code": "q2", "kind": "multiple"},
                        {"code": "d", "kind": "digits"}]}


def _page(fills: dict, corners: dict | None = None, diag: float = 1.0):
    """Boxes q1:a-e, q2:a-d, d: 3 positions × 10 digits; ``fills`` by (question, option, pos)."""
    boxes = [{"question": "q1", "option": o, "x": 10.0 * i, "y": 0, "w": 11.3, "h": 11.3}
             for i, o in enumerate("abcde")]
    boxes += [{"question": "q2", "option": o, "x": 10.0 * i, "y": 20, "w": 11.3, "h": 11.3}
              for i, o in enumerate("abcd")]
    boxes += [{"question": "d", "option": str(k), "position": p, "x": 10.0 * p, "y": 40 + 10 * k,
               "w": 9.9, "h": 9.9} for p in range(3) for k in range(10)]
    n = len(boxes)
    rng = np.random.default_rng(0)
    fill = 0.05 + rng.normal(0, 0.003, n)
    corner = np.full((n, 4), 0.02)
    for i, b in enumerate(boxes):
        key = (b["question"], b["option"], b.get("position"))
        fill[i] += fills.get(key, 0.0)
        if corners and key in corners:
            corner[i] = corners[key]
    rects = np.array([[b["x"], b["y"], b["w"], b["h"]] for b in boxes]) * 2
    m = BoxMeasures(fill, fill, np.ones(n), corner, np.full((n, 4), 0.02), np.zeros((n, 2)),
                    rects)
    # The measures are made up, with no ink image behind them: the darkest ink of a box (asked
    # of light marks on grey scans, ``judge._ghosts``) is not there to ask.
    answers, rows = judge_page(LAYOUT, boxes, m, np.zeros((200, 200), np.float32), grey=False)
    return answers, rows, m


def _digits(number: str) -> dict:
    return {("d", ch, p): 0.8 for p, ch in enumerate(number)}


def test_baseline_is_the_pages_own_empty_boxes():
    answers, rows, m = _page({("q1", "b", None): 0.6, **_digits("123")})
    c = call_boxes(m, lambda i: 1.0)
    assert abs(float(np.median(c.net))) < 0.01  # printed outline and paper cancel out
    assert (answers["q1"].values, answers["q1"].status) == (["b"], "ok")
    assert (answers["d"].values, answers["d"].status) == (["1", "2", "3"], "ok")
    assert answers["q2"].status == "blank"


def test_light_lone_mark_counts_when_it_dominates_its_siblings():
    answers, _, _ = _page({("q1", "c", None): 0.1, **_digits("123")})
    assert (answers["q1"].values, answers["q1"].status) == (["c"], "ok")
    assert answers["q1"].confidence < 0.8
    answers, _, _ = _page({("q1", "c", None): 0.1, ("q1", "d", None): 0.06, **_digits("1")})
    assert answers["q1"].status == "doubtful"


def test_two_clear_marks_in_a_single_choice_are_multiple():
    answers, _, _ = _page({("q1", "a", None): 0.7, ("q1", "e", None): 0.5, **_digits("1")})
    assert (answers["q1"].values, answers["q1"].status) == (["a", "e"], "multiple")


def test_correction_rule_cross_out_and_fill_again():
    cancel = {("q1", "a", None): [0.4, 0.4, 0.4, 0.4]}
    answers, rows, _ = _page({("q1", "a", None): 0.8, ("q1", "d", None): 0.8, **_digits("1")},
                             corners=cancel)
    assert (answers["q1"].values, answers["q1"].status, answers["q1"].note) == \
        (["d"], "ok", "correction")
    assert [r["option"] for r in rows if r["cancelled"]] == ["a"]
    answers, _, _ = _page({("q1", "a", None): 0.8, **_digits("1")}, corners=cancel)
    assert answers["q1"].status == "doubtful"  # crossed out, nothing chosen instead


def test_multiple_choice_keeps_each_clear_mark_and_doubts_faint_ones():
    answers, _, _ = _page({("q2", "a", None): 0.5, ("q2", "c", None): 0.3, **_digits("1")})
    assert (answers["q2"].values, answers["q2"].status) == (["a", "c"], "ok")
    answers, _, _ = _page({("q2", "a", None): 0.5, ("q2", "c", None): 0.05, **_digits("1")})
    assert answers["q2"].status == "doubtful"


def test_a_light_mark_beside_a_filled_one_is_doubtful():
    # A stroke crossing the next box beside a filled-in answer (0.9 vs 0.22): not a 2nd answer.
    answers, _, _ = _page({("q2", "a", None): 0.9, ("q2", "b", None): 0.22, **_digits("1")})
    assert answers["q2"].status == "doubtful"
    # Two filled boxes, or a tick beside a tick, are both answers.
    answers, _, _ = _page({("q2", "a", None): 0.9, ("q2", "b", None): 0.8, **_digits("1")})
    assert (answers["q2"].values, answers["q2"].status) == (["a", "b"], "ok")
    answers, _, _ = _page({("q2", "a", None): 0.25, ("q2", "b", None): 0.22, **_digits("1")})
    assert (answers["q2"].values, answers["q2"].status) == (["a", "b"], "ok")


def test_digit_grids_trailing_blanks_gaps_and_doubles():
    answers, _, _ = _page(_digits("12"))
    assert (answers["d"].values, answers["d"].status) == (["1", "2"], "ok")
    fills = _digits("123")
    del fills[("d", "2", 1)]
    answers, _, _ = _page(fills)
    assert answers["d"].status == "doubtful"  # a gap in the middle
    answers, _, _ = _page({**_digits("123"), ("d", "7", 2): 0.8})
    assert answers["d"].status == "multiple"
    answers, _, _ = _page({})
    assert (answers["d"].values, answers["d"].status) == ([], "blank")


def test_a_page_where_most_boxes_are_marked_keeps_its_baseline():
    marks = {("q2", o, None): 0.6 for o in "abcd"}
    marks.update({("q1", "b", None): 0.6})
    marks.update({("d", str(k), p): 0.7 for p in range(3) for k in range(10) if k % 2})
    answers, _, _ = _page(marks)
    assert (answers["q2"].values, answers["q2"].status) == (list("abcd"), "ok")
    assert answers["q1"].values == ["b"]


def test_ink_left_of_a_box_stops_short_of_the_option_text_printed_there():
    """Two columns of options: the left option's printed text ends 11 points before the right
    column's box. Looking left of that box for a mark beside it must not see that text."""
    import cv2

    from fieldwork.omr.levels import BESIDE_LEFT, NEAR_LEFT
    from fieldwork.omr.marks import measure

    scale = 2.0
    boxes = [{"question": "occ", "option": o, "x": x, "y": y, "w": 11.34, "h": 11.34,
              "label": {"x": x + 17.0, "y": y + 2.16, "w": lw, "h": 8.73}}
             for o, x, y, lw in (("official", 65.2, 100.0, 132.3), ("worker", 225.84, 100.0, 48.7),
                                 ("farmer", 65.2, 116.7, 43.45),
                                 ("business", 225.84, 116.7, 98.96))]
    dark = np.zeros((300, 800), np.uint8)  # darkness: 0 paper, 255 printed black
    for b in boxes:
        x, y, w = (round(b[k] * scale) for k in ("x", "y", "w"))
        cv2.rectangle(dark, (x, y), (x + w, y + w), 255, 2)
        lab = b["label"]
        lx, ly = round(lab["x"] * scale), round(lab["y"] * scale)
        dark[ly:ly + round(lab["h"] * scale), lx:lx + round(lab["w"] * scale)] = 255  # the text
    m = measure(dark, boxes, scale)
    assert m.halo[1, 0] < NEAR_LEFT / 4  # "worker": the official's text is not a mark beside
    # A mark drawn in the gap between that text and the box is still seen.
    x = round((225.84 - 6.0) * scale)
    cv2.line(dark, (x, round(101 * scale)), (x + 6, round(110 * scale)), 255, 3)
    assert measure(dark, boxes, scale).halo[1, 0] > BESIDE_LEFT


def test_ink_beside_an_empty_digit_box_from_the_next_columns_mark_does_not_doubt_a_light_mark():
    """Column 2 has one light mark (a tick); its empty '0' box has ink outside two corners,
    which is the neighbouring column's mark, not a mark the respondent missed the box with."""
    ink = {("d", "0", 1): [0.3, 0.3, 0.02, 0.02]}
    fills = {("d", "0", 0): 0.8, ("d", "5", 1): 0.15, ("d", "3", 2): 0.8}
    answers, _, _ = _page(fills, corners=ink)
    assert (answers["d"].values, answers["d"].status) == (["0", "5", "3"], "ok")
    # Far from every mark, the same ink still doubts the light mark.
    fills = {("d", "9", 0): 0.8, ("d", "5", 1): 0.15, ("d", "9", 2): 0.8}
    answers, _, _ = _page(fills, corners=ink)
    assert answers["d"].status == "doubtful"


def test_a_light_mark_a_tick_from_the_box_before_may_reach_is_doubted_in_a_multiple_choice():
    """A tick in q2:a whose long arm leaves its top-right corner and enters q2:b's bottom-left
    one, too faintly to be sure it is that tick: q2:b's light mark goes to a person."""
    fills = {("q2", "a", None): 0.3, ("q2", "b", None): 0.15, **_digits("1")}
    answers, _, _ = _page(fills)
    assert (answers["q2"].values, answers["q2"].status) == (["a", "b"], "ok")  # two marks
    arm = {("q2", "a", None): [0.02, 0.1, 0.02, 0.02], ("q2", "b", None): [0.02, 0.02, 0.1, 0.02]}
    answers, _, _ = _page(fills, corners=arm)
    assert (answers["q2"].values, answers["q2"].status) == (["a", "b"], "doubtful")


def test_a_ring_around_an_options_text_that_crosses_its_box_reads_that_option():
    """q1's options stand in a row, each text right of its box. A ring drawn around the text of
    q1:c also crosses c's box (a light mark there): q1 reads c, as a ring, not a doubt."""
    boxes = [{"question": "q1", "option": o, "x": 60.0 * i, "y": 0, "w": 11.3, "h": 11.3}
             for i, o in enumerate("abcde")]
    boxes += [{"question": "d", "option": str(k), "position": p, "x": 10.0 * p, "y": 40 + 10 * k,
               "w": 9.9, "h": 9.9} for p in range(3) for k in range(10)]
    n = len(boxes)
    rng = np.random.default_rng(1)
    fill = 0.05 + rng.normal(0, 0.002, n)
    fill[2] += 0.05  # the ring crossing c's box
    for p, ch in enumerate("123"):
        fill[5 + 10 * p + int(ch)] += 0.8
    rects = np.array([[b["x"], b["y"], b["w"], b["h"]] for b in boxes]) * 2
    texts = np.full((n, 4), np.nan)
    texts[:5] = [[(60.0 * i + 17) * 2, 4.0, 60.0, 17.0] for i in range(5)]
    halo, label = np.zeros((n, 3)), np.full((n, 3), np.nan)
    label[:5] = 0.01
    label[2, :2] = 0.16  # ink above and below c's text
    m = BoxMeasures(fill, fill, np.ones(n), np.full((n, 4), 0.02), np.full((n, 4), 0.02),
                    np.zeros((n, 2)), rects, halo, label, texts)
    layout = {"questions": [{"code": "q1", "kind": "single"}, {"code": "d", "kind": "digits"}]}
    answers, _ = judge_page(layout, boxes, m, np.zeros((200, 200), np.uint8), grey=False)
    assert (answers["q1"].values, answers["q1"].status, answers["q1"].note) == \
        (["c"], "ok", "ring")
    # A light mark in another box as well: a person decides.
    fill[4] += 0.05
    answers, _ = judge_page(layout, boxes, m, np.zeros((200, 200), np.uint8), grey=False)
    assert answers["q1"].status == "doubtful"


def test_every_flag_says_why():
    """The judge's reason is the note of every flagged answer (the bench counts flags by it)."""
    answers, _, _ = _page({("q1", "c", None): 0.1, ("q1", "d", None): 0.06, **_digits("1")})
    assert (answers["q1"].status, answers["q1"].note) == ("doubtful", "second mark")
    answers, _, _ = _page({("q1", "a", None): 0.7, ("q1", "e", None): 0.5, **_digits("1")})
    assert (answers["q1"].status, answers["q1"].note) == ("multiple", "two marks")
    answers, _, _ = _page({("q1", "a", None): 0.7, **_digits("1"), ("d", "4", 2): 0.8})
    assert (answers["d"].status, answers["d"].note) == ("doubtful", "digit gap")
    answers, _, _ = _page({("q1", "a", None): 0.7, **_digits("12"), ("d", "5", 1): 0.8})
    assert (answers["d"].status, answers["d"].note) == ("multiple", "digit two marks")
