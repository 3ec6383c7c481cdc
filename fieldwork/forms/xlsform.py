"""Import and export a Questionnaire as an XLSForm workbook (ODK, Kobo, SurveyCTO).

Mapping: a section is a ``begin group``/``end group`` pair; single and multiple
choice are ``select_one``/``select_multiple`` with a ``choices`` list; a digit grid
is ``integer`` (with a range constraint) or ``text`` with ``regex(., '^[0-9]{N}$')``,
its length in a ``digits`` column; ``date`` is a date grid; ``text`` is a free-text
box whose line count is ``body::rows``.  Anything else is refused row by row.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from fieldwork.forms.spec import (
    CHOICE_KINDS,
    ConditionError,
    Option,
    Question,
    Questionnaire,
    Section,
    SpecError,
    format_condition,
    parse_condition,
)

VI, EN = "label::Tiếng Việt (vi)", "label::English (en)"
SURVEY_COLS = ["type", "name", VI, EN, "relevant", "constraint", "required", "digits",
               "body::rows"]
CHOICE_COLS = ["list_name", "name", VI, EN]
# Metadata fields have no place on paper; they are skipped rather than refused.
META_TYPES = {"start", "end", "today", "deviceid", "username", "audit", "phonenumber",
              "simserial", "subscriberid", "email", "start-geopoint"}
UNSUPPORTED_COLS = ("calculation", "choice_filter", "repeat_count", "trigger")
_RANGE_RE = re.compile(r"^\.\s*(>=|>|<=|<)\s*(\d+)$")
_REGEX_RE = re.compile(r"""^regex\(\s*\.\s*,\s*['"]\^\[0-9\]\{(\d+)\}\$['"]\s*\)$""")


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
            xlsx_append(survey, _survey_row(x, lists))
        xlsx_append(survey, ["end group"])
    choices = wb.create_sheet("choices")
    xlsx_append(choices, CHOICE_COLS)
    for key, name in lists.items():
        for code, label, label_en in key:
            xlsx_append(choices, [name, code, label, label_en])
    settings = wb.create_sheet("settings")
    xlsx_append(settings, ["form_title", "form_id", "default_language", "title_en"])
    xlsx_append(settings, [q.title, form_id or "fieldwork", "Tiếng Việt (vi)", q.title_en])
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
            "yes" if x.required else "", x.digits or "", x.text_lines or ""]


def read_xlsform(source: bytes | str | Path | io.IOBase) -> Questionnaire:
    """Read an XLSForm workbook; ``SpecError`` lists every problem, row by row."""
    from ..xlsx import XlsxRefused, read_xlsx

    try:  # checked, then parsed in a child process with memory and time limits
        wb = read_xlsx(source, only=("survey", "choices", "settings"))
    except XlsxRefused as exc:
        raise SpecError(f"Tệp không phải bảng tính XLSForm (.xlsx) hợp lệ: {exc}") from None
    try:
        if "survey" not in wb.sheetnames:
            raise SpecError("Thiếu trang tính 'survey'")
        errors: list[str] = []
        lists = _read_choices(wb, errors)
        title, title_en = _read_settings(wb)
        sections = _read_survey(_rows(wb["survey"]), lists, errors)
    finally:
        wb.close()
    if errors:
        raise SpecError(errors)
    return Questionnaire(title or "Bảng hỏi nhập từ XLSForm", title_en, sections).validate()


def _rows(sheet) -> list[tuple[int, dict]]:
    """Data rows as (Excel row number, {normalised header: text})."""
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return []
    head = [_norm_header(h) for h in rows[0]]
    out = []
    for n, values in enumerate(rows[1:], 2):
        row = {h: str(v).strip() for h, v in zip(head, values, strict=False)
               if h and v not in (None, "")}
        if row:
            out.append((n, row))
    return out


def _norm_header(h) -> str:
    if h is None:
        return ""
    h = str(h).strip().lower().replace(" ", "")
    if h.startswith("label") or h.startswith("form_title"):
        base = "label" if h.startswith("label") else "form_title"
        if "english" in h or h.endswith("(en)") or h.endswith("::en"):
            return f"{base}_en"
        return base
    return h


def _read_choices(wb, errors: list[str]) -> dict[str, list[Option]]:
    lists: dict[str, list[Option]] = {}
    if "choices" not in wb.sheetnames:
        return lists
    for n, row in _rows(wb["choices"]):
        name, code = row.get("list_name") or row.get("list name"), row.get("name")
        if not name or not code:
            errors.append(f"Trang choices, dòng {n}: thiếu list_name hoặc name")
            continue
        option = Option(code, row.get("label", ""), row.get("label_en", ""))
        lists.setdefault(name, []).append(option)
    return lists


def _read_settings(wb) -> tuple[str, str]:
    if "settings" not in wb.sheetnames:
        return "", ""
    rows = _rows(wb["settings"])
    first = rows[0][1] if rows else {}
    return first.get("form_title", ""), first.get("title_en") or first.get("form_title_en", "")


