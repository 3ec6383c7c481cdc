"""Properties of the page geometry shared by printer and reader (docs/layout-format.md).

Questionnaires are generated at random within what ``Questionnaire.validate`` accepts (kinds,
option counts, shared scales that become matrices, digit and date grids, text boxes of 1-12
lines, Vietnamese text of any length, conditions). For each, ``layout_questionnaire`` either
refuses with ``SpecError`` (a question too tall for a page, or more pages than the printer's
page budget) or gives a layout in which: every
question is listed and has exactly its boxes, on one page; boxes never overlap each other,
the text regions, corner marks, QR code or serial; everything stays in the content area; the
JSON, box and QR round trips are identities. Invalid questionnaires raise ``SpecError``.
"""

from __future__ import annotations

import copy
import itertools
import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fieldwork.forms.fonts import load_print_settings
from fieldwork.forms.imprint import sample_imprint
from fieldwork.forms.layout import LAYOUT_FORMAT, layout_questionnaire
from fieldwork.forms.qrpayload import QRPayload, QRPayloadError, sign, verify
from fieldwork.forms.spec import MAX_DIGITS, Option, Question, Questionnaire, Section, SpecError
from fieldwork.omr import geometry as g
from fieldwork.omr.read import Rejected, _layout_page

from .budget import PER_CALL_SECONDS, examples, within

SETTINGS = load_print_settings()
PAGE_W, PAGE_H = g.A4
LEFT = g.mm(SETTINGS["page"]["margin_left_mm"])
RIGHT = PAGE_W - g.mm(SETTINGS["page"]["margin_right_mm"])
TOP = g.mm(SETTINGS["page"]["content_top_mm"])
BOTTOM = PAGE_H - g.mm(SETTINGS["page"]["content_bottom_mm"])
EPS = 0.011  # coordinates are rounded to 0.01 pt

WORD = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệ"
                        "ìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵAĐHSTQ0123456789?/()",
               min_size=1, max_size=14)
TEXT = st.lists(WORD, min_size=1, max_size=40).map(" ".join)
OPTION_CODES = st.from_regex(r"\A[a-z0-9][a-z0-9_]{0,5}\Z")


@st.composite
def options(draw, kind: str, most: int = 12) -> list[Option]:
    need = 2 if kind == "single" else 1
    codes = draw(st.lists(OPTION_CODES, min_size=need, max_size=most, unique=True))
    return [Option(c, draw(st.lists(WORD, min_size=1, max_size=8).map(" ".join)))
            for c in codes]


@st.composite
def questionnaires(draw) -> Questionnaire:
    counter = itertools.count(1)
    scale = draw(options("single", draw(st.sampled_from([5, 12, 30]))))
    sections = []
    for s in range(draw(st.integers(min_value=1, max_value=3))):
        questions = []
        for _ in range(draw(st.integers(min_value=1, max_value=7))):
            code = f"q{next(counter):02d}"
            kind = draw(st.sampled_from(["single", "single", "scale", "multiple", "digits",
                                         "date", "text"]))
            q = Question(code, "single" if kind == "scale" else kind, draw(TEXT),
                         required=draw(st.booleans()))
            if kind == "scale":
                q.options = [Option(o.code, o.label) for o in scale]
            elif kind in ("single", "multiple"):
                q.options = draw(options(kind))
            elif kind == "digits":
                q.digits = draw(st.integers(min_value=1, max_value=MAX_DIGITS))
            elif kind == "text":
                q.text_lines = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=12)))
            earlier = [x for x in questions if x.kind == "single"]
            if earlier and draw(st.integers(0, 4)) == 0:
                ref = draw(st.sampled_from(earlier))
                q.relevant = f"{ref.code} == '{ref.options[0].code}'"
            questions.append(q)
        sections.append(Section(f"s{s + 1}", draw(TEXT), questions=questions))
    return Questionnaire(draw(TEXT), sections=sections)


IMPRINTS = [None, sample_imprint(), sample_imprint(personal=True)]


