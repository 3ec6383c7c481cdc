"""Import and export a Questionnaire as an XLSForm workbook (ODK, Kobo, SurveyCTO).

Mapping: a section is a ``begin group``/``end group`` pair; single and multiple
choice are ``select_one``/``select_multiple`` with a ``choices`` list; a digit grid
is ``integer`` (with a range constraint) or ``text`` with ``regex(., '^[0-9]{N}$')``,
its length also in a ``digits`` column (ignored by pyxform); ``date`` is a date grid;
``text`` is a free-text box whose line count is ``body::rows``; a question's ``note`` is a
``note`` row before it; ``hint``, ``constraint_message`` and ``required_message`` are
columns. Reading accepts what ODK and Kobo users write (``xlsform_read``).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from fieldwork.forms.spec import (
    CHOICE_KINDS,
    Question,
    Questionnaire,
    SpecError,
    format_condition,
    parse_condition,
)

VI, EN = "label::Tiếng Việt (vi)", "label::English (en)"
SURVEY_COLS = ["type", "name", VI, EN, "relevant", "constraint", "required", "digits",
               "body::rows", "hint::Tiếng Việt (vi)", "hint::English (en)",
               "constraint_message::Tiếng Việt (vi)", "constraint_message::English (en)",
               "required_message::Tiếng Việt (vi)", "required_message::English (en)"]
CHOICE_COLS = ["list_name", "name", VI, EN]


def write_xlsform(q: Questionnaire, form_id: str | None = None) -> bytes:
    """The questionnaire as an .xlsx XLSForm workbook."""
    from openpyxl import Workbook

    from ..cells import xlsx_append

    wb = Workbook()
    survey = wb.active
    survey.title = "survey"
    xlsx_append(survey, SURVEY_COLS)
    lists: dict[tuple, str] = {}
    for s in q.sections:
        xlsx_append(survey, ["begin group", s.code, s.title, s.title_en])
        for x in s.questions:
            if x.note or x.note_en:  # an instruction printed above the question
                xlsx_append(survey, ["note", f"note_{x.code}", x.note, x.note_en])
            xlsx_append(survey, _survey_row(x, lists))
        xlsx_append(survey, ["end group"])
    choices = wb.create_sheet("choices")
    xlsx_append(choices, CHOICE_COLS)
    for key, name in lists.items():
        for code, label, label_en in key:
            xlsx_append(choices, [name, code, label, label_en])
    settings = wb.create_sheet("settings")
    xlsx_append(settings, ["form_title", "form_id", "default_language", "title_en",
                           "max_pages"])
    xlsx_append(settings, [q.title, form_id or "fieldwork", "Tiếng Việt (vi)", q.title_en,
                           q.max_pages])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _survey_row(x: Question, lists: dict[tuple, str]) -> list:
    constraint, kind = "", x.kind
    if x.kind in CHOICE_KINDS:
        key = tuple((o.code, o.label, o.label_en) for o in x.options)
        word = "one" if x.kind == "single" else "multiple"
        kind = f"select_{word} {lists.setdefault(key, x.code)}"
    elif x.kind == "digits" and (x.min is not None or x.max is not None):
        kind = "integer"
        constraint = " and ".join(c for c in (
            f". >= {x.min}" if x.min is not None else "",
            f". <= {x.max}" if x.max is not None else "") if c)
    elif x.kind == "digits":
        kind, constraint = "text", f"regex(., '^[0-9]{{{x.digits}}}$')"
    relevant = format_condition(parse_condition(x.relevant), odk=True) if x.relevant else ""
    return [kind, x.code, x.text, x.text_en, relevant, constraint,
            "yes" if x.required else "", x.digits or "", x.text_lines or "", x.hint, x.hint_en,
            x.constraint_message, x.constraint_message_en, x.required_message,
            x.required_message_en]


def read_xlsform(source: bytes | str | Path | io.IOBase,
                 notices: list[str] | None = None) -> Questionnaire:
    """Read an XLSForm workbook (``xlsform_read``); ``SpecError`` lists every problem, each
    with its row, all at once. ``notices`` receives what was decided for the user (a digit
    count by default)."""
    from ..xlsx import XlsxRefused, read_xlsx
    from .xlsform_read import Reader, language, read_choices, rows

    try:  # checked, then parsed in a child process with memory and time limits
        wb = read_xlsx(source, only=("survey", "choices", "settings"))
    except XlsxRefused as exc:
        raise SpecError(f"Tệp không phải bảng tính XLSForm (.xlsx) hợp lệ: {exc}") from None
    try:
        if "survey" not in wb.sheetnames:
            raise SpecError("Thiếu trang tính 'survey'")
        settings = rows(wb["settings"])[0][1] if "settings" in wb.sheetnames and rows(
            wb["settings"]) else {}
        lang = language(settings.get("default_language", "")) or "vi"
        if "settings" in wb.sheetnames and lang != "vi":
            settings = rows(wb["settings"], lang)[0][1]
        errors: list[str] = []
        lists = read_choices(wb["choices"], lang, errors) if "choices" in wb.sheetnames else {}
        reader = Reader(lists)
        sections = reader.read(rows(wb["survey"], lang))
    finally:
        wb.close()
    q = Questionnaire(settings.get("form_title") or "Bảng hỏi nhập từ XLSForm",
                      settings.get("title_en") or settings.get("form_title_en", ""), sections,
                      max_pages=_max_pages(settings.get("max_pages"), errors))
    errors += reader.errors
    row_of = {x.code: n for n, x in reader.questions}
    try:
        q.validate()
    except SpecError as exc:  # what only the whole form shows, with the question's row
        for msg in exc.messages:
            m = re.match(r"Câu '?([A-Za-z0-9_]+)'?:", msg)
            errors.append(f"Dòng {row_of[m.group(1)]}: {msg}" if m and m.group(1) in row_of
                          else msg)
    if errors:
        raise SpecError(list(dict.fromkeys(errors)))
    if notices is not None:
        notices.extend(reader.notices)
    return q


def _max_pages(raw, errors: list[str]) -> int | None:
    """The page budget (``max_pages``, our own settings column), None when not given."""
    if raw in (None, ""):
        return None
    try:
        pages = int(float(str(raw).strip()))
        if pages != float(str(raw).strip()):
            raise ValueError(raw)
    except ValueError:
        errors.append(f"settings: max_pages phải là số trang (số nguyên), không phải {raw!r}")
        return None
    return pages
