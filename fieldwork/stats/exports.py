"""Exports of a survey's dataset: CSV, XLSX, SPSS (.sav) and Stata (.dta) with a codebook.

The rows are the statistics' rows (``dataset.dataset`` under the same ``Filter`` as
``fieldwork stats``: by default the independent survey, each dossier once within its source),
so an export reproduces ``fieldwork stats``: its ``satisfied`` column gives the same n and
rate, and its codebook names the same snapshot id and the view. Beside each row the full
answers are read from where it came from (approved sheet, online answer, imported
record). Phone and citizen ID are left out and free text is masked unless the acting user
holds the right to identified exports. The table and the files are built by pure functions
(``export_table``, ``export_writers``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from .export_table import (  # noqa: F401 - the export's public names
    CODEBOOK_COLUMNS,
    SYSTEM,
    Table,
    Variable,
    build_table,
)
from .export_writers import FORMATS, codebook_path, write_table  # noqa: F401

CONTACT_COLUMNS = {"phone": "phone", "citizen_id": "cid"}
NO_ROWS = ("Khảo sát chưa có câu trả lời nào được tính (chưa có phiếu được duyệt): tệp chỉ "
           "có tên biến, nhãn và sổ mã.")


@dataclass
class Export:
    """What an export wrote: the files, the number of rows and the dataset's snapshot id."""

    files: list[Path]
    rows: int
    snapshot: str


def merge_questions(questionnaires) -> list:
    """Questions of several versions (oldest first), each code once: the first wording,
    with the options later versions added appended."""
    seen: dict = {}
    for qn in questionnaires:
        for q in qn.questions():
            if q.code not in seen:
                seen[q.code] = dataclasses.replace(q, options=list(q.options))
                continue
            known = {o.code for o in seen[q.code].options}
            seen[q.code].options += [o for o in q.options if o.code not in known]
    return list(seen.values())


# -- the thin database part -------------------------------------------------------------

def _entry_records(survey, identified: bool, versions: dict) -> dict:
    from sqlalchemy.orm import selectinload

    from ..entry.models import EntrySheet
    from ..entry.sources import approved_sheets
    from ..extensions import db
    from ..forms.models import format_serial
    from ..privacy.access import reveal

    out = {}
    query = approved_sheets(survey).options(
        selectinload(EntrySheet.answers), selectinload(EntrySheet.version),
        selectinload(EntrySheet.enumerator))
    from .read import CHANNEL_OF_SHEET

    for s in db.session.scalars(query):
        versions[s.version.number] = s.version
        channel = CHANNEL_OF_SHEET.get(str(s.source), "paper_keyed")
        rec = {"serial": format_serial(s.serial), "review_state": str(s.review_state),
               "enumerator": s.enumerator.name if s.enumerator else None,
               "keyed_at": s.created_at, "approved_at": s.approved_at,
               "answers": {a.question: list(a.values) for a in s.answers
                           if a.question not in CONTACT_COLUMNS}}
        if identified:
            rec["phone"] = reveal("phone", s.phone_enc, True)
            rec["citizen_id"] = reveal("cid", s.cid_enc, True)
        out[(channel, s.serial)] = rec
    return out


def _online_records(survey, identified: bool, versions: dict) -> dict:
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from ..extensions import db
    from ..online.models import OnlineResponse
    from ..privacy.access import reveal

    out = {}
    for r in db.session.scalars(select(OnlineResponse).where(
            OnlineResponse.survey_id == survey.id).options(
            selectinload(OnlineResponse.version)).order_by(OnlineResponse.id)):
        versions[r.version.number] = r.version
        channel = str(r.channel)
        serial = f"{'web' if channel == 'online' else 'kiosk'}-{r.id}"
        rec = {"serial": serial, "keyed_at": r.created_at,
               "answers": {k: v for k, v in (r.answers or {}).items()
                           if k not in CONTACT_COLUMNS}}
        if identified:
            rec["phone"] = reveal("phone", r.phone_enc, True)
            rec["citizen_id"] = reveal("cid", r.cid_enc, True)
        out[(channel, serial)] = rec
    return out