def _lay(q: Questionnaire, imprint=None) -> dict | None:
    with within(PER_CALL_SECONDS, "laying out a questionnaire"):
        try:
            return layout_questionnaire(q, "FUZZ-1", 3, imprint=imprint)
        except SpecError as exc:
            assert exc.messages and all(m.strip() for m in exc.messages)
            # The only refusals of a valid form: a question taller than a page, or more pages
            # than a sheet may take.
            assert "vượt quá chiều cao" in str(exc) or "chỉ được in trên" in str(exc)
            return None


def _overlap(a: g.Rect, b: g.Rect) -> bool:
    return (a.x < b.right - EPS and b.x < a.right - EPS and a.y < b.bottom - EPS
            and b.y < a.bottom - EPS)


def _expected_boxes(q: Question) -> list[tuple]:
    if q.kind in ("single", "multiple"):
        return [(o.code, None) for o in q.options]
    if q.kind == "digits":
        return [(str(d), p) for p in range(q.digits) for d in range(10)]
    if q.kind == "date":
        tens = {0: 3, 2: 1}
        return [(str(d), p) for p in range(8) for d in range(tens.get(p, 9) + 1)]
    return []


def _sorted(pairs):
    return sorted(pairs, key=lambda t: (t[1] if t[1] is not None else -1, t[0]))


def _scale_questionnaire(n: int) -> Questionnaire:
    scale = [Option(f"o{i}", f"mức {i}") for i in range(n)]
    return Questionnaire("T", sections=[Section("s1", "S", questions=[
        Question(f"q0{i}", "single", "Ông/Bà đánh giá", options=list(scale))
        for i in (1, 2)])])


@settings(max_examples=examples(60))
@given(q=questionnaires())
@example(q=_scale_questionnaire(27)).via("27-option shared scale: matrix boxes overlapped")
@example(q=_scale_questionnaire(15))
@example(q=_scale_questionnaire(3))
def test_generated_questionnaires_lay_out_cleanly(q):
    q.validate()
    for imprint in IMPRINTS:
        _check_layout(q, imprint)


def _check_layout(q: Questionnaire, imprint) -> None:
    layout = _lay(q, imprint)
    if layout is None:
        return
    assert layout["format"] == LAYOUT_FORMAT and layout["page_size"] == [595.28, 841.89]
    ticked = ["field"] if layout["imprint"]["fields"] else []
    assert [x["code"] for x in layout["questions"]] == ticked + [x.code for x in q.questions()]
    pages_of: dict[str, set[int]] = {}
    for page in layout["pages"]:
        n = page["page"]
        fixed = [g.Rect.from_dict(r) for r in (*page["corner_marks"], page["qr"],
                                               page["serial"], *([page["dossier"]]
                                                                 if "dossier" in page else []))]
        boxes = [g.Box.from_dict(b) for b in page["boxes"]]
        regions = [g.Rect.from_dict(r) for r in page["text_regions"]]
        for b in boxes:
            pages_of.setdefault(b.question, set()).add(n)
        for r in page["text_regions"]:
            pages_of.setdefault(r["question"], set()).add(n)
        for r in [*boxes, *regions]:
            assert LEFT - EPS <= r.x and r.right <= RIGHT + EPS, (n, r)
            assert TOP - EPS <= r.y and r.bottom <= BOTTOM + EPS, (n, r)
            assert r.w > 0 and r.h > 0
            assert not any(_overlap(r, f) for f in fixed), (n, r)
        for a, b in itertools.combinations([*boxes, *regions], 2):
            assert not _overlap(a, b), (n, a, b)
    for question in q.questions():
        # A question never spans two pages, and has exactly its boxes (or its one region).
        assert len(pages_of.get(question.code, ())) == 1, (question.code, pages_of.get(
            question.code))
        page = layout["pages"][next(iter(pages_of[question.code])) - 1]
        got = [(b["option"], b.get("position")) for b in page["boxes"]
               if b["question"] == question.code]
        assert _sorted(got) == _sorted(_expected_boxes(question)), question.code
        regions = [r for r in page["text_regions"] if r["question"] == question.code]
        assert len(regions) == (1 if question.kind == "text" else 0)


