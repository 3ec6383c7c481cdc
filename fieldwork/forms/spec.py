"""The questionnaire model: plain, JSON-ready dataclasses with validation and diff.

A ``Questionnaire`` holds ``Section``s of ``Question``s; choice questions hold
``Option``s.  Codes are stable identifiers that data, layouts and reports keep
using across versions, so they are checked for uniqueness here.  ``relevant``
conditions use the tiny grammar of ``fieldwork.forms.conditions`` (re-exported
here), parsed by hand and never evaluated as Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields

from fieldwork.forms.conditions import (  # noqa: F401 - re-exported for callers
    Condition,
    ConditionError,
    evaluate,
    format_condition,
    parse_condition,
    references,
)

KINDS = ("single", "multiple", "digits", "date", "text")
CHOICE_KINDS = ("single", "multiple")
CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")  # case kept, compared without it
OPTION_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{0,39}$")
MAX_DIGITS = 20
MAX_TEXT_LINES = 12
MAX_PAGES = 8


class SpecError(ValueError):
    """A questionnaire is invalid; ``messages`` lists every problem found."""

    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


@dataclass
class Option:
    """An answer option of a choice question."""

    code: str
    label: str
    label_en: str = ""


@dataclass
class Question:
    """One question; which optional fields apply depends on ``kind``."""

    code: str
    kind: str
    text: str
    text_en: str = ""
    options: list[Option] = field(default_factory=list)
    required: bool = False
    relevant: str | None = None
    digits: int | None = None
    min: int | None = None
    max: int | None = None
    text_lines: int | None = None
    hint: str = ""  # printed under the question (XLSForm ``hint``)
    hint_en: str = ""
    note: str = ""  # an instruction printed above the question (XLSForm ``note`` rows)
    note_en: str = ""
    constraint_message: str = ""  # shown in keying and online when the answer is refused
    constraint_message_en: str = ""
    required_message: str = ""  # shown when a required answer is missing
    required_message_en: str = ""


TEXT_EXTRAS = ("hint", "hint_en", "note", "note_en", "constraint_message",
               "constraint_message_en", "required_message", "required_message_en")


@dataclass
class Section:
    """A titled group of questions, printed under one heading."""

    code: str
    title: str
    title_en: str = ""
    questions: list[Question] = field(default_factory=list)


@dataclass
class Questionnaire:
    """A whole questionnaire version's content."""

    title: str
    title_en: str = ""
    sections: list[Section] = field(default_factory=list)
    max_pages: int | None = None  # page budget of one printed sheet (None: the printer's)

    def questions(self) -> Iterator[Question]:
        """Every question in print order."""
        for section in self.sections:
            yield from section.questions

    def question(self, code: str) -> Question:
        """The question with ``code``; ``KeyError`` if there is none."""
        for q in self.questions():
            if q.code == code:
                return q
        raise KeyError(code)

    def to_dict(self) -> dict:
        """A JSON-serialisable dict; empty optional fields are left out."""
        out = {"title": self.title, "title_en": self.title_en,
               "sections": [_section_dict(s) for s in self.sections]}
        if self.max_pages is not None:
            out["max_pages"] = self.max_pages
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Questionnaire:
        """Build from ``to_dict`` output; ``SpecError`` if the shape is wrong."""
        try:
            return cls(
                title=str(data["title"]), title_en=str(data.get("title_en") or ""),
                sections=[Section(code=str(s["code"]), title=str(s["title"]),
                                  title_en=str(s.get("title_en") or ""),
                                  questions=[_question_from(q) for q in s.get("questions", [])])
                          for s in data.get("sections", [])],
                max_pages=_opt_int(data.get("max_pages")))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SpecError(f"Cấu trúc bảng hỏi không hợp lệ: {exc!r}") from exc

    def validate(self) -> Questionnaire:
        """Check every rule; raise ``SpecError`` listing all problems, else return self."""
        errors = _check(self)
        if errors:
            raise SpecError(errors)
        return self


def _section_dict(s: Section) -> dict:
    return {"code": s.code, "title": s.title, "title_en": s.title_en,
            "questions": [_question_dict(q) for q in s.questions]}


def _question_dict(q: Question) -> dict:
    out: dict = {"code": q.code, "kind": q.kind, "text": q.text, "text_en": q.text_en,
                 "required": q.required}
    if q.options:
        out["options"] = [{"code": o.code, "label": o.label, "label_en": o.label_en}
                          for o in q.options]
    for key in ("relevant", "digits", "min", "max", "text_lines"):
        if getattr(q, key) is not None:
            out[key] = getattr(q, key)
    for key in TEXT_EXTRAS:
        if getattr(q, key):
            out[key] = getattr(q, key)
    return out


def _opt_int(value) -> int | None:
    return None if value is None or value == "" else int(value)


