"""The printed page of every built-in form, for every kind of batch: budget, overlap, type, margins.

The 2025 Da Nang form fits one A4 side and the SIPAS-style form one sheet (two sides), for a
generic batch (fields to tick, or one field), a personalised one (one agency or several),
and an agency with a long name and many fields. Nothing overlaps, body text is at least
9 pt, and corner marks and QR code stay at least 12 mm from the paper's edge.
"""

from __future__ import annotations

import itertools

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from fieldwork.forms.builtin import BUILTIN, danang_2025
from fieldwork.forms.imprint import Header, Imprint, sample_imprint
from fieldwork.forms.layout import compose, layout_questionnaire
from fieldwork.forms.spec import Option, Question, Questionnaire, Section, SpecError
from fieldwork.omr.geometry import A4, Rect, mm

BUDGET = {"danang-2025": 1, "sipas": 2}
HEADER = sample_imprint().header
NAMES = ["Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Đăng ký kinh doanh",
         "Lao động, việc làm và bảo trợ xã hội", "Giao thông vận tải", "Công thương", "Y tế",
         "Giáo dục và Đào tạo", "Tư pháp, lý lịch tư pháp", "Văn hóa, thể thao và du lịch"]
LONG = Imprint(HEADER, agency="Ban Quản lý các khu công nghiệp và khu công nghệ cao",
               fields=tuple((f"f{i}", name) for i, name in enumerate(NAMES)))
IMPRINTS = {
    "generic-fields": sample_imprint(),
    "long-agency-one-field": Imprint(HEADER, agency=LONG.agency, field_name="Xây dựng"),
    "generic-one-field": Imprint(HEADER, agency="Sở Tư pháp", field_name="Hộ tịch"),
    "generic-no-field": Imprint(HEADER, agency="Sở Tư pháp"),
    "personal-agency": Imprint(HEADER, agency="Sở Tư pháp", personal=True),
    "personal-all": Imprint(HEADER, personal=True),
}
CASES = list(itertools.product(BUDGET, IMPRINTS))


def _compose(template: str, kind: str):
    return compose(BUILTIN[template](), "DEMO-2026", 1, imprint=IMPRINTS[kind])


@pytest.mark.parametrize(("template", "kind"), CASES)
def test_every_builtin_form_fits_its_page_budget(template, kind):
    layout = _compose(template, kind).layout
    assert len(layout["pages"]) <= BUDGET[template]
    if template == "danang-2025":
        assert len(layout["pages"]) == 1


def _rects(page: dict) -> list[tuple[str, Rect]]:
    out = [("box", Rect.from_dict(b)) for b in page["boxes"]]
    out += [("text", Rect.from_dict(r)) for r in page["text_regions"]]
    out += [("mark", Rect.from_dict(m)) for m in page["corner_marks"]]
    out += [("qr", Rect.from_dict(page["qr"])), ("serial", Rect.from_dict(page["serial"]))]
    if "dossier" in page:
        out.append(("dossier", Rect.from_dict(page["dossier"])))
    return out


def _apart(a: Rect, b: Rect, gap: float = 0.0) -> bool:
    return (a.right + gap <= b.x or b.right + gap <= a.x or a.bottom + gap <= b.y
            or b.bottom + gap <= a.y)


@pytest.mark.parametrize(("template", "kind"), CASES)
def test_no_box_overlaps_anything(template, kind):
    for page in _compose(template, kind).layout["pages"]:
        for (ka, a), (kb, b) in itertools.combinations(_rects(page), 2):
            assert _apart(a, b), f"{ka} {a} overlaps {kb} {b}"


def _text_rect(op, comp) -> Rect:
    _, x, baseline, font, size, text, align, _gray = op
    w = stringWidth(text, comp.metrics.font(font), size)
    left = {"l": x, "c": x - w / 2, "r": x - w}[align]
    return Rect(left, baseline - size * 0.78, w, size * 0.98)