@settings(max_examples=examples(30))
@given(q=questionnaires(), serial=st.from_regex(r"\A[0-9]{1,16}\Z"), pilot=st.booleans(),
       dpi=st.sampled_from([72, 100, 150, 200, 300, 600]))
def test_round_trips(q, serial, pilot, dpi):
    layout = _lay(q)
    if layout is None:
        return
    # JSON: what the printer writes is what the reader loads.
    assert json.loads(json.dumps(layout, ensure_ascii=False)) == layout
    # The questionnaire's own JSON gives the same layout.
    again = Questionnaire.from_dict(json.loads(json.dumps(q.to_dict())))
    assert again == q and layout_questionnaire(again, "FUZZ-1", 3) == layout
    key = b"fuzz-layout-key"
    for page in layout["pages"]:
        for b in page["boxes"]:
            assert g.Box.from_dict(b).to_dict() == b
            px = g.layout_to_pixels(b, dpi)
            back = [g.pixels_to_points(v, dpi) for v in (px.x, px.y, px.w, px.h)]
            assert back == pytest.approx([b["x"], b["y"], b["w"], b["h"]], abs=1e-9)
        for r in page["text_regions"]:
            assert {"question": r["question"], **g.Rect.from_dict(r).to_dict()} == r
        # Layout -> QR payload -> layout: the code printed on a page leads back to that page.
        payload = QRPayload("FUZZ-1", 3, serial, page["page"], pilot)
        text = sign(payload, key)
        assert verify(text.encode("ascii"), key) == payload == verify(text, key)
        assert _layout_page(layout, payload) is page
    beyond = QRPayload("FUZZ-1", 3, serial, len(layout["pages"]) + 1)
    with pytest.raises(Rejected) as err:
        _layout_page(layout, beyond)
    assert err.value.code == "bad_page"
    with pytest.raises(Rejected) as err:
        _layout_page(layout, QRPayload("OTHER", 3, serial, 1))
    assert err.value.code == "layout_mismatch"


@settings(max_examples=examples(200))
@given(text=st.one_of(st.text(max_size=60), st.binary(max_size=60),
                      st.sampled_from(["FW1|A|²|1|1|L|AAAAAAAA", "FW1|A|٣|1|1|L|AAAAAAAA",
                                       "FW1|A|1|1|1|L|AAAAAAAA", "FW1|A\n|1|1|1|L|x",
                                       "FW1||||||", "FW1|A|0|1|1|L|AAAAAAAA"])))
@example(text="FW1|A|٣|1|1|L|AAAAAAAA").via("non-ASCII digit (bug fixed in verify)")
@example(text="FW1|A|²|1|1|L|AAAAAAAA").via("a digit int() refuses (bug fixed in verify)")
def test_qr_verify_only_raises_its_error(text):
    try:
        verify(text, b"k")
    except QRPayloadError as exc:
        assert str(exc)
    else:
        raise AssertionError("an unsigned text was accepted")


# --- the validator ------------------------------------------------------------------

def _break_code(q: Questionnaire, data) -> None:
    target = data.draw(st.sampled_from(list(q.questions())))
    first = next(iter(q.questions()))
    own = first.code
    # Codes keep their case and are compared without it: the first question's code in
    # capitals is another question's duplicate, as the code itself is.
    target.code = data.draw(st.sampled_from(["", "1q", "q-1", "q1\n", "q" * 41, "câu", "q1 ",
                                             own, own.upper()]))
    if target is first and target.code.lower() == own.lower():
        target.code = "1q"  # its own code (in any case) is no duplicate: break it otherwise