def _question_from(d: dict) -> Question:
    return Question(
        code=str(d["code"]), kind=str(d["kind"]), text=str(d["text"]),
        text_en=str(d.get("text_en") or ""), required=bool(d.get("required", False)),
        options=[Option(str(o["code"]), str(o["label"]), str(o.get("label_en") or ""))
                 for o in d.get("options") or []],
        relevant=str(d["relevant"]) if d.get("relevant") else None,
        digits=_opt_int(d.get("digits")),
        min=_opt_int(d.get("min")), max=_opt_int(d.get("max")),
        text_lines=_opt_int(d.get("text_lines")),
        **{key: str(d.get(key) or "") for key in TEXT_EXTRAS})


def _check(qn: Questionnaire) -> list[str]:
    errors: list[str] = []
    if not qn.title.strip():
        errors.append("Bảng hỏi chưa có tiêu đề")
    if not qn.sections:
        errors.append("Bảng hỏi chưa có phần nào")
    if qn.max_pages is not None and not (isinstance(qn.max_pages, int)
                                         and 1 <= qn.max_pages <= MAX_PAGES):
        errors.append(f"Số trang tối đa phải từ 1 đến {MAX_PAGES}")
    seen: set[str] = set()
    earlier: dict[str, Question] = {}
    for s in qn.sections:
        _check_code(s.code, f"Phần {s.code!r}", seen, errors)
        if not s.title.strip():
            errors.append(f"Phần {s.code}: chưa có tiêu đề")
        if not s.questions:
            errors.append(f"Phần {s.code}: chưa có câu hỏi")
        for q in s.questions:
            _check_code(q.code, f"Câu {q.code!r}", seen, errors)
            errors.extend(f"Câu {q.code}: {m}" for m in _check_question(q, earlier))
            earlier[q.code] = q
    return errors


def _check_code(code: str, what: str, seen: set[str], errors: list[str]) -> None:
    if not CODE_RE.fullmatch(code):  # match() lets "q1\n" through ($ before a newline)
        errors.append(f"{what}: mã phải gồm chữ a-z hoặc A-Z, số, '_' và bắt đầu bằng chữ")
    if code.casefold() in seen:
        errors.append(f"{what}: mã bị trùng")
    seen.add(code.casefold())


def _check_question(q: Question, earlier: dict[str, Question]) -> list[str]:
    errs: list[str] = []
    if q.kind not in KINDS:
        return [f"kiểu {q.kind!r} không hợp lệ (chỉ {', '.join(KINDS)})"]
    if not q.text.strip():
        errs.append("chưa có nội dung câu hỏi")
    if q.kind in CHOICE_KINDS:
        need = 2 if q.kind == "single" else 1
        if len(q.options) < need:
            errs.append(f"cần ít nhất {need} lựa chọn")
        codes = [o.code for o in q.options]
        for o in q.options:
            if not OPTION_CODE_RE.fullmatch(o.code):
                errs.append(f"lựa chọn {o.code!r}: mã không hợp lệ")
            if not o.label.strip():
                errs.append(f"lựa chọn {o.code!r}: chưa có nhãn")
        errs.extend(f"lựa chọn {c!r} bị trùng mã" for c in sorted(set(codes))
                    if codes.count(c) > 1)
    elif q.options:
        errs.append(f"kiểu {q.kind} không có lựa chọn")
    if q.kind == "digits":
        if not isinstance(q.digits, int) or not 1 <= q.digits <= MAX_DIGITS:
            errs.append(f"số chữ số phải từ 1 đến {MAX_DIGITS}")
        elif q.max is not None and q.max >= 10 ** q.digits:
            errs.append(f"giá trị tối đa {q.max} vượt quá {q.digits} chữ số")
        if q.min is not None and q.min < 0:
            errs.append("giá trị tối thiểu không được âm")
        if q.min is not None and q.max is not None and q.min > q.max:
            errs.append(f"giá trị tối thiểu {q.min} lớn hơn tối đa {q.max}")
    elif q.digits is not None or q.min is not None or q.max is not None:
        errs.append("chỉ câu dạng số (digits) mới có số chữ số và khoảng giá trị")
    if q.kind == "text":
        if q.text_lines is not None and not 1 <= q.text_lines <= MAX_TEXT_LINES:
            errs.append(f"số dòng phải từ 1 đến {MAX_TEXT_LINES}")
    elif q.text_lines is not None:
        errs.append("chỉ câu dạng chữ (text) mới có số dòng")
    if q.relevant:
        errs.extend(_check_relevant(q.relevant, earlier))
    return errs