def _read_survey(rows, lists, errors: list[str]) -> list[Section]:
    sections: list[Section] = []
    current: Section | None = None
    opened = 0  # row of the open 'begin group', 0 when none or implicit
    for n, row in rows:
        kind = _norm_type(row.get("type", ""))
        if kind == "begin group":
            if opened:
                errors.append(f"Dòng {n}: nhóm lồng nhau không được hỗ trợ")
                continue
            opened = n
            current = Section(row.get("name", ""), row.get("label", ""), row.get("label_en", ""))
            sections.append(current)
        elif kind == "end group":
            if not opened:
                errors.append(f"Dòng {n}: 'end group' không có 'begin group' tương ứng")
            current, opened = None, 0
        elif not kind or kind in META_TYPES:
            continue
        else:
            q = _question(n, kind, row, lists, errors)
            if q is None:
                continue
            if current is None:  # a form drafted elsewhere may have no groups at all
                current = Section(f"section_{len(sections) + 1}", "Câu hỏi")
                sections.append(current)
            current.questions.append(q)
    if opened:
        errors.append(f"Dòng {opened}: nhóm '{current.code}' chưa có 'end group'")
    return sections


def _norm_type(raw: str) -> str:
    """'select_one  Yes_No' -> 'select one Yes_No': keywords lowered, list name kept."""
    words = raw.split()
    if not words:
        return ""
    head = words[0].lower().replace("_", " ")
    return " ".join([head] + [w.lower() for w in words[1:2] if head in ("begin", "end")]
                    + words[1 if head not in ("begin", "end") else 2:])


def _question(n: int, kind: str, row: dict, lists, errors: list[str]) -> Question | None:
    before = len(errors)
    err = errors.append
    q = Question(row.get("name", ""), "", row.get("label", ""), row.get("label_en", ""))
    parts = kind.split(" ")
    if kind.startswith(("select one ", "select multiple ")) and len(parts) == 3:
        q.kind = "single" if parts[1] == "one" else "multiple"
        if parts[2] not in lists:
            err(f"Dòng {n}: danh sách lựa chọn '{parts[2]}' không có trong trang choices")
        q.options = [Option(o.code, o.label, o.label_en) for o in lists.get(parts[2], [])]
    elif kind in ("integer", "text", "date"):
        digit_text = row.get("digits") or _REGEX_RE.match(row.get("constraint", ""))
        q.kind = "digits" if kind == "integer" or (kind == "text" and digit_text) else kind
    else:
        err(f"Dòng {n}: kiểu '{row.get('type')}' không được hỗ trợ")
        return None
    for col in UNSUPPORTED_COLS:
        if row.get(col):
            err(f"Dòng {n}: cột '{col}' không được hỗ trợ")
    req = row.get("required", "").lower()
    if req not in ("", "yes", "true", "true()", "1", "no", "false", "false()", "0"):
        err(f"Dòng {n}: giá trị required '{row['required']}' không hợp lệ")
    q.required = req in ("yes", "true", "true()", "1")
    if row.get("relevant"):
        try:
            q.relevant = format_condition(parse_condition(row["relevant"], odk=True))
        except ConditionError as exc:
            err(f"Dòng {n}: điều kiện relevant '{row['relevant']}' không hợp lệ: {exc}")
    _constraint(n, q, row, err)
    if q.kind == "text" and row.get("body::rows"):
        q.text_lines = _int(n, "body::rows", row["body::rows"], err)
    return q if len(errors) == before else None


def _constraint(n: int, q: Question, row: dict, err) -> None:
    text = row.get("constraint", "")
    if q.kind == "digits":
        q.digits = _int(n, "digits", row["digits"], err) if row.get("digits") else None
    m = _REGEX_RE.match(text)
    if m and q.kind == "digits":
        q.digits = q.digits or int(m.group(1))
    elif text and q.kind == "digits":
        for part in re.split(r"\s+and\s+", text):
            r = _RANGE_RE.match(part.strip())
            if not r:
                err(f"Dòng {n}: ràng buộc '{text}' không được hỗ trợ (chỉ . >= a and . <= b)")
                return
            value = int(r.group(2))
            if r.group(1).startswith(">"):
                q.min = value + (r.group(1) == ">")
            else:
                q.max = value - (r.group(1) == "<")
    elif text:
        err(f"Dòng {n}: ràng buộc '{text}' không được hỗ trợ cho kiểu này")
    if q.kind == "digits" and q.digits is None:
        if q.max is None:
            err(f"Dòng {n}: câu số cần cột 'digits' hoặc ràng buộc giá trị tối đa")
        else:
            q.digits = len(str(q.max))


def _int(n: int, col: str, value: str, err) -> int | None:
    try:
        return int(float(value))
    except ValueError:
        err(f"Dòng {n}: cột '{col}' phải là số nguyên, gặp '{value}'")
        return None
