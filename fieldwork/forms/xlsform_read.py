"""Read an XLSForm as ODK, Kobo or SurveyCTO users write it into a ``Questionnaire``.

Column headers in any case, ``list name`` or ``list_name``, ``label::Tiếng Việt (vi)`` and
``label::English (en)`` (also for ``hint``, ``constraint_message``, ``required_message``),
a plain ``label`` in the ``settings`` sheet's ``default_language`` (Vietnamese if none).
Names keep their case and are matched without it (``${q1}`` finds ``Q1``). Groups with or
without a label, nested groups (each becomes a printed section; a group's ``relevant``
applies to its questions), ``note`` rows (an instruction printed above the next question),
``integer`` without a maximum (digit count from the constraint, else ``DEFAULT_DIGITS``),
``decimal`` as a one-line box the respondent writes the number in (a digit grid has no
place for the comma of 2,5), read by keying, its range printed in the hint. What paper cannot
carry (repeat, calculate, or_other, ...) gets one message per row, every one listed at once,
as does a ``relevant`` that forms a cycle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fieldwork.forms.spec import (
    ConditionError,
    Option,
    Question,
    Section,
    format_condition,
    parse_condition,
)

DEFAULT_DIGITS = 6  # an integer without a maximum gets a 6-digit grid
META_TYPES = {"start", "end", "today", "deviceid", "username", "audit", "phonenumber",
              "simserial", "subscriberid", "email", "start-geopoint", "imei", "uri:email",
              "uri:username", "uri:phonenumber", "uri:deviceid", "background-audio"}
UNSUPPORTED_TYPES = {
    "calculate": "phép tính", "hidden": "trường ẩn", "geopoint": "toạ độ",
    "geotrace": "đường trên bản đồ", "geoshape": "vùng trên bản đồ", "image": "ảnh",
    "audio": "âm thanh", "video": "video", "file": "tệp", "barcode": "mã vạch",
    "range": "thang kéo", "rank": "xếp hạng", "time": "giờ", "datetime": "ngày giờ",
    "acknowledge": "xác nhận", "xml-external": "dữ liệu ngoài",
    "csv-external": "dữ liệu ngoài"}
UNSUPPORTED_COLS = {"calculation": "phép tính", "choice_filter": "lọc lựa chọn",
                    "repeat_count": "số lần lặp", "trigger": "trigger",
                    "default": "giá trị mặc định", "read_only": "chỉ đọc"}
TEXT_COLS = ("label", "hint", "constraint_message", "required_message")
_RANGE_RE = re.compile(r"^\.\s*(>=|>|<=|<)\s*(-?\d+(?:\.\d+)?)$")
_REGEX_RE = re.compile(r"""^regex\(\s*\.\s*,\s*['"]\^\[0-9\]\{(\d+)\}\$['"]\s*\)$""")
_LANG_RE = re.compile(r"\(([A-Za-z]{2,3})(?:-[A-Za-z]+)?\)\s*$")
_REF_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
_YES = ("yes", "true", "true()", "1")
_NO = ("", "no", "false", "false()", "0")


def language(text: str) -> str | None:
    """'Tiếng Việt (vi)' -> 'vi', 'English' -> 'en', 'French (fr)' -> 'fr'."""
    text = (text or "").strip()
    m = _LANG_RE.search(text)
    if m:
        return m.group(1).lower()
    low = text.lower()
    if low in ("vi", "vietnamese", "tiếng việt", "tieng viet"):
        return "vi"
    if low in ("en", "english", "tiếng anh"):
        return "en"
    return low or None


def header_key(raw, default_lang: str) -> str | None:
    """A column's key: 'type', 'name', 'label' (Vietnamese), 'label_en', 'list_name' ...;
    None for a column of a language we do not keep."""
    if raw is None:
        return None
    text = str(raw).strip()
    base, _sep, lang = text.partition("::")
    base = "_".join(base.strip().lower().split())
    if base in ("list_name", "listname"):
        base = "list_name"
    if base.startswith("body") or base.startswith("bind"):  # body::rows, bind::...
        return f"{base}::{lang.strip().lower()}" if lang else base
    if base not in TEXT_COLS and base not in ("form_title",):
        return base
    code = language(lang) if lang else default_lang
    if code == "vi":
        return base
    if code == "en":
        return f"{base}_en"
    return None


def rows(sheet, default_lang: str = "vi") -> list[tuple[int, dict]]:
    """Data rows as (Excel row number, {column key: text}); blank rows left out."""
    values = list(sheet.iter_rows(values_only=True))
    if not values:
        return []
    head = [header_key(h, default_lang) for h in values[0]]
    out = []
    for n, row in enumerate(values[1:], 2):
        found = {h: _text(v) for h, v in zip(head, row, strict=False)
                 if h and v not in (None, "") and _text(v)}
        if found:
            out.append((n, found))
    return out


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def norm_type(raw: str) -> tuple[str, list[str]]:
    """'select_one  Yes_No or_other' -> ('select one', ['Yes_No', 'or_other']);
    'begin_group' -> ('begin group', [])."""
    words = raw.replace("_", " ", 1).split() if raw.lower().startswith(
        ("select_", "begin_", "end_")) else raw.split()
    if not words:
        return "", []
    head = words[0].lower()
    if head in ("begin", "end", "select") and len(words) > 1:
        return f"{head} {words[1].lower()}", words[2:]
    return head, words[1:]


@dataclass
class _Group:
    name: str
    title: str
    title_en: str
    relevant: str | None
    row: int
    repeat: bool = False
    sections: int = 0


@dataclass
class Reader:
    """One pass over the survey sheet; ``errors`` collects every problem by row."""

    lists: dict[str, list[Option]]
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what was decided for the user
    sections: list[Section] = field(default_factory=list)
    stack: list[_Group] = field(default_factory=list)
    current: Section | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)
    names: dict[str, tuple[int, str]] = field(default_factory=dict)  # folded -> (row, name)
    refs: dict[str, tuple[int, list[str]]] = field(default_factory=dict)  # name -> refs
    questions: list[tuple[int, Question]] = field(default_factory=list)

    def read(self, survey_rows) -> list[Section]:
        """Sections of the survey rows (check ``errors`` after)."""
        for n, row in survey_rows:
            kind, rest = norm_type(row.get("type", ""))
            if kind in ("begin group", "begin repeat"):
                self._begin(n, row, kind == "begin repeat")
            elif kind in ("end group", "end repeat"):
                self._end(n, kind)
            elif not kind or kind in META_TYPES:
                continue
            elif kind == "note":
                self._name(n, row)
                self.notes.append((row.get("label", ""), row.get("label_en", "")))
            else:
                self._question(n, kind, rest, row)
        for g in self.stack:
            self.errors.append(f"Dòng {g.row}: nhóm '{g.name}' chưa có 'end group'")
        if self.notes and self.questions:  # a closing note: printed after the last question
            q = self.questions[-1][1]
            q.hint = "\n".join(x for x in [q.hint, *(t for t, _e in self.notes)] if x)
        self._check_refs()
        return self.sections

    def _begin(self, n: int, row: dict, repeat: bool) -> None:
        if repeat:
            self.errors.append(f"Dòng {n}: nhóm lặp (repeat) không in được trên giấy")
        name = row.get("name", "")
        if not name:
            self.errors.append(f"Dòng {n}: nhóm chưa có tên (name)")
        parent = self.stack[-1] if self.stack else None
        title, title_en = row.get("label", ""), row.get("label_en", "")
        if parent is not None and title and parent.title:
            title, title_en = f"{parent.title} – {title}", (
                f"{parent.title_en} – {title_en}" if parent.title_en and title_en else title_en)
        elif not title:  # a group without a label prints under its parent's heading
            title = parent.title if parent else ""
            title_en = parent.title_en if parent else ""
        relevant = self._relevant(n, row.get("relevant", ""))
        if parent is not None and parent.relevant:
            relevant = f"({parent.relevant}) and ({relevant})" if relevant else parent.relevant
        self.stack.append(_Group(name or f"group_{n}", title, title_en, relevant, n, repeat))
        self.current = None

    def _end(self, n: int, kind: str) -> None:
        if not self.stack:
            self.errors.append(f"Dòng {n}: '{kind}' không có 'begin group' tương ứng")
            return
        self.stack.pop()
        self.current = None

    def _name(self, n: int, row: dict) -> str:
        name = row.get("name", "")
        if name:
            first = self.names.get(name.casefold())
            if first is not None:
                self.errors.append(f"Dòng {n}: tên '{name}' trùng với dòng {first[0]} "
                                   "(không phân biệt hoa thường)")
            else:
                self.names[name.casefold()] = (n, name)
        return name

    def _section(self) -> Section:
        if self.current is None:
            g = self.stack[-1] if self.stack else None
            code = g.name if g else f"section_{len(self.sections) + 1}"
            if g is not None:
                g.sections += 1
                if g.sections > 1:
                    code = f"{g.name}_{g.sections}"
            taken = {s.code.casefold() for s in self.sections}
            while code.casefold() in taken:
                code += "_"
            self.current = Section(code, (g.title if g else "") or "Câu hỏi",
                                   g.title_en if g else "")
            self.sections.append(self.current)
        return self.current

    def _question(self, n: int, kind: str, rest: list[str], row: dict) -> None:
        before = len(self.errors)
        err = self.errors.append
        name = self._name(n, row)
        if not name:
            err(f"Dòng {n}: câu hỏi chưa có tên (name)")
        q = Question(name, "", row.get("label", ""), row.get("label_en", ""),
                     hint=row.get("hint", ""), hint_en=row.get("hint_en", ""),
                     constraint_message=row.get("constraint_message", ""),
                     constraint_message_en=row.get("constraint_message_en", ""),
                     required_message=row.get("required_message", ""),
                     required_message_en=row.get("required_message_en", ""))
        if kind in ("select one", "select multiple"):
            q.kind = "single" if kind == "select one" else "multiple"
            if "or_other" in [w.lower() for w in rest]:
                err(f"Dòng {n}: 'or_other' không được hỗ trợ: thêm lựa chọn 'other' và một câu "
                    "text có relevant")
            listname = rest[0] if rest else ""
            if listname not in self.lists:
                err(f"Dòng {n}: danh sách lựa chọn '{listname}' không có trong trang choices")
            q.options = [Option(o.code, o.label, o.label_en) for o in self.lists.get(listname, [])]
        elif kind in ("integer", "decimal", "text", "date"):
            digit_text = row.get("digits") or _REGEX_RE.match(row.get("constraint", ""))
            q.kind = "digits" if kind == "integer" or (kind == "text" and digit_text) else (
                "text" if kind == "decimal" else kind)
        elif kind.startswith("select") or kind in UNSUPPORTED_TYPES:
            what = UNSUPPORTED_TYPES.get(kind, "lựa chọn từ tệp")
            err(f"Dòng {n}: kiểu '{row.get('type')}' ({what}) không in được trên giấy")
            return
        else:
            err(f"Dòng {n}: kiểu '{row.get('type')}' không được hỗ trợ")
            return
        for col, what in UNSUPPORTED_COLS.items():
            if row.get(col):
                err(f"Dòng {n}: cột '{col}' ({what}) không được hỗ trợ")
        if not q.text:
            err(f"Dòng {n}: câu '{name}' chưa có nhãn tiếng Việt (label hoặc "
                "label::Tiếng Việt (vi))")
        req = row.get("required", "").lower()
        if req not in _YES + _NO:
            err(f"Dòng {n}: giá trị required '{row['required']}' không được hỗ trợ (yes/no)")
        q.required = req in _YES
        own = self._relevant(n, row.get("relevant", ""))
        group = self.stack[-1].relevant if self.stack else None
        q.relevant = (f"({group}) and ({own})" if group and own else group or own) or None
        if q.relevant:
            q.relevant = format_condition(parse_condition(q.relevant))
        if kind == "decimal":
            self._decimal(n, q, row, err)
        else:
            _constraint(n, q, row, err)
        if q.kind == "digits" and q.digits == DEFAULT_DIGITS and not row.get("digits") and (
                q.max is None and not _REGEX_RE.match(row.get("constraint", ""))):
            self.notices.append(f"Dòng {n}: câu '{name}' ({kind}) không có giá trị tối đa: in "
                                f"{DEFAULT_DIGITS} ô chữ số (thêm ràng buộc . <= ... để in ít "
                                "ô hơn)")
        if q.kind == "text" and row.get("body::rows"):
            q.text_lines = _int(n, "body::rows", row["body::rows"], err)
        if self.notes:
            q.note = "\n".join(t for t, _e in self.notes if t)
            q.note_en = "\n".join(e for _t, e in self.notes if e)
            self.notes = []
        if len(self.errors) == before:
            self._section().questions.append(q)
            self.questions.append((n, q))

    def _decimal(self, n: int, q: Question, row: dict, err) -> None:
        """A decimal is written in a box, not marked in a grid (a grid has no comma); its
        range, which keying does not check, is printed under it with the example."""
        said = {"vi": "Ghi số, phần thập phân sau dấu phẩy (ví dụ 2,5)",
                "en": "Write the number, decimals after a comma (e.g. 2,5)"}
        text = row.get("constraint", "").strip()
        if text:
            words = {">=": ("không nhỏ hơn", "at least"), ">": ("lớn hơn", "more than"),
                     "<=": ("không lớn hơn", "at most"), "<": ("nhỏ hơn", "less than")}
            found = [_RANGE_RE.match(p.strip().strip("()"))
                     for p in re.split(r"\s+and\s+", text)]
            if not all(found):
                err(f"Dòng {n}: ràng buộc '{text}' không được hỗ trợ (chỉ . >= a and . <= b)")
                return
            for lang, i in (("vi", 0), ("en", 1)):
                said[lang] += "; " + ", ".join(
                    f"{words[m.group(1)][i]} {m.group(2).replace('.', ',')}" for m in found)
        q.hint = "\n".join(t for t in (q.hint, said["vi"] + ".") if t)
        q.hint_en = "\n".join(t for t in (q.hint_en, said["en"] + ".") if t)
        self.notices.append(f"Dòng {n}: câu '{q.code}' (decimal) in thành ô ghi số (ô lưới "
                            "chữ số không ghi được dấu phẩy): nhập liệu gõ lại số đã ghi, "
                            "khoảng giá trị in trong hướng dẫn")

    def _relevant(self, n: int, text: str) -> str | None:
        """A relevant condition in our grammar, names as written in the form; None if none
        or bad (then an error)."""
        if not text:
            return None
        try:
            cond = parse_condition(text, odk=True)
        except ConditionError as exc:
            self.errors.append(f"Dòng {n}: điều kiện relevant '{text}' không được hỗ trợ: {exc}")
            return None
        return format_condition(cond)

    def _check_refs(self) -> None:
        """Names in conditions take the case of the question they name; a cycle is reported
        once with its path."""
        graph: dict[str, list[str]] = {}
        rows = {}
        for n, q in self.questions:
            rows[q.code] = n
            if not q.relevant:
                continue
            cond = parse_condition(q.relevant)
            fixed = _rename(cond, {k: v for k, (_r, v) in self.names.items()})
            q.relevant = format_condition(fixed)
            graph[q.code] = sorted({code for _op, code, _v in _refs(fixed)})
        seen: set[str] = set()
        for start in graph:
            path = _cycle(start, graph, [])
            if path and path[0] not in seen:
                seen.update(path)
                self.errors.append(f"Dòng {rows[path[0]]}: điều kiện relevant tạo vòng lặp "
                                   + " → ".join([*path, path[0]]))


