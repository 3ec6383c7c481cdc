"""Marks beside a box (issue 21: "a mark beside the box ... read or flagged, never silently
dropped"), drawn with OpenCV on the page rendered from the printed PDF, placed from the
printed layout. A mark only one option can own, in a question with nothing else marked, is
that option's answer; a mark two options could own goes to a person."""

from __future__ import annotations

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from fieldwork.omr.read import read_page

from .generator import printed

KEY = b"test-key"
PEN_MM = 0.35


@pytest.fixture(scope="module")
def forms():
    """Each built-in form printed once, its pages rendered at 150 and 200 dpi."""
    out = {}
    for name in ("sipas", "danang-2025"):
        pdf, layout = printed(name, ["00000001"], KEY)
        doc = pdfium.PdfDocument(pdf)
        for dpi in (150, 200):
            pages = [np.asarray(doc[i].render(scale=dpi / 72, grayscale=True).to_pil()
                                .convert("L")) for i in range(len(doc))]
            out[name, dpi] = pages, layout
        doc.close()
    return out


class Sheet:
    """One page of a form at a resolution, with ink drawn in layout points."""

    def __init__(self, forms, name: str, page: int, dpi: int):
        pages, self.layout = forms[name, dpi]
        self.page, self.f = page, dpi / 72
        self.image = pages[page].copy()
        self.ink = np.zeros_like(self.image)
        self.pen = max(1, round(PEN_MM / 25.4 * dpi))

    def boxes(self, question: str) -> list[dict]:
        return [b for b in self.layout["pages"][self.page]["boxes"] if b["question"] == question]

    def px(self, *pts) -> np.ndarray:
        return np.round(np.array(pts, float) * self.f).astype(np.int32)

    def fill_all_but(self, *skip: str) -> None:
        """Every other question answered in its first box (a page of blanks goes to a person
        whole)."""
        done = set(skip)
        for b in self.layout["pages"][self.page]["boxes"]:
            if (b["question"], b.get("position")) in done or b["question"] in skip:
                continue
            done.add((b["question"], b.get("position")))
            x, y, w = b["x"], b["y"], b["w"]
            cv2.rectangle(self.ink, tuple(self.px(x + 1.5, y + 1.5)),
                          tuple(self.px(x + w - 1.5, y + w - 1.5)), 255, -1)

    def tick(self, cx: float, cy: float, s: float) -> None:
        """A tick about ``s`` points wide centred at (cx, cy), points."""
        pts = self.px((cx - 0.45 * s, cy), (cx - 0.15 * s, cy + 0.35 * s),
                      (cx + 0.45 * s, cy - 0.45 * s))
        cv2.polylines(self.ink, [pts], False, 255, self.pen, cv2.LINE_AA)

    def dash(self, x0: float, x1: float, y: float) -> None:
        cv2.line(self.ink, tuple(self.px(x0, y)), tuple(self.px(x1, y)), 255, self.pen,
                 cv2.LINE_AA)

    def read(self, rotation: int = 0):
        img = (self.image * (1 - 0.85 * self.ink / 255.0)).astype(np.uint8)
        img = np.ascontiguousarray(np.rot90(img, rotation // 90))
        result = read_page(img, KEY, lambda p: self.layout)
        assert result.status == "read", (result.reason, result.detail)
        return result.answers


def _left_of(sheet: Sheet, box: dict, gap_mm: float = 1.5) -> None:
    """A tick left of ``box``, ``gap_mm`` clear of its outline (the respondent's margin)."""
    s = box["w"]
    sheet.tick(box["x"] - gap_mm * 72 / 25.4 - 0.5 * s, box["y"] + 0.5 * s, s)


@pytest.mark.parametrize("dpi", [150, 200])
@pytest.mark.parametrize("rotation", [0, 180])
@pytest.mark.parametrize("question", ["access_3", "officials_4", "procedure_1"])
def test_a_tick_left_of_the_first_box_of_a_matrix_row_is_that_option(forms, question, dpi,
                                                                      rotation):
    """A matrix row ("text ... [1] [2] [3] [4] [5] [na]") answered by a tick just left of its
    first box, in the room between the row's text and the box: nothing else in the row, and
    no other box near it, so it is option 1 (the bench's paper family flagged these "ink
    near": the row's text was thought to lie there)."""
    sheet = Sheet(forms, "sipas", 0, dpi)
    first = sheet.boxes(question)[0]
    sheet.fill_all_but(question)
    _left_of(sheet, first)
    a = sheet.read(rotation)[question]
    assert (a.status, a.values, a.note) == ("ok", [first["option"]], "beside"), a


@pytest.mark.parametrize("dpi", [150, 200])
@pytest.mark.parametrize("form,page,question", [("danang-2025", 0, "q01"),
                                                ("sipas", 1, "gender")])
def test_a_tick_after_the_text_of_the_last_option_of_a_row_is_that_option(forms, form, page,
                                                                          question, dpi):
    """Two options in one row ("[ ] Có  [ ] Không"): a tick after the second option's text,
    where the line ends, can only be the second option's."""
    sheet = Sheet(forms, form, page, dpi)
    first, second = sheet.boxes(question)
    assert abs(first["y"] - second["y"]) < 1
    t = second["label"]
    sheet.fill_all_but(question)
    sheet.tick(t["x"] + t["w"] + 2.0 * 72 / 25.4, second["y"] + 0.5 * second["w"], second["w"])
    a = sheet.read()[question]
    assert (a.status, a.values, a.note) == ("ok", [second["option"]], "beside"), a


def test_a_dash_after_an_option_text_followed_by_a_far_box_is_that_option(forms):
    """Options in columns: a short dash right after a left-column option's text, with the
    right column's box well beyond it and clean on its left, is the left option's."""
    sheet = Sheet(forms, "danang-2025", 0, 200)
    boxes = {b["option"]: b for b in sheet.boxes("field")}
    t = boxes["dkkd"]["label"]
    s = boxes["dkkd"]["w"]
    sheet.fill_all_but("field")
    sheet.dash(t["x"] + t["w"] + 1.0, t["x"] + t["w"] + 1.0 + 0.9 * s,
               boxes["dkkd"]["y"] + 0.5 * s)
    a = sheet.read()["field"]
    assert (a.status, a.values, a.note) == ("ok", ["dkkd"], "beside"), a


@pytest.mark.parametrize("dpi", [150, 200])
def test_a_tick_between_one_options_text_and_the_next_box_goes_to_a_person(forms, dpi):
    """"[ ] Hài lòng ✓ [ ] Chưa hài lòng": the tick is after the first option's text and just
    left of the second box, either option's: never read as one of them alone."""
    sheet = Sheet(forms, "danang-2025", 0, dpi)
    first, second = sheet.boxes("q01")
    end = first["label"]["x"] + first["label"]["w"]
    sheet.fill_all_but("q01")
    sheet.tick((end + second["x"]) / 2, second["y"] + 0.5 * second["w"], second["w"])
    a = sheet.read()["q01"]
    assert a.status == "doubtful" and set(a.values) == {first["option"], second["option"]}, a


def test_marks_after_both_texts_of_a_yes_no_question_go_to_a_person(forms):
    """A dash after each option's text of a two-option row: the first dash is also left of
    the second box. With two options the dashes are each other's baseline; the bands
    themselves show both, so the question is not read as the second option alone (it was,
    as a mark beside it, before the bands were asked)."""
    sheet = Sheet(forms, "danang-2025", 0, 200)
    first, second = sheet.boxes("q01")
    s = first["w"]
    sheet.fill_all_but("q01")
    for b in (first, second):
        t = b["label"]
        sheet.dash(t["x"] + t["w"] + 2.0, t["x"] + t["w"] + 2.0 + 0.8 * s, b["y"] + 0.5 * s)
    a = sheet.read()["q01"]
    assert a.status == "doubtful", a


def test_a_tick_left_of_the_first_box_beside_a_filled_box_is_a_second_answer(forms):
    """A matrix row with box 3 filled and a tick left of box 1: two answers, for a person
    (the filled box is not read alone, and the tick is not dropped)."""
    sheet = Sheet(forms, "sipas", 0, 200)
    boxes = sheet.boxes("access_3")
    sheet.fill_all_but("access_3")
    b = boxes[2]
    cv2.rectangle(sheet.ink, tuple(sheet.px(b["x"] + 1.5, b["y"] + 1.5)),
                  tuple(sheet.px(b["x"] + b["w"] - 1.5, b["y"] + b["w"] - 1.5)), 255, -1)
    _left_of(sheet, boxes[0])
    a = sheet.read()["access_3"]
    assert a.status != "ok" and boxes[0]["option"] in a.values, a


@pytest.mark.parametrize("where", ["after a text", "left of a box"])
def test_a_scanner_streak_beside_a_blank_question_is_not_a_mark_beside(forms, where):
    """A scanner's streak (a thin grey line down the whole page) passing just after an
    option's text, or through the margin left of an option list's box, in a question left
    blank: it runs on past the band, so it is no hand's mark beside that option (seed 51 read
    one as the option; a real mark there is a tick or a dash, which stops)."""
    sheet = Sheet(forms, "danang-2025", 0, 200)
    boxes = {b["option"]: b for b in sheet.boxes("field")}
    b = boxes["dd"]
    x = b["label"]["x"] + b["label"]["w"] + 2.5 if where.startswith("after") else b["x"] - 5
    sheet.fill_all_but("field")
    xs = int(round(x * sheet.f))
    sheet.image[:, xs:xs + 2] = (sheet.image[:, xs:xs + 2] * 0.45).astype(np.uint8)
    a = sheet.read()["field"]
    assert a.status in ("blank", "doubtful") and a.note != "beside", a


@pytest.mark.parametrize("dpi", [150, 200])
def test_a_ring_round_the_last_digit_of_a_grid_leaves_the_next_grid_blank(forms, dpi):
    """Two digit grids side by side (phone, citizen ID): a ring round a box of the phone's
    last column reaches over the gap to the left of the citizen ID's first column. The
    citizen ID left blank is blank, not doubted for ink near its first column (seed 51
    flagged it "digit ink near")."""
    sheet = Sheet(forms, "danang-2025", 0, dpi)
    phone = sheet.boxes("phone")
    last = max(b["position"] for b in phone)
    digits = "0905123455"  # the ring's left arc over the filled 5 of the column before
    for b in phone:
        if b["option"] == digits[b["position"]]:
            s = b["w"]
            if b["position"] == last:
                cv2.ellipse(sheet.ink, tuple(sheet.px(b["x"] + 0.5 * s, b["y"] + 0.5 * s)),
                            tuple(sheet.px(1.3 * s, 0.75 * s)), 0, 0, 360, 255, sheet.pen,
                            cv2.LINE_AA)
            else:
                cv2.rectangle(sheet.ink, tuple(sheet.px(b["x"] + 1.5, b["y"] + 1.5)),
                              tuple(sheet.px(b["x"] + s - 1.5, b["y"] + s - 1.5)), 255, -1)
    sheet.fill_all_but("phone", "citizen_id")
    answers = sheet.read()
    assert (answers["citizen_id"].status, answers["citizen_id"].values) == ("blank", []), \
        answers["citizen_id"]
    assert answers["phone"].values[:-1] == list(digits[:-1]), answers["phone"]


@pytest.mark.parametrize("nearer", ["text", "box"])
def test_a_mark_across_a_wide_gap_far_nearer_the_text_or_the_box_is_that_options(forms,
                                                                                 nearer):
    """"Đăng ký kinh doanh  —      [ ] Lao động...": a wide gap between one option's text and
    the next option's box. A dash right after the text (its end inside the next box's band)
    is the text's option; a tick touching the box, reaching back over half the gap, is the
    box's. Across a narrow gap ("Có ✓ [ ] Không") the same goes to a person (see above)."""
    sheet = Sheet(forms, "danang-2025", 0, 200)
    boxes = {b["option"]: b for b in sheet.boxes("field")}
    a, b = boxes["dkkd"], boxes["ld"]
    end, s = a["label"]["x"] + a["label"]["w"], b["w"]
    gap = b["x"] - end
    assert gap >= 2.7 * s
    sheet.fill_all_but("field")
    cy = b["y"] + 0.5 * s
    if nearer == "text":
        sheet.dash(end + 0.12 * gap, end + 0.55 * gap, cy)
    else:
        sheet.dash(end + 0.3 * gap, b["x"] - 1.5, cy + 0.1 * s)
    got = sheet.read()["field"]
    want = a if nearer == "text" else b
    assert (got.status, got.values, got.note) == ("ok", [want["option"]], "beside"), got


def test_a_streak_between_two_boxes_is_no_tick_running_on_to_the_mark_beside_the_next(forms):
    """A matrix row with a tick left of box 3, and a scanner's streak down the page just right
    of box 2: the lowest ink between the two boxes is the streak's, at the bottom of the
    window looked in, not a tick's vertex at box 2. The tick is box 3's (beside-heavy tuning
    set b61 sent one to a person as a mark of box 2 running on)."""
    sheet = Sheet(forms, "sipas", 1, 200)
    boxes = sheet.boxes("results_2")
    sheet.fill_all_but("results_2")
    _left_of(sheet, boxes[2])
    xs = int(round((boxes[1]["x"] + boxes[1]["w"] + 2.5) * sheet.f))
    sheet.image[:, xs:xs + 2] = (sheet.image[:, xs:xs + 2] * 0.4).astype(np.uint8)
    a = sheet.read()["results_2"]
    assert (a.status, a.values, a.note) == ("ok", [boxes[2]["option"]], "beside"), a