@pytest.mark.parametrize(("template", "kind"), CASES)
def test_body_type_is_at_least_9_pt_and_never_over_a_box(template, kind):
    comp = _compose(template, kind)
    for ops, page in zip(comp.page_ops, comp.layout["pages"], strict=True):
        boxes = [Rect.from_dict(b) for b in page["boxes"]]
        texts = [op for op in ops if op[0] == "text"]
        assert texts
        for op in texts:
            assert op[4] >= 9, f"{op[5]!r} at {op[4]} pt"
            r = _text_rect(op, comp)
            assert all(_apart(r, b) for b in boxes), f"{op[5]!r} runs over a box"
    # Only the footer (care note, version, page) is smaller, and it sits between the marks.
    for ops in comp.footer_ops:
        for op in ops:
            r = _text_rect(op, comp)
            assert op[4] >= 6.5 and mm(18) < r.x and r.right < A4[0] - mm(18)
            assert A4[1] - mm(20) < r.y and r.bottom < A4[1] - mm(9)


@pytest.mark.parametrize(("template", "kind"), CASES)
def test_corner_marks_and_qr_are_12_mm_from_the_edge(template, kind):
    for page in _compose(template, kind).layout["pages"]:
        for r in [Rect.from_dict(m) for m in page["corner_marks"]] + [Rect.from_dict(page["qr"])]:
            assert r.x >= mm(12) - 0.01 and r.y >= mm(12) - 0.01
            assert A4[0] - r.right >= mm(12) - 0.01 and A4[1] - r.bottom >= mm(12) - 0.01
        marks = [Rect.from_dict(m) for m in page["corner_marks"]]
        assert min(m.w for m in marks) >= mm(6) - 0.01  # as large as before


def test_marks_are_at_least_as_large_as_before():
    layout = layout_questionnaire(danang_2025(), "D", 1, imprint=sample_imprint())
    boxes = layout["pages"][0]["boxes"]
    choice = [b for b in boxes if "position" not in b]
    grid = [b for b in boxes if "position" in b]
    assert min(b["w"] for b in choice) >= round(mm(4.0), 2)
    assert min(b["w"] for b in grid) >= round(mm(3.4), 2)


def test_contact_grids_are_declared_areas_and_absent_from_personalised_sheets():
    page = layout_questionnaire(danang_2025(), "D", 1, imprint=sample_imprint())["pages"][0]
    areas = {a["question"]: Rect.from_dict(a) for a in page["contact_areas"]}
    assert set(areas) == {"phone", "citizen_id"}
    for b in page["boxes"]:
        if b["question"] in areas:
            r, area = Rect.from_dict(b), areas[b["question"]]
            assert area.x <= r.x and r.right <= area.right and area.y <= r.y
            assert r.bottom <= area.bottom
    personal = layout_questionnaire(danang_2025(), "D", 1, imprint=IMPRINTS["personal-all"])
    p1 = personal["pages"][0]
    assert p1["contact_areas"] == [] and "dossier" in p1
    assert {q["code"] for q in personal["questions"]}.isdisjoint(
        {"phone", "citizen_id", "agency", "field", "dossier_code", "procedure"})
    assert personal["imprint"]["personal"] is True


def test_a_dozen_fields_to_tick_on_one_side_is_refused_with_what_to_do():
    """Twelve fields and a two-line agency name leave no room on one side for the 2025 form:
    refused, naming the way out (a batch per field); the SIPAS form takes them on its sheet."""
    with pytest.raises(SpecError, match="mỗi lô cho một lĩnh vực"):
        layout_questionnaire(danang_2025(), "D", 1, imprint=LONG)
    ticks = [b["option"] for page in layout_questionnaire(BUILTIN["sipas"](), "D", 1,
                                                            imprint=LONG)["pages"]
             for b in page["boxes"] if b["question"] == "field"]
    assert ticks == [f"f{i}" for i in range(12)]


