"""XLSForms as ODK and Kobo users write them: each is first checked with pyxform (it is a
form those tools accept), then imported, then exported and converted again by pyxform
without warnings, and read back unchanged."""

from __future__ import annotations

import datetime as dt

import pytest
from pyxform.xls2xform import convert

from fieldwork.forms.spec import SpecError
from fieldwork.forms.xlsform import read_xlsform, write_xlsform
from fieldwork.forms.xlsform_read import DEFAULT_DIGITS

from .test_xlsform import _xlsx as workbook


def pyxform_warnings(data: bytes, tmp_path, name: str = "form.xlsx") -> list[str]:
    """What pyxform says converting ``data`` (raises if it refuses the form)."""
    path = tmp_path / name
    path.write_bytes(data)
    warnings: list[str] = []
    convert(xlsform=str(path), warnings=warnings)
    return warnings


YN = [["yn", "yes", "Có", "Yes"], ["yn", "no", "Không", "No"]]

KOBO = workbook(
    [["type", "name", "label::Vietnamese (vi)", "label::English (en)", "hint::Vietnamese (vi)",
      "hint::English (en)", "relevant", "constraint", "constraint_message::Vietnamese (vi)",
      "required", "required_message::Vietnamese (vi)", "constraint_message::English (en)",
      "required_message::English (en)"],
     ["start", "start"],
     ["note", "intro", "Phần dành cho người trả lời", "For the respondent"],
     ["begin_group", "Respondent"],  # a group without a label
     ["select_one yn", "Q1", "Ông/Bà có hài lòng không?", "Satisfied?", "Chọn một ô",
      "Tick one", "", "", "", "yes", "Xin trả lời câu này", "", "Please answer"],
     ["integer", "Q2", "Số lần phải đi lại", "Visits", "", "", "${Q1} = 'no'",
      ". >= 1 and . <= 20", "Từ 1 đến 20 lần", "yes", "Cần số lần", "1 to 20 times",
      "How many?"],
     ["integer", "age", "Tuổi", "Age"],
     ["decimal", "wait", "Thời gian chờ (giờ)", "Waiting time (hours)", "", "", "",
      ". >= 0", "Không âm"],
     ["begin group", "inner", "Ý kiến", "Comments", "", "", "${Q1} = 'no'"],
     ["begin group", "deeper", "Chi tiết", "Details"],
     ["text", "why", "Vì sao chưa hài lòng?", "Why?", "Ghi ngắn gọn", "Briefly"],
     ["end group"],
     ["end group"],
     ["end_group"],
     ["note", "thanks", "Cảm ơn Ông/Bà", "Thank you"]],
    [["list name", "name", "label::Vietnamese (vi)", "label::English (en)"], *YN],
    [["form_title", "form_id", "default_language"],
     ["Phiếu Kobo", "kobo_form", "Vietnamese (vi)"]])


def test_a_kobo_form_imports(tmp_path):
    assert pyxform_warnings(KOBO, tmp_path) == []  # a form Kobo and ODK accept
    notices: list[str] = []
    q = read_xlsform(KOBO, notices)
    assert notices == ["Dòng 7: câu 'age' (integer) không có giá trị tối đa: in 6 ô chữ số "
                       "(thêm ràng buộc . <= ... để in ít ô hơn)",
                       "Dòng 8: câu 'wait' (decimal) in thành ô ghi số (ô lưới chữ số không "
                       "ghi được dấu phẩy): nhập liệu gõ lại số đã ghi, khoảng giá trị in "
                       "trong hướng dẫn"]
    assert q.title == "Phiếu Kobo"
    q1 = q.question("Q1")  # the name as written
    assert (q1.kind, q1.required, q1.hint, q1.hint_en) == ("single", True, "Chọn một ô",
                                                            "Tick one")
    assert q1.required_message == "Xin trả lời câu này"
    assert q1.note == "Phần dành cho người trả lời" and q1.note_en == "For the respondent"
    q2 = q.question("Q2")
    assert (q2.kind, q2.min, q2.max, q2.digits) == ("digits", 1, 20, 2)
    assert q2.relevant == "Q1 == 'no'"
    assert q2.constraint_message == "Từ 1 đến 20 lần"
    assert q.question("age").digits == DEFAULT_DIGITS and q.question("age").max is None
    wait = q.question("wait")  # a decimal: written in a box (2,5), not marked in a grid
    assert (wait.kind, wait.digits, wait.min, wait.max) == ("text", None, None, None)
    assert wait.hint == "Ghi số, phần thập phân sau dấu phẩy (ví dụ 2,5); không nhỏ hơn 0."
    assert wait.hint_en == "Write the number, decimals after a comma (e.g. 2,5); at least 0."
    why = q.question("why")
    assert why.relevant == "Q1 == 'no'"  # the outer group's relevant applies
    assert [s.title for s in q.sections] == ["Câu hỏi", "Ý kiến – Chi tiết"]
    assert why.hint.endswith("Cảm ơn Ông/Bà")  # the closing note, under the last question


def test_what_we_export_pyxform_converts_and_we_read_back(tmp_path):
    q = read_xlsform(KOBO)
    out = write_xlsform(q, form_id="kobo_form")
    assert pyxform_warnings(out, tmp_path, "ours.xlsx") == []
    assert read_xlsform(out) == q