def _imported_records(survey) -> dict:
    from sqlalchemy import select

    from ..extensions import db
    from ..imports.models import ImportedResponse, ImportRun

    out = {}
    for r, imported_at in db.session.execute(
            select(ImportedResponse, ImportRun.created_at).join(
                ImportRun, ImportRun.id == ImportedResponse.run_id).where(
                ImportedResponse.survey_id == survey.id)):
        serial = f"{r.source}-{r.id}"
        out[(str(r.channel), serial)] = {"serial": serial, "import_comment": r.comment,
                                         "keyed_at": imported_at}
    return out


def _questions(survey, versions: dict) -> list:
    """Every version the rows use, oldest first; the newest version when there is none."""
    if not versions:
        from sqlalchemy import select

        from ..extensions import db
        from ..forms.models import QuestionnaireVersion
        latest = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.survey_id == survey.id)
            .order_by(QuestionnaireVersion.number.desc())).first()
        if latest is not None:
            versions[latest.number] = latest
    return merge_questions(versions[n].questionnaire for n in sorted(versions))


def export_table(survey, identified: bool = False, flt=None) -> Table:
    """The export table of the survey's dataset rows under ``flt`` (the statistics' rows of
    the same filter; default: the independent survey)."""
    from .dataset import REASON_ITEMS, dataset, snapshot_id
    from .filters import Filter

    flt = flt or Filter()
    data = dataset(survey, flt)
    rows = data.rows
    versions: dict = {}
    records = _entry_records(survey, identified, versions)
    records.update(_online_records(survey, identified, versions))
    records.update(_imported_records(survey))
    questions = _questions(survey, versions)
    reason = next((q.code for q in questions if q.code in REASON_ITEMS), None)
    sheets = []
    for row in rows:
        rec = records.get((row["channel"], row["serial"]), {})
        answers = rec.get("answers")
        if answers is None:  # an imported record: its reasons in the form's codes
            answers = {reason: row["reasons"]} if reason and row.get("reasons") else {}
        sheets.append({**rec, "serial": rec.get("serial", row["serial"]),
                       "version": row.get("version"), "agency": row.get("agency"),
                       "field": row.get("field"), "channel": row["channel"],
                       "source": row.get("source"), "date": row.get("date"),
                       "satisfied": row.get("satisfied"), "answers": answers})
    notes = [] if rows else [NO_ROWS]
    if data.duplicates:
        notes.append(f"{len(data.duplicates)} câu trả lời sau của cùng một hồ sơ trong cùng "
                     "nguồn không được tính (như thống kê; xem fieldwork stats --json, mục "
                     "duplicates).")
    if flt.combined:
        notes.append("Kết quả gộp các nguồn (" + ", ".join(data.view_sources) + "): mỗi dòng "
                     "ghi nguồn của nó; không phải kết quả của riêng khảo sát độc lập.")
    facts = {"survey": survey.code, "snapshot": snapshot_id(rows), "view": flt.view,
             "channels": " ".join(sorted(flt.channels)) if flt.channels else "all",
             "agency": flt.agency, "field": flt.field,
             "from": flt.date_from.isoformat() if flt.date_from else None,
             "to": flt.date_to.isoformat() if flt.date_to else None, "notes": notes}
    return build_table(questions, sheets, identified, facts)


def export_survey(survey, fmt: str, path, user, identified: bool = False,
                  flt=None) -> Export:
    """Write the export of the dataset under ``flt`` (default: the independent survey),
    refusing identified data to users without the right; audited."""
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
    try:
        table = export_table(survey, identified, flt)
    except ValueError as exc:  # a filter the survey cannot answer (FilterError)
        raise OperationError(str(exc)) from None
    try:
        written = write_table(table, fmt, path)
    except OSError as exc:
        raise OperationError(f"cannot write '{path}': {exc.strerror or exc}") from None
    except Exception as exc:  # pyreadstat reports unwritable files with its own error types
        if type(exc).__name__ not in ("PyreadstatError", "ReadstatError"):
            raise
        raise OperationError(f"cannot write '{path}': {exc}") from None
    audit.record(user or "cli", "stats.export", survey, after={
        "format": fmt, "identified": identified, "rows": len(table.rows),
        "columns": len(table.columns), "file": Path(path).name,
        "snapshot": table.meta["snapshot"], "view": table.meta["view"],
        "filter": flt.to_dict() if flt is not None else None})
    return Export(written, len(table.rows), table.meta["snapshot"])