def _refs(cond):
    from fieldwork.forms.spec import references
    return references(cond)


def _rename(cond, names: dict[str, str]):
    """The condition with every question name in its declared case."""
    if cond[0] in ("and", "or"):
        return (cond[0], [_rename(c, names) for c in cond[1]])
    op, code, value = cond
    return (op, names.get(code.casefold(), code), value)


def _cycle(node: str, graph: dict[str, list[str]], path: list[str]) -> list[str] | None:
    if node in path:
        return path[path.index(node):]
    for nxt in graph.get(node, ()):
        found = _cycle(nxt, graph, [*path, node])
        if found:
            return found
    return None


def _constraint(n: int, q: Question, row: dict, err) -> None:
    text = row.get("constraint", "")
    if q.kind == "digits" and row.get("digits"):
        q.digits = _int(n, "digits", row["digits"], err)
    m = _REGEX_RE.match(text)
    if m and q.kind == "digits":
        q.digits = q.digits or int(m.group(1))
    elif text and q.kind == "digits":
        for part in re.split(r"\s+and\s+", text.strip()):
            r = _RANGE_RE.match(part.strip().strip("()"))
            if not r:
                err(f"Dòng {n}: ràng buộc '{text}' không được hỗ trợ (chỉ . >= a and . <= b)")
                return
            value = float(r.group(2))
            if r.group(1).startswith(">"):
                q.min = int(value) + (r.group(1) == ">" and value.is_integer())
            else:
                q.max = int(value) - (r.group(1) == "<" and value.is_integer())
    elif text:
        err(f"Dòng {n}: ràng buộc '{text}' không được hỗ trợ cho kiểu này")
    if q.kind == "digits" and q.digits is None:
        q.digits = len(str(q.max)) if q.max is not None and q.max >= 0 else DEFAULT_DIGITS


def _int(n: int, col: str, value: str, err) -> int | None:
    try:
        return int(float(value))
    except ValueError:
        err(f"Dòng {n}: cột '{col}' phải là số nguyên, gặp '{value}'")
        return None


def read_choices(sheet, default_lang: str, errors: list[str]) -> dict[str, list[Option]]:
    """The choice lists by name (``list_name`` or ``list name``)."""
    lists: dict[str, list[Option]] = {}
    for n, row in rows(sheet, default_lang):
        name, code = row.get("list_name"), row.get("name")
        if not name or not code:
            errors.append(f"Trang choices, dòng {n}: thiếu list_name (list name) hoặc name")
            continue
        if not row.get("label"):
            errors.append(f"Trang choices, dòng {n}: lựa chọn '{code}' chưa có nhãn tiếng Việt")
        lists.setdefault(name, []).append(Option(code, row.get("label", ""),
                                                 row.get("label_en", "")))
    return lists