def test_list_name_with_underscore_and_names_in_any_case(tmp_path):
    data = workbook(
        [["TYPE", "NAME", "LABEL", "Relevant"],
         ["select_one YesNo", "Sat", "Hài lòng?"],
         ["select_multiple why", "Why", "Lý do", "${Sat} = 'No'"]],
        [["list_name", "name", "label"], ["YesNo", "Yes", "Có"], ["YesNo", "No", "Không"],
         ["why", "Slow", "Chậm"], ["why", "Rude", "Thái độ"]])
    assert pyxform_warnings(data, tmp_path) == []
    q = read_xlsform(data)
    assert [o.code for o in q.question("Why").options] == ["Slow", "Rude"]
    assert q.question("Why").relevant == "Sat == 'No'"
    assert pyxform_warnings(write_xlsform(q), tmp_path, "ours.xlsx") == []
    assert read_xlsform(write_xlsform(q)) == q
    # Written by hand, a reference may differ in case (pyxform would refuse it): we match
    # it to the name without case and keep the name as declared.
    sloppy = workbook(
        [["type", "name", "label", "relevant"], ["select_one YesNo", "Sat", "Hài lòng?"],
         ["text", "why", "Vì sao", "${SAT} = 'No'"]],
        [["list_name", "name", "label"], ["YesNo", "Yes", "Có"], ["YesNo", "No", "Không"]])
    assert read_xlsform(sloppy).question("why").relevant == "Sat == 'No'"
    clash = workbook([["type", "name", "label"], ["text", "Q1", "Một"], ["text", "q1", "Hai"]])
    with pytest.raises(SpecError, match="Dòng 3: tên 'q1' trùng với dòng 2"):
        read_xlsform(clash)


def test_a_plain_label_is_in_the_default_language(tmp_path):
    data = workbook(
        [["type", "name", "label", "label::Tiếng Việt (vi)", "hint"],
         ["text", "name", "Your name", "Họ tên", "As on the ID card"]],
        settings=[["form_title", "form_title::Tiếng Việt (vi)", "default_language"],
                  ["Survey", "Khảo sát", "English (en)"]])
    q = read_xlsform(data)
    x = q.question("name")
    assert (x.text, x.text_en, x.hint, x.hint_en) == ("Họ tên", "Your name", "",
                                                        "As on the ID card")
    assert (q.title, q.title_en) == ("Khảo sát", "Survey")
    english_only = workbook([["type", "name", "label"], ["text", "name", "Your name"]],
                            settings=[["default_language"], ["English (en)"]])
    with pytest.raises(SpecError, match="Dòng 2: câu 'name' chưa có nhãn tiếng Việt"):
        read_xlsform(english_only)


def test_every_unsupported_construct_at_once(tmp_path):
    data = workbook(
        [["type", "name", "label", "calculation", "choice_filter"],
         ["begin repeat", "people", "Người"],
         ["text", "who", "Ai"],
         ["end repeat"],
         ["calculate", "total", "", "1+1"],
         ["select_one yn or_other", "sat", "Hài lòng?"],
         ["geopoint", "where", "Ở đâu"],
         ["select_one yn", "sat2", "Lại", "", "name != 'x'"],
         ["select_one_from_file places.csv", "place", "Nơi"],
         ["time", "when", "Giờ"]],
        [["list_name", "name", "label"], ["yn", "yes", "Có"], ["yn", "no", "Không"]])
    with pytest.raises(SpecError) as err:
        read_xlsform(data)
    rows = sorted({m.split(":")[0] for m in err.value.messages})
    assert rows == [f"Dòng {n}" for n in (10, 2, 5, 6, 7, 8, 9)], err.value.messages
    text = " | ".join(err.value.messages)
    assert "nhóm lặp (repeat)" in text and "'calculate' (phép tính)" in text
    assert "'or_other'" in text and "'geopoint' (toạ độ)" in text
    assert "cột 'choice_filter'" in text and "'time' (giờ)" in text


def test_a_cycle_in_relevant_is_named():
    data = workbook(
        [["type", "name", "label", "relevant"],
         ["select_one yn", "a", "Câu A", "${b} = 'yes'"],
         ["select_one yn", "b", "Câu B", "${A} = 'yes'"],
         ["select_one yn", "c", "Câu C", "${c} = 'yes'"]],
        [["list_name", "name", "label"], ["yn", "yes", "Có"], ["yn", "no", "Không"]])
    with pytest.raises(SpecError) as err:
        read_xlsform(data)
    assert "Dòng 2: điều kiện relevant tạo vòng lặp a → b → a" in err.value.messages
    assert "Dòng 4: điều kiện relevant tạo vòng lặp c → c" in err.value.messages


def test_the_forms_messages_in_keying_and_online(app):
    from flask_babel import refresh

    from fieldwork.entry.validation import check_answers
    from fieldwork.online.answers import check_online

    q = read_xlsform(KOBO)
    with app.test_request_context("/", headers={"Accept-Language": "vi"}):
        out = check_answers(q, {"Q1": "no", "Q2": "25"})
        assert out.errors["Q2"][0].startswith("Từ 1 đến 20 lần (")
        out = check_answers(q, {"Q1": ""})
        assert out.warnings["Q1"][0] == "Xin trả lời câu này"
        online = check_online(q, {"Q1": "", "dossier_code": "HS-1"}, dt.date(2026, 3, 5),
                              "Sở Tư pháp")
        assert online.errors["Q1"] == ["Xin trả lời câu này"]
    with app.test_request_context("/?lang=en", headers={"Accept-Language": "en"}):
        refresh()  # the locale is cached in the app context the fixture keeps
        online = check_online(q, {"Q1": "", "dossier_code": "HS-1"}, dt.date(2026, 3, 5),
                              "Sở Tư pháp")
        assert online.errors["Q1"] == ["Please answer"]
        out = check_answers(q, {"Q1": "no", "Q2": "25"})
        assert out.errors["Q2"][0].startswith("1 to 20 times (")
