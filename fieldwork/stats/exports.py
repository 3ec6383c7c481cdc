"""Exports of approved sheets: CSV, XLSX, SPSS (.sav) and Stata (.dta) with a codebook.

One row per approved sheet, variable names = question codes. Single-choice answers are
numbered by option position (value labels carry the wording); a multiple-choice question
gives one 0/1 variable per option (``q02_reason_a``; ``q02_opt_other`` where the
plain name is a question of its own). Phone and citizen ID are left out
unless the acting user holds the right to identified exports.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("csv", "xlsx", "sav", "dta")
CONTACT_COLUMNS = {"phone": "phone", "citizen_id": "cid"}
SYSTEM = [("serial", "Số sê-ri phiếu"), ("version", "Phiên bản bảng hỏi"),
          ("agency", "Cơ quan"), ("field", "Lĩnh vực"), ("source", "Nguồn dữ liệu"),
          ("review_state", "Trạng thái duyệt"), ("enumerator", "Điều tra viên"),
          ("keyed_at", "Ngày nhập"), ("approved_at", "Ngày duyệt")]
CHOSEN = {0: "Không chọn", 1: "Có chọn"}


@dataclass
class Table:
    """A rectangular export: columns, rows, variable labels, value labels per column."""

    columns: list[str]
    rows: list[dict]
    labels: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict] = field(default_factory=dict)

    def codebook(self) -> list[dict]:
        """One line per variable (and per labelled value)."""
        out = []
        for col in self.columns:
            out.append({"variable": col, "label": self.labels.get(col, ""), "value": "",
                        "value_label": ""})
            for value, label in self.value_labels.get(col, {}).items():
                out.append({"variable": col, "label": "", "value": value, "value_label": label})
        return out


def build_table(questions, sheets: list[dict], identified: bool = False) -> Table:
    """The export table from questions (spec objects) and plain sheet dicts.

    Each sheet dict has the system columns, ``answers`` {code: [values]} and, when
    identified, ``phone`` and ``citizen_id`` in plain text.
    """
    columns = [c for c, _ in SYSTEM]
    labels = dict(SYSTEM)
    value_labels: dict[str, dict] = {}
    coders: dict[str, tuple] = {}
    questions = list(questions)
    codes = {q.code for q in questions}
    for q in questions:
        if q.code in CONTACT_COLUMNS:
            if identified:
                columns.append(q.code)
                labels[q.code] = q.text
            continue
        # A question named like a system column (the 2025 form's written agency and field)
        # keeps its code behind a "q_" prefix; the system column holds the assigned unit.
        name = f"q_{q.code}" if q.code in labels else q.code
        if q.kind == "multiple":
            for o in q.options:
                col = f"{q.code}_{o.code}"
                if col in codes:  # q02 option "other" vs the text question q02_other
                    col = f"{q.code}_opt_{o.code}"
                columns.append(col)
                labels[col] = f"{q.text}: {o.label}"[:250]
                value_labels[col] = dict(CHOSEN)
                coders[col] = ("chosen", q.code, o.code)
        elif q.kind == "single":
            columns.append(name)
            labels[name] = q.text[:250]
            value_labels[name] = {i: o.label for i, o in enumerate(q.options, 1)}
            coders[name] = ("single", q.code, {o.code: i for i, o in enumerate(q.options, 1)})
        else:
            columns.append(name)
            labels[name] = q.text[:250]
            coders[name] = ("text", q.code, None)
    rows = []
    for s in sheets:
        row = {c: s.get(c) for c, _ in SYSTEM}
        answers = s.get("answers", {})
        for col, (kind, code, extra) in coders.items():
            values = answers.get(code) or []
            if kind == "chosen":
                row[col] = 1 if extra in values else 0
            elif kind == "single":
                row[col] = extra.get(values[0]) if values else None
            else:
                row[col] = " ".join(str(v) for v in values)
        if identified:
            for code in CONTACT_COLUMNS:
                if code in columns:
                    row[code] = s.get(code, "")
        rows.append(row)
    return Table(columns, rows, labels, value_labels)


def _write_csv(rows: list[dict], columns: list[str], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def codebook_path(path: Path) -> Path:
    """The sidecar codebook of a .sav/.dta/.csv export."""
    return path.with_name(path.name + ".codebook.csv")


def write_table(table: Table, fmt: str, path: Path) -> list[Path]:
    """Write ``table`` as ``fmt`` to ``path`` (plus a codebook); return the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    path = Path(path)
    book = table.codebook()
    if fmt == "xlsx":
        from openpyxl import Workbook
        wb = Workbook()
        ws = wb.active
        ws.title = "data"
        ws.append(table.columns)
        for r in table.rows:
            ws.append([r.get(c) for c in table.columns])
        cb = wb.create_sheet("codebook")
        cb.append(["variable", "label", "value", "value_label"])
        for line in book:
            cb.append([line["variable"], line["label"], line["value"], line["value_label"]])
        wb.save(path)
        return [path]
    if fmt == "csv":
        _write_csv(table.rows, table.columns, path)
    else:
        _write_stat(table, fmt, path)
    side = codebook_path(path)
    _write_csv(book, ["variable", "label", "value", "value_label"], side)
    return [path, side]