def _break_question(q: Questionnaire, data) -> None:
    target = data.draw(st.sampled_from(list(q.questions())))
    how = data.draw(st.sampled_from(["kind", "text", "options", "digits", "lines", "range",
                                     "relevant", "option_code", "label"]))
    if how == "kind":
        target.kind = data.draw(st.sampled_from(["", "choice", "SINGLE", "number"]))
    elif how == "text":
        target.text = data.draw(st.sampled_from(["", "   ", "\n\t"]))
    elif how == "options":
        target.options = [] if target.kind in ("single", "multiple") else [Option("a", "A")]
        if target.kind == "single" and data.draw(st.booleans()):
            target.options = [Option("a", "A")]
    elif how == "digits":
        target.kind, target.options, target.text_lines = "digits", [], None
        target.digits = data.draw(st.sampled_from([None, 0, -1, MAX_DIGITS + 1, 10**6]))
    elif how == "lines":
        target.kind, target.options, target.digits = "text", [], None
        target.text_lines = data.draw(st.sampled_from([0, -3, 13, 10**9]))
    elif how == "range":
        target.kind, target.options, target.text_lines, target.digits = "digits", [], None, 2
        target.min, target.max = data.draw(st.sampled_from([(-1, None), (5, 4), (0, 100)]))
    elif how == "relevant":
        target.relevant = data.draw(st.sampled_from(["q99 == 'a'", "q01 ==", "(((", "x" * 501,
                                                     "q01 = 'a'", "selected(q01)"]))
    elif how in ("option_code", "label"):
        target.kind, target.digits, target.text_lines, target.min, target.max = \
            "multiple", None, None, None, None
        bad = Option("A!" if how == "option_code" else "ok", "A" if how == "option_code"
                     else "  ")
        target.options = [Option("x", "X"), bad, *([Option("x", "Y")] if how == "label" else [])]
    if target.relevant and how != "relevant":
        target.relevant = None


@settings(max_examples=examples(80))
@given(q=questionnaires(), data=st.data(), how=st.sampled_from(["code", "question", "section",
                                                                 "title"]))
def test_the_validator_rejects_bad_questionnaires(q, data, how):
    if how == "code":
        _break_code(q, data)
    elif how == "question":
        _break_question(q, data)
    elif how == "section":
        broken = data.draw(st.sampled_from(["empty", "title", "code"]))
        s = q.sections[0]
        if broken == "empty":
            s.questions = []
        elif broken == "title":
            s.title = " "
        else:
            s.code = "S 1"
    else:
        q.title = data.draw(st.sampled_from(["", "  "]))
    with pytest.raises(SpecError) as err:
        q.validate()
    assert err.value.messages and all(m.strip() for m in err.value.messages)
    with pytest.raises(SpecError):
        layout_questionnaire(q, "FUZZ-1", 1)


JSONISH = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                                 st.text(max_size=8)),
                       lambda inner: st.one_of(st.lists(inner, max_size=4),
                                               st.dictionaries(st.sampled_from(
                                                   ["title", "sections", "code", "kind",
                                                    "text", "questions", "options", "label",
                                                    "relevant", "digits", "min", "max",
                                                    "text_lines", "required"]), inner,
                                                   max_size=6)),
                       max_leaves=30)


@settings(max_examples=examples(200))
@given(data=JSONISH, base=st.booleans())
@example(data={"relevant": 5}, base=True).via("a number as condition (bug fixed in from_dict)")
@example(data={"relevant": ["q01"]}, base=True)
@example(data={"code": "q01\n"}, base=True).via("a newline after a code (bug fixed in spec)")
def test_stored_spec_of_any_shape(data, base):
    """A stored spec of any shape loads and validates, or raises SpecError; never else."""
    if base:
        spec = {"title": "T", "sections": [{"code": "s1", "title": "S", "questions": [
            {"code": "q01", "kind": "single", "text": "x",
             "options": [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}]},
            {"code": "q02", "kind": "text", "text": "y"}]}]}
        if isinstance(data, dict):
            spec["sections"][0]["questions"][1].update(copy.deepcopy(data))
        data = spec
    try:
        q = Questionnaire.from_dict(data)
        q.validate()
    except SpecError as exc:
        assert exc.messages
        return
    for x in q.questions():
        assert x.code == x.code.strip() and "\n" not in x.code