def test_fields_are_ticked_only_when_the_batch_is_not_for_one_field():
    ticks = lambda kind: [b["option"] for b in _compose("danang-2025", kind).layout["pages"][0]  # noqa: E731
                          ["boxes"] if b["question"] == "field"]
    assert ticks("generic-fields") == [code for code, _n in sample_imprint().fields]
    assert ticks("generic-one-field") == [] and ticks("generic-no-field") == []
    assert ticks("personal-agency") == []


def test_option_columns_are_chosen_to_fit():
    def columns(kind):
        boxes = _compose("danang-2025", kind).layout["pages"][0]["boxes"]
        return len({round(b["x"]) for b in boxes if b["question"] == "q02"})

    # A sheet with room keeps one reason a line; a generic one, with the phone and ID grids
    # and the fields to tick, packs them in two columns to stay on one side.
    assert columns("personal-agency") == 1 and columns("generic-fields") == 2


def _long_form(pages: int | None) -> Questionnaire:
    questions = [Question(f"q{i:02d}", "single", f"Câu hỏi thử số {i} về dịch vụ",
                          options=[Option(c, f"Lựa chọn {c}") for c in "abcdefgh"])
                 for i in range(1, 31)]
    return Questionnaire("Phiếu dài", "", [Section("s", "Phần một", "", questions)],
                         max_pages=pages)


def test_too_many_fields_to_tick_is_refused_with_what_does_not_fit():
    crowded = Imprint(HEADER, agency="Phường Hải Châu", fields=tuple(
        (f"f{i}", f"Lĩnh vực thủ tục hành chính số {i} có tên rất dài") for i in range(30)))
    with pytest.raises(SpecError, match="chỉ được in trên 1 trang"):
        layout_questionnaire(danang_2025(), "D", 1, imprint=crowded)


def test_a_questionnaire_that_cannot_fit_its_pages_says_so():
    with pytest.raises(SpecError) as caught:
        layout_questionnaire(_long_form(1), "D", 1, imprint=sample_imprint())
    message = str(caught.value)
    assert "chỉ được in trên 1 trang" in message and "Các câu không vừa" in message
    assert "q30" in message and "q01" not in message.split("không vừa")[1]
    assert len(layout_questionnaire(_long_form(None), "D", 1,
                                    imprint=sample_imprint())["pages"]) > 1
    with pytest.raises(SpecError, match="Số trang tối đa"):
        _long_form(0).validate()


def test_the_header_names_survey_commissioner_and_contractor():
    comp = compose(danang_2025(), "D", 1, imprint=Imprint(
        Header("Khảo sát năm 2026", "UBND thành phố Đà Nẵng", "Công ty Khảo sát ABC"),
        agency="Phường Hải Châu"))
    words = " ".join(op[5] for op in comp.page_ops[0] if op[0] == "text")
    for phrase in ("UBND THÀNH PHỐ ĐÀ NẴNG", "Công ty Khảo sát ABC", "Khảo sát năm 2026",
                   "PHƯỜNG HẢI CHÂU", "giữ bí mật"):
        assert phrase in words, phrase


@pytest.mark.parametrize(("template", "kind"), CASES)
def test_printed_text_keeps_clear_of_the_boxes(template, kind):
    """The reader takes ink near a box for a respondent's (a mark beside it, a ring): no
    printed text within 6.5 mm left of a choice box in its row, or 1.9 mm above or below."""
    comp = _compose(template, kind)
    for ops, page in zip(comp.page_ops, comp.layout["pages"], strict=True):
        texts = [_text_rect(op, comp) for op in ops if op[0] == "text"]
        for b in page["boxes"]:
            if "position" in b or "label" not in b:
                continue  # digit grids and matrix columns: a tight grid, judged as such
            box = Rect.from_dict(b)
            zones = [Rect(box.x - mm(6.5), box.y, mm(6.5), box.h),
                     Rect(box.x, box.y - mm(1.9), box.w, mm(1.9)),
                     Rect(box.x, box.bottom, box.w, mm(1.9))]
            for zone in zones:
                for t in texts:
                    assert _apart(zone, t), f"{b['question']}/{b['option']}: text {t} near"