def _write_stat(table: Table, fmt: str, path: Path) -> None:
    import pandas as pd
    import pyreadstat

    df = pd.DataFrame([[r.get(c) for c in table.columns] for r in table.rows],
                      columns=table.columns)
    for col in table.columns:
        if col in table.value_labels or col == "version":
            df[col] = pd.to_numeric(df[col]).astype("float64")
        else:
            df[col] = df[col].fillna("").astype(str)
    labels = [table.labels.get(c, "") for c in table.columns]
    values = {c: {float(k): v for k, v in vl.items()} for c, vl in table.value_labels.items()}
    if fmt == "sav":
        pyreadstat.write_sav(df, str(path), column_labels=labels,
                             variable_value_labels=values)
    else:
        # Stata labels are at most 80 characters and value labels attach to integers.
        pyreadstat.write_dta(df, str(path), column_labels=[x[:80] for x in labels],
                             variable_value_labels=values, version=15)


# -- the thin database part -------------------------------------------------------------

def _iso(moment) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def survey_questions(survey, sheets) -> list:
    """Questions of every version the sheets use, in version order, each code once."""
    seen: dict = {}
    for version in sorted({s.version for s in sheets}, key=lambda v: v.number):
        for q in version.questionnaire.questions():
            seen.setdefault(q.code, q)
    if not seen:
        from sqlalchemy import select

        from ..extensions import db
        from ..forms.models import QuestionnaireVersion
        latest = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.survey_id == survey.id)
            .order_by(QuestionnaireVersion.number.desc())).first()
        if latest is not None:
            seen = {q.code: q for q in latest.questionnaire.questions()}
    return list(seen.values())


def export_table(survey, identified: bool = False) -> Table:
    """The export table of the survey's approved sheets (contacts decrypted if identified)."""
    from sqlalchemy import select

    from ..directory.models import Field
    from ..entry.sources import approved_sheets
    from ..extensions import db
    from ..forms.models import format_serial
    from ..privacy.access import reveal

    sheets = list(db.session.scalars(approved_sheets(survey)))
    fields = {f.id: f.name for f in db.session.scalars(select(Field))}
    plain = []
    for s in sheets:
        row = {"serial": format_serial(s.serial), "version": s.version.number,
               "agency": s.agency.name if s.agency else "", "field": fields.get(s.field_id, ""),
               "source": str(s.source), "review_state": str(s.review_state),
               "enumerator": s.enumerator.name if s.enumerator else "",
               "keyed_at": _iso(s.created_at), "approved_at": _iso(s.approved_at),
               "answers": {a.question: list(a.values) for a in s.answers
                           if a.question not in CONTACT_COLUMNS}}
        if identified:
            row["phone"] = reveal("phone", s.phone_enc, True)
            row["citizen_id"] = reveal("cid", s.cid_enc, True)
        plain.append(row)
    return build_table(survey_questions(survey, sheets), plain, identified)


def export_survey(survey, fmt: str, path, user, identified: bool = False) -> list[Path]:
    """Write the export, refusing identified data to users without the right; audited."""
    from .. import audit
    from ..errors import OperationError
    from ..privacy.access import can_export_identified

    if fmt not in FORMATS:
        raise OperationError(f"unknown format '{fmt}'; choose one of {', '.join(FORMATS)}")
    if identified and not can_export_identified(user, survey):
        raise OperationError("identified export refused: this user holds no right to "
                             "respondents' contact data for this survey")
    path = Path(path)
    if not path.parent.is_dir():
        raise OperationError(f"cannot write '{path}': the folder {path.parent} does not exist")
    table = export_table(survey, identified)
    try:
        written = write_table(table, fmt, path)
    except OSError as exc:
        raise OperationError(f"cannot write '{path}': {exc.strerror or exc}") from None
    except Exception as exc:  # pyreadstat reports unwritable files with its own error type
        if type(exc).__name__ != "PyreadstatError":
            raise
        raise OperationError(f"cannot write '{path}': {exc}") from None
    audit.record(user or "cli", "stats.export", survey, after={
        "format": fmt, "identified": identified, "rows": len(table.rows),
        "columns": len(table.columns), "file": Path(path).name})
    return written
