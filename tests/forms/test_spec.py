"""Questionnaire model: validation, JSON round trip, condition grammar, diff."""

from __future__ import annotations

import json

import pytest

from fieldwork.forms.builtin import BUILTIN, danang_2025, sipas
from fieldwork.forms.spec import (
    ConditionError,
    Option,
    Question,
    Questionnaire,
    Section,
    SpecError,
    diff,
    evaluate,
    format_condition,
    parse_condition,
)


def _q(*questions: Question) -> Questionnaire:
    return Questionnaire("Phiếu thử", "", [Section("s1", "Phần 1", "", list(questions))])


YES_NO = [Option("yes", "Có"), Option("no", "Không")]


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_builtins_validate_and_survive_json(name):
    q = BUILTIN[name]().validate()
    text = json.dumps(q.to_dict(), ensure_ascii=False)
    assert Questionnaire.from_dict(json.loads(text)) == q


def test_danang_template_follows_seed_002():
    q = danang_2025()
    assert [o.label for o in q.question("q01").options] == ["Hài lòng", "Chưa hài lòng"]
    reasons = q.question("q02")
    assert [o.code for o in reasons.options] == [
        "reason_a", "reason_b", "reason_c", "reason_d", "reason_dd", "reason_e", "reason_f",
        "reason_g", "other"]
    assert reasons.kind == "multiple" and reasons.relevant == "q01 == 'no'"
    assert "số hóa" in reasons.options[4].label
    assert q.question("phone").digits == 10 and q.question("citizen_id").digits == 12
    assert q.question("survey_date").kind == "date"
    assert {"dossier_code", "agency", "field", "procedure", "q03"} <= {
        x.code for x in q.questions() if x.kind == "text"}


def test_sipas_template_has_five_aspects_overall_and_demographics():
    q = sipas()
    codes = [s.code for s in q.sections]
    assert codes[:5] == ["access", "procedure", "officials", "results", "feedback"]
    for s in q.sections[:5]:
        assert s.questions and all(x.options[-1].label == "Không áp dụng" for x in s.questions)
        assert all(len(x.options) == 6 for x in s.questions)
    assert len(q.question("overall").options) == 5
    assert {"gender", "age_group", "education", "occupation"} <= {x.code for x in q.questions()}


def test_all_problems_are_reported_together():
    q = _q(Question("q1", "single", "A", options=[Option("a", "x"), Option("a", "y")]),
           Question("q1", "digits", "B", digits=2, max=150),
           Question("Bad code", "text", "C"),
           Question("q4", "weird", "D"))
    with pytest.raises(SpecError) as err:
        q.validate()
    text = " | ".join(err.value.messages)
    assert len(err.value.messages) >= 4
    assert "'a' bị trùng" in text and "mã bị trùng" in text
    assert "vượt quá 2 chữ số" in text and "'weird'" in text and "bắt đầu bằng chữ" in text


@pytest.mark.parametrize("relevant, fragment", [
    ("q2 == 'yes'", "không phải câu hỏi đứng trước"),
    ("q1 == 'maybe'", "lựa chọn 'maybe' không có"),
    ("q1 = 'yes'", "toán tử"),
    ("q1 == 'yes' and", "hết chuỗi"),
    ("__import__('os').system('x')", "ký tự không hợp lệ"),
    ("q1 == 'yes' or 1", "ký tự không hợp lệ"),
    ("selected(q1 'yes')", "cần ','"),
    ("(q1 == 'yes'", "cần ')'"),
    ("q1 == yes", "mã lựa chọn"),
])
def test_relevant_must_be_in_the_grammar_and_point_backwards(relevant, fragment):
    q = _q(Question("q1", "single", "A", options=YES_NO),
           Question("q3", "text", "C", relevant=relevant),
           Question("q2", "single", "B", options=YES_NO))
    with pytest.raises(SpecError) as err:
        q.validate()
    assert fragment in str(err.value)


def test_multiple_choice_needs_selected():
    q = _q(Question("m", "multiple", "A", options=YES_NO),
           Question("t", "text", "B", relevant="m == 'yes'"))
    with pytest.raises(SpecError, match="selected"):
        q.validate()
    q.sections[0].questions[1].relevant = "selected(m, 'yes')"
    q.validate()


@pytest.mark.parametrize("native, odk", [
    ("q01 == 'no'", "${q01} = 'no'"),
    ("q01 != 'yes' and selected(q02, 'a')", "${q01} != 'yes' and selected(${q02}, 'a')"),
    ("(a == 'x' or b == 'y') and c == 'z'", "(${a} = 'x' or ${b} = 'y') and ${c} = 'z'"),
])
def test_condition_dialects_round_trip(native, odk):
    cond = parse_condition(native)
    assert format_condition(cond) == native
    assert format_condition(cond, odk=True) == odk
    assert parse_condition(odk, odk=True) == cond


def test_condition_evaluation():
    cond = parse_condition("q01 == 'no' and (selected(q02, 'a') or q03 != 'x')")
    assert evaluate(cond, {"q01": "no", "q02": {"a"}, "q03": "x"})
    assert evaluate(cond, {"q01": "no", "q02": set(), "q03": "y"})
    assert not evaluate(cond, {"q01": "yes", "q02": {"a"}})
    with pytest.raises(ConditionError):
        parse_condition("x" * 600)


def test_kind_specific_fields_are_checked():
    q = _q(Question("t", "text", "A", text_lines=40),
           Question("d", "digits", "B"),
           Question("s", "single", "C", options=[Option("a", "x")], digits=3))
    with pytest.raises(SpecError) as err:
        q.validate()
    text = str(err.value)
    assert "số dòng" in text and "số chữ số phải" in text and "cần ít nhất 2" in text


def test_from_dict_rejects_wrong_shapes():
    with pytest.raises(SpecError, match="Cấu trúc"):
        Questionnaire.from_dict({"sections": []})
    with pytest.raises(SpecError):
        Questionnaire.from_dict({"title": "x", "sections": [{"code": "s"}]})


def test_diff_lists_added_removed_and_changed():
    a, b = danang_2025(), danang_2025()
    q01 = b.question("q01")
    q01.options[1].label = "Không hài lòng"
    q01.options.append(Option("unsure", "Không rõ"))
    b.question("q02").options.pop(0)
    b.question("q03").required = True
    b.sections[0].questions.pop(3)  # dossier_code
    b.sections[1].questions.append(Question("q04", "text", "Ý kiến thêm", text_lines=2))
    changes = diff(a, b)
    assert "Xóa câu dossier_code: “Mã hồ sơ”" in changes
    assert any(c.startswith("Thêm câu q04") for c in changes)
    assert "Câu q01: lựa chọn no đổi nhãn “Chưa hài lòng” → “Không hài lòng”" in changes
    assert "Câu q01: thêm lựa chọn unsure “Không rõ”" in changes
    assert any(c.startswith("Câu q02: xóa lựa chọn reason_a") for c in changes)
    assert "Câu q03: đổi bắt buộc không → có" in changes
    assert diff(a, danang_2025()) == []
