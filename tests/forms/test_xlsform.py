"""XLSForm import and export: round trip, forms drafted elsewhere, per-row errors."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from fieldwork.forms.builtin import BUILTIN
from fieldwork.forms.spec import SpecError
from fieldwork.forms.xlsform import VI, read_xlsform, write_xlsform


def _xlsx(survey: list[list], choices: list[list] | None = None,
          settings: list[list] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in survey:
        ws.append(row)
    for name, rows in (("choices", choices), ("settings", settings)):
        if rows:
            sheet = wb.create_sheet(name)
            for row in rows:
                sheet.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_export_then_import_gives_an_equal_questionnaire(name):
    q = BUILTIN[name]()
    assert read_xlsform(write_xlsform(q, form_id="x")) == q


def test_export_uses_the_xlsform_conventions():
    wb = load_workbook(io.BytesIO(write_xlsform(BUILTIN["danang-2025"](), "DEMO-v1")))
    assert wb.sheetnames == ["survey", "choices", "settings"]
    rows = list(wb["survey"].iter_rows(values_only=True))
    head = rows[0]
    assert head[:7] == ("type", "name", VI, "label::English (en)", "relevant", "constraint",
                        "required")
    by_name = {r[1]: dict(zip(head, r, strict=False)) for r in rows[1:] if r[1]}
    assert by_name["q01"]["type"] == "select_one q01"
    assert by_name["q02"]["type"] == "select_multiple q02"
    assert by_name["q02"]["relevant"] == "${q01} = 'no'"
    assert by_name["q02_other"]["relevant"] == "selected(${q02}, 'other')"
    assert by_name["phone"]["constraint"] == "regex(., '^[0-9]{10}$')"
    assert by_name["survey_date"]["type"] == "date"
    assert by_name["q01"]["required"] == "yes"
    assert rows[1][0] == "begin group" and ("end group",) == tuple(
        v for v in rows[-1] if v is not None)
    settings = list(wb["settings"].iter_rows(values_only=True))
    assert settings[1][0].startswith("Phiếu khảo sát") and settings[1][1] == "DEMO-v1"


def test_sipas_scale_is_one_shared_choice_list():
    wb = load_workbook(io.BytesIO(write_xlsform(BUILTIN["sipas"]())))
    lists = {r[0] for r in wb["choices"].iter_rows(min_row=2, values_only=True)}
    assert lists == {"access_1", "overall", "gender", "age_group", "education", "occupation"}


def test_a_form_drafted_elsewhere_comes_in():
    data = _xlsx(
        [["Type", "Name", "Label::Tiếng Việt (vi)", "label::English (en)", "relevant",
          "constraint", "required", "hint"],
         ["start", "start"],
         ["select_one Yes_No", "sat", "Hài lòng?", "Satisfied?", "", "", "TRUE()"],
         ["integer", "age", "Tuổi", "Age", "${sat} = 'n'", ". >= 18 and . < 100", "yes"],
         ["text", "cccd", "Số CCCD", "", "", "regex(., '^[0-9]{12}$')"],
         ["text", "note_free", "Góp ý", "", "", "", "no", "Viết rõ"]],
        [["list_name", "name", "label::Tiếng Việt (vi)"],
         ["Yes_No", "y", "Có"], ["Yes_No", "n", "Không"]],
        [["form_title", "form_id"], ["Phiếu nhập ngoài", "ext"]])
    q = read_xlsform(data)
    assert q.title == "Phiếu nhập ngoài"
    assert [s.code for s in q.sections] == ["section_1"]
    assert q.question("sat").required and [o.code for o in q.question("sat").options] == ["y", "n"]
    age = q.question("age")
    assert (age.kind, age.min, age.max, age.digits, age.relevant) == (
        "digits", 18, 99, 2, "sat == 'n'")
    assert q.question("cccd").kind == "digits" and q.question("cccd").digits == 12
    assert q.question("note_free").kind == "text" and not q.question("note_free").required


def test_broken_form_gives_one_message_per_bad_row():
    data = _xlsx(
        [["type", "name", "label::Tiếng Việt (vi)", "relevant", "constraint", "calculation"],
         ["begin group", "g1", "Nhóm 1"],
         ["geopoint", "where", "Vị trí"],
         ["select_one nolist", "s1", "Chọn"],
         ["select_one yn", "s2", "Chọn", "${s1} == 'a'"],
         ["integer", "n1", "Số", "", ". > 5 or . < 2"],
         ["begin group", "g2", "Nhóm lồng"],
         ["calculate", "c1", "", "", "", "1+1"],
         ["text", "t1", "Chữ", "", "", "1+1"],
         ["begin repeat", "r1", "Lặp"]],
        [["list_name", "name", "label::Tiếng Việt (vi)"], ["yn", "y", "Có"], ["yn", "n", "Không"]])
    with pytest.raises(SpecError) as err:
        read_xlsform(data)
    msgs = err.value.messages
    assert "Dòng 3: kiểu 'geopoint' (toạ độ) không in được trên giấy" in msgs
    assert any(m.startswith("Dòng 4: danh sách lựa chọn 'nolist'") for m in msgs)
    assert any(m.startswith("Dòng 5: điều kiện relevant") for m in msgs)
    assert any(m.startswith("Dòng 6: ràng buộc") for m in msgs)
    assert not any("lồng nhau" in m for m in msgs)  # a nested group is fine
    assert "Dòng 8: kiểu 'calculate' (phép tính) không in được trên giấy" in msgs
    assert "Dòng 9: cột 'calculation' (phép tính) không được hỗ trợ" in msgs
    assert "Dòng 10: nhóm lặp (repeat) không in được trên giấy" in msgs
    assert [m for m in msgs if "chưa có 'end group'" in m] == [
        "Dòng 2: nhóm 'g1' chưa có 'end group'", "Dòng 7: nhóm 'g2' chưa có 'end group'",
        "Dòng 10: nhóm 'r1' chưa có 'end group'"]


def test_valid_rows_that_break_model_rules_are_reported():
    data = _xlsx([["type", "name", "label::Tiếng Việt (vi)"],
                  ["text", "a", "Một"], ["text", "a", "Hai"], ["integer", "n", "Số"]])
    with pytest.raises(SpecError) as err:
        read_xlsform(data)
    assert err.value.messages == ["Dòng 3: tên 'a' trùng với dòng 2 (không phân biệt hoa "
                                  "thường)"]
    data = _xlsx([["type", "name", "label::Tiếng Việt (vi)", "relevant"],
                  ["select_one yn", "a", "Một", "${b} = 'y'"],
                  ["select_one yn", "b", "Hai"]],
                 [["list_name", "name", "label"], ["yn", "y", "Có"], ["yn", "n", "Không"]])
    with pytest.raises(SpecError, match="Dòng 2: Câu a: điều kiện tham chiếu 'b' không phải "
                                        "câu hỏi đứng trước"):
        read_xlsform(data)


@pytest.mark.parametrize("data", [b"not a workbook", b"PK\x03\x04broken zip"])
def test_not_a_workbook(data):
    with pytest.raises(SpecError, match="không phải bảng tính"):
        read_xlsform(data)


def test_missing_survey_sheet():
    wb = Workbook()
    wb.active.title = "other"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(SpecError, match="survey"):
        read_xlsform(buf.getvalue())