def _check_relevant(text: str, earlier: dict[str, Question]) -> list[str]:
    try:
        cond = parse_condition(text)
    except ConditionError as exc:
        return [f"điều kiện {text!r}: {exc}"]
    errs = []
    for op, code, value in references(cond):
        ref = earlier.get(code)
        if ref is None:
            errs.append(f"điều kiện tham chiếu {code!r} không phải câu hỏi đứng trước")
        elif ref.kind not in CHOICE_KINDS:
            errs.append(f"điều kiện tham chiếu câu {code} không phải câu lựa chọn")
        elif op != "selected" and ref.kind != "single":
            errs.append(f"câu {code} nhiều lựa chọn: dùng selected({code}, '{value}')")
        elif value not in {o.code for o in ref.options}:
            errs.append(f"điều kiện tham chiếu lựa chọn {value!r} không có ở câu {code}")
    return errs


_COMPARED = [f.name for f in fields(Question) if f.name not in ("code", "options")]
_NAMES = {"title": "tiêu đề", "title_en": "tiêu đề tiếng Anh", "text": "nội dung",
          "text_en": "nội dung tiếng Anh", "kind": "kiểu", "required": "bắt buộc",
          "relevant": "điều kiện", "digits": "số chữ số", "min": "giá trị tối thiểu",
          "max": "giá trị tối đa", "text_lines": "số dòng", "label": "nhãn",
          "hint": "gợi ý", "hint_en": "gợi ý tiếng Anh", "note": "lời dẫn",
          "note_en": "lời dẫn tiếng Anh", "constraint_message": "thông báo khi sai",
          "constraint_message_en": "thông báo khi sai (tiếng Anh)",
          "required_message": "thông báo khi bỏ trống",
          "required_message_en": "thông báo khi bỏ trống (tiếng Anh)",
          "label_en": "nhãn tiếng Anh", "max_pages": "số trang tối đa"}
_YES_NO = {True: "có", False: "không"}


def _show(value) -> str:
    if isinstance(value, bool):
        return _YES_NO[value]
    return "(trống)" if value in (None, "") else f"“{value}”"


def diff(a: Questionnaire, b: Questionnaire) -> list[str]:
    """Human-readable (Vietnamese) list of what changed from version ``a`` to ``b``."""
    out = [f"Đổi {_NAMES[n]} bảng hỏi: {_show(getattr(a, n))} → {_show(getattr(b, n))}"
           for n in ("title", "title_en", "max_pages") if getattr(a, n) != getattr(b, n)]
    sa, sb = {s.code: s for s in a.sections}, {s.code: s for s in b.sections}
    out += [f"Xóa phần {c}: {_show(sa[c].title)}" for c in sa if c not in sb]
    out += [f"Thêm phần {c}: {_show(sb[c].title)}" for c in sb if c not in sa]
    for c in sa.keys() & sb.keys():
        for name in ("title", "title_en"):
            old, new = getattr(sa[c], name), getattr(sb[c], name)
            if old != new:
                out.append(f"Phần {c}: đổi {_NAMES[name]} {_show(old)} → {_show(new)}")
    qa = {q.code: (q, s.code) for s in a.sections for q in s.questions}
    qb = {q.code: (q, s.code) for s in b.sections for q in s.questions}
    out += [f"Xóa câu {c}: {_show(qa[c][0].text)}" for c in qa if c not in qb]
    out += [f"Thêm câu {c} (phần {qb[c][1]}): {_show(qb[c][0].text)}" for c in qb if c not in qa]
    for c in [c for c in qb if c in qa]:
        (old, old_sec), (new, new_sec) = qa[c], qb[c]
        if old_sec != new_sec:
            out.append(f"Câu {c}: chuyển từ phần {old_sec} sang phần {new_sec}")
        out += [f"Câu {c}: đổi {_NAMES[n]} {_show(getattr(old, n))} → {_show(getattr(new, n))}"
                for n in _COMPARED if getattr(old, n) != getattr(new, n)]
        out += _diff_options(c, old.options, new.options)
    order_a = [c for c in qa if c in qb]
    order_b = [c for c in qb if c in qa]
    if order_a != order_b:
        out.append("Đổi thứ tự câu hỏi")
    return out


def _diff_options(code: str, old: list[Option], new: list[Option]) -> list[str]:
    oa, ob = {o.code: o for o in old}, {o.code: o for o in new}
    out = [f"Câu {code}: xóa lựa chọn {c} {_show(oa[c].label)}" for c in oa if c not in ob]
    out += [f"Câu {code}: thêm lựa chọn {c} {_show(ob[c].label)}" for c in ob if c not in oa]
    for c in [c for c in ob if c in oa]:
        for name in ("label", "label_en"):
            x, y = getattr(oa[c], name), getattr(ob[c], name)
            if x != y:
                out.append(f"Câu {code}: lựa chọn {c} đổi {_NAMES[name]} {_show(x)} → {_show(y)}")
    if [c for c in oa if c in ob] != [c for c in ob if c in oa]:
        out.append(f"Câu {code}: đổi thứ tự lựa chọn")
    return out
