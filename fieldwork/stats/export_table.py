"""The export table: questionnaire metadata and dataset rows in, typed variables out (pure).

One row per counted answer (the statistics' rows), one variable per system column and per
question: single choice as integer codes with value labels (a 1-5 scale keeps its numbers,
"not applicable" is a declared missing code), multiple choice as one 0/1 variable per option
whose label names the option, digit grids as integers, dates as dates, free text as text
(masked in a de-identified table). Names fit SPSS and Stata (at most 28 characters).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

from ..privacy.mask import CONTACT_QUESTIONS, mask_free_text
from .breakdowns import answer_date

VIETNAM = timezone(timedelta(hours=7), "ICT")
MAX_NAME = 28  # Stata allows 32; pyreadstat names a value-label set name + position
CHOSEN = {0: "Không chọn", 1: "Có chọn"}
SATISFIED = {1: "Hài lòng", 0: "Chưa hài lòng"}
NOT_APPLICABLE = ("na",)
# Sources of the channels, for rows that do not carry their source yet.
SOURCE_OF_CHANNEL = {"paper_omr": "independent", "paper_keyed": "independent",
                     "interview": "independent", "online": "city_online",
                     "kiosk": "city_online", "call_centre": "call_centre"}


@dataclass
class Variable:
    """One column: its name, full label, type (string, integer, date, datetime), measurement
    level (nominal, ordinal, scale), value labels and declared missing codes."""

    name: str
    label: str
    kind: str = "string"
    measure: str = "nominal"
    value_labels: dict[int, str] = field(default_factory=dict)
    missing: tuple[int, ...] = ()
    option: str = ""  # the option a 0/1 variable stands for (kept whole in short labels)

    def short_label(self, max_chars: int | None = None, max_bytes: int | None = None) -> str:
        """The label within a format's limit: the question part is shortened, never the
        option of a 0/1 variable (an option too long on its own stands alone, cut)."""
        return fit_label(self.label, self.option, max_chars, max_bytes)


@dataclass
class Table:
    """A rectangular export: variables, rows (dicts of typed values) and dataset facts."""

    variables: list[Variable]
    rows: list[dict]
    meta: dict = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """The variable names in order."""
        return [v.name for v in self.variables]

    def codebook(self) -> list[dict]:
        """Dataset facts (``_survey``, ``_snapshot``, ...), then one line per variable and
        per labelled value, with the full labels."""
        out = [{"variable": f"_{k}", "label": str(v)} for k, v in self.meta.items()
               if v is not None and not isinstance(v, list | dict)]
        out += [{"variable": "_note", "label": n} for n in self.meta.get("notes", [])]
        for v in self.variables:
            out.append({"variable": v.name, "label": v.label, "type": v.kind,
                        "measure": v.measure,
                        "missing": " ".join(str(m) for m in v.missing)})
            out += [{"variable": v.name, "value": k, "value_label": text}
                    for k, text in v.value_labels.items()]
        return out


CODEBOOK_COLUMNS = ("variable", "label", "type", "measure", "missing", "value", "value_label")

SYSTEM = [
    Variable("serial", "Số sê-ri phiếu (hoặc mã bản ghi)"),
    Variable("source", "Nguồn dữ liệu (independent: khảo sát độc lập; city_online: phần mềm "
                       "khảo sát trực tuyến của thành phố; call_centre: tổng đài 1022)"),
    Variable("channel", "Kênh thu thập (paper_omr, paper_keyed, online, kiosk, call_centre)"),
    Variable("version", "Phiên bản bảng hỏi", "integer"),
    Variable("agency", "Cơ quan, đơn vị"),
    Variable("field", "Lĩnh vực"),
    Variable("review_state", "Trạng thái duyệt"),
    Variable("enumerator", "Điều tra viên"),
    Variable("date", "Ngày khảo sát (ngày ghi trên phiếu, nếu không có thì ngày nhận)",
             "date", "scale"),
    Variable("keyed_at", "Thời điểm nhận/nhập (giờ Việt Nam)", "datetime", "scale"),
    Variable("approved_at", "Thời điểm duyệt (giờ Việt Nam)", "datetime", "scale"),
    Variable("satisfied", "Hài lòng chung (câu hỏi chung của phiếu, như thống kê tính)",
             "integer", "nominal", dict(SATISFIED)),
    Variable("import_comment", "Góp ý trong tệp nhập (trực tuyến, tổng đài)"),
]


def fit_label(label: str, option: str = "", max_chars: int | None = None,
              max_bytes: int | None = None) -> str:
    """``label`` cut to ``max_chars`` characters and ``max_bytes`` UTF-8 bytes; when it ends
    with ``": " + option`` only the part before is cut (marked "…")."""
    def fits(text: str) -> bool:
        return ((max_chars is None or len(text) <= max_chars)
                and (max_bytes is None or len(text.encode("utf-8")) <= max_bytes))

    if fits(label):
        return label
    tail = f": {option}" if option and label.endswith(f": {option}") else ""
    head = label[:len(label) - len(tail)] if tail else label
    while head and not fits(head.rstrip() + "…" + tail):
        head = head[:-1]
    if head.strip():
        return head.rstrip() + "…" + tail
    text = option or label  # no room for the question at all: the option alone
    while text and not fits(text):
        text = text[:-2] + "…"
    return text


def local_time(moment) -> datetime | None:
    """A stored moment (UTC, naive or aware; or its ISO text) as Vietnam local time without
    a zone."""
    if isinstance(moment, str) and moment:
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return None
    if not isinstance(moment, datetime):
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(VIETNAM).replace(tzinfo=None, microsecond=0)


def as_date(value) -> date | None:
    """A date, datetime or ISO text as a date; None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


class _Names:
    """Unique variable names of at most ``MAX_NAME`` characters."""

    def __init__(self, taken):
        self.taken = set(taken)

    def add(self, wanted: str, fallback: str | None = None) -> str:
        for name in (wanted, fallback):
            if name and len(name) <= MAX_NAME and name not in self.taken:
                self.taken.add(name)
                return name
        base = fallback or wanted
        digest = hashlib.sha256(base.encode()).hexdigest()
        for k in range(len(digest) - 6):
            name = f"{base[:MAX_NAME - 7]}_{digest[k:k + 6]}"
            if name not in self.taken:
                self.taken.add(name)
                return name
        raise ValueError(f"no free variable name for {wanted!r}")


def _single_codes(q) -> tuple[dict[str, int], tuple[int, ...], str]:
    """Option code -> number, the missing codes and the measure of a single-choice item."""
    valid = [o.code for o in q.options if o.code not in NOT_APPLICABLE]
    if valid and all(c.isdigit() for c in valid):
        codes = {c: int(c) for c in valid}
        top = max(codes.values())
        na = 9 if top < 9 else 99 if top < 99 else 999
        missing = []
        for o in q.options:
            if o.code in NOT_APPLICABLE:
                codes[o.code] = na
                missing.append(na)
                na += 1
        return codes, tuple(missing), "ordinal"
    return {o.code: i for i, o in enumerate(q.options, 1)}, (), "nominal"


def build_table(questions, sheets: list[dict], identified: bool = False,
                meta: dict | None = None) -> Table:
    """The export table from questions (spec objects, every version's merged) and rows.

    Each row dict may have the ``SYSTEM`` names (``date``: date or ISO text, ``keyed_at`` and
    ``approved_at``: stored UTC moments, ``satisfied``: bool or None), ``answers``
    {code: [values]} and, when identified, ``phone`` and ``citizen_id`` in plain text.
    """
    variables = [Variable(v.name, v.label, v.kind, v.measure, dict(v.value_labels))
                 for v in SYSTEM]
    names = _Names(v.name for v in variables)
    codes = {q.code for q in questions}
    coders: list[tuple] = []
    for q in questions:
        if q.code in CONTACT_QUESTIONS:
            if identified:
                variables.append(Variable(names.add(q.code, f"q_{q.code}"), q.text))
                coders.append(("contact", q.code, None))
            continue
        # A question named like a system column (the 2025 form's written agency and field)
        # keeps its code behind a "q_" prefix; the system column holds the assigned unit.
        if q.kind == "multiple":
            for o in q.options:
                wanted = f"{q.code}_{o.code}"
                fallback = f"{q.code}_opt_{o.code}"
                name = names.add(fallback if wanted in codes else wanted, fallback)
                variables.append(Variable(name, f"{q.text}: {o.label}", "integer", "nominal",
                                          dict(CHOSEN), option=o.label))
                coders.append(("chosen", q.code, o.code))
            continue
        name = names.add(q.code, f"q_{q.code}")
        if q.kind == "single":
            mapping, missing, measure = _single_codes(q)
            labels = {mapping[o.code]: o.label for o in q.options}
            variables.append(Variable(name, q.text, "integer", measure, labels, missing))
            coders.append(("single", q.code, (mapping, variables[-1])))
        elif q.kind == "date":
            variables.append(Variable(name, q.text, "date", "scale"))
            coders.append(("date", q.code, None))
        elif q.kind == "digits" and (q.digits or 0) <= 15:
            variables.append(Variable(name, q.text, "integer", "scale"))
            coders.append(("number", q.code, None))
        else:
            variables.append(Variable(name, q.text))
            coders.append(("text" if q.kind == "text" else "digits", q.code, None))
    names_of = [v.name for v in variables[len(SYSTEM):]]
    rows = [_row(s, coders, names_of, identified) for s in sheets]
    notes = list((meta or {}).get("notes", []))
    unknown = [v.name for v in variables if any(k < 0 for k in v.value_labels)]
    if unknown:
        notes.append("Giá trị ngoài danh sách lựa chọn (mã âm): " + ", ".join(unknown))
    return Table(variables, rows, {**(meta or {}), "rows": len(rows),
                                   "identified": int(identified), "notes": notes})


def _row(s: dict, coders, names, identified: bool) -> dict:
    row = {"serial": s.get("serial"), "version": s.get("version"),
           "agency": s.get("agency"), "field": s.get("field"),
           "channel": s.get("channel"), "review_state": s.get("review_state"),
           "enumerator": s.get("enumerator"), "date": as_date(s.get("date")),
           "keyed_at": local_time(s.get("keyed_at")),
           "approved_at": local_time(s.get("approved_at"))}
    row["source"] = s.get("source") or SOURCE_OF_CHANNEL.get(row["channel"])
    flag = s.get("satisfied")
    row["satisfied"] = None if flag is None else int(bool(flag))
    comment = s.get("import_comment") or None
    row["import_comment"] = (mask_free_text(comment) if comment and not identified
                             else comment)
    answers = s.get("answers") or {}
    for name, (kind, code, extra) in zip(names, coders, strict=True):
        values = [v for v in answers.get(code) or [] if v not in (None, "")]
        if kind == "chosen":
            row[name] = (1 if extra in values else 0) if values else None
        elif kind == "single":
            row[name] = _code(values[0], *extra) if values else None
        elif kind == "date":
            row[name] = answer_date(values)
        elif kind == "number":
            text = "".join(str(v) for v in values)
            row[name] = int(text) if text.isdigit() else None
        elif kind == "contact":
            row[name] = s.get(code) or None
        elif kind == "digits":
            row[name] = "".join(str(v) for v in values) or None
        else:
            text = " ".join(str(v) for v in values) or None
            row[name] = mask_free_text(text) if text and not identified else text
    return row


def _code(value, mapping: dict, variable: Variable) -> int:
    """The number of an option; a value no version lists gets its own negative code (kept,
    labelled with the value itself, and named in the notes) rather than being dropped."""
    if value in mapping:
        return mapping[value]
    number = -1 - sum(1 for k in variable.value_labels if k < 0)
    mapping[value] = number
    variable.value_labels[number] = str(value)
    return number
