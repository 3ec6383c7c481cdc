"""Frame imports (dry run, idempotent, bulk), dossier counts into the plan, and draws.

Each function checks the role and the survey, flushes and audits; the caller commits, or
rolls back on :class:`OperationError` so that nothing is half-saved.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from itertools import islice
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import Integer, cast, func, insert, select

from ..audit.operations import record
from ..auth.roles import RoleName
from ..directory.models import Field
from ..directory.operations import known_names
from ..errors import OperationError
from ..extensions import db
from ..imports.operations import ImportReport, file_sha256, layout_audit
from ..imports.tabular import TabularError, guess, open_table, parse_rows
from ..plans.models import SurveyStatus
from ..plans.operations import require
from .fields import frame_fields, is_late, row_rule
from .models import FrameDossier, FrameImport

CHUNK = 2000


@dataclass
class FrameReport(ImportReport):
    """What a frame import did (or, in a dry run, would do)."""

    unused: list[str] = field(default_factory=list)  # columns of the file not mapped
    late: int = 0
    run: FrameImport | None = None


def open_survey(survey) -> None:
    """Refuse when the survey is closed."""
    if survey.status == SurveyStatus.CLOSED:
        raise OperationError(_("Survey %(code)s is closed; nothing can change any more.",
                               code=survey.code))


def field_specs():
    """The field specs of a dossier list, with the directory's agencies and fields."""
    fields = db.session.execute(select(Field.id, Field.code, Field.name)).all()
    return frame_fields(known_names(), fields)


def open_list(stream, name: str, header_row=None, found=None):
    """(table, field specs) of an uploaded dossier list, its header found among its rows."""
    found = found or field_specs()
    return open_table(stream, name, found, header_row), found


def specs(mapping: dict[str, str] | None, headers: list[str], found=None, layout=None):
    """(mapping, field specs) of a dossier list; the mapping is guessed when None (columns
    that name a field equally well are noted in ``layout`` and left to the user)."""
    found = found or field_specs()
    if mapping is None:
        mapping, ambiguous = guess(headers, found)
        if layout is not None:
            layout.ambiguous = ambiguous
    return mapping, found


def _chunks(iterable, size):
    it = iter(iterable)
    while chunk := list(islice(it, size)):
        yield chunk


def _digest(values: dict) -> bytes:
    """16 bytes identifying a row's whole content (to tell a repeat from a conflict)."""
    text = "\x1f".join(f"{k}={values[k]}" for k in sorted(values))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _existing_codes(survey_id: int) -> set[str]:
    rows = db.session.execute(select(FrameDossier.code).where(
        FrameDossier.survey_id == survey_id).execution_options(yield_per=5000)).scalars()
    return set(rows)


def _row(survey_id: int, run_id: int, values: dict, ring) -> dict:
    """The insert values of a good row, personal data encrypted with blind indexes."""
    phone, cid, name = values.get("phone"), values.get("cid"), values.get("name")
    return {
        "survey_id": survey_id, "import_id": run_id, "code": values["code"],
        "agency_id": values["agency"], "field_id": values.get("field"),
        "procedure": values.get("procedure") or "", "received_on": values["received_on"],
        "returned_on": values["returned_on"], "due_on": values.get("due_on"),
        "late": is_late(values),
        "name_enc": ring.encrypt(name) if name else None,
        "phone_enc": ring.encrypt(phone) if phone else None,
        "phone_index": ring.blind_index("phone", phone) if phone else None,
        "cid_enc": ring.encrypt(cid) if cid else None,
        "cid_index": ring.blind_index("cid", cid) if cid else None,
    }


def _pass(survey, stream, name, mapping, report, run_id=None, progress=None,
          header_row=None) -> None:
    """Read the file once: count (and with ``run_id`` insert) new, duplicate and bad rows;
    ``progress(rows_read)`` after each chunk."""
    from ..privacy.crypto import keyring

    stream.seek(0)
    table, fields = open_list(stream, name, header_row)
    mapping, fields = specs(mapping, table.headers, fields, table.layout)
    report.file_format, report.encoding = table.kind, table.encoding
    report.headers, report.mapping, report.layout = table.headers, mapping, table.layout
    used = set(mapping.values())
    report.unused = [h for h in table.headers if h and h not in used]
    report.read = report.new = report.late = report.duplicates = report.rejected = 0
    report.errors, report.unknown_agencies = [], {}
    ring = keyring() if run_id is not None else None
    existing = _existing_codes(survey.id)
    in_file: dict[str, tuple[int, bytes]] = {}
    rows = parse_rows(table, mapping, fields, rule=row_rule, number_repeats=False)
    for chunk in _chunks(rows, CHUNK):
        fresh = []
        for r in chunk:
            report.read += 1
            if not r.ok:
                report.reject_row(r)
                continue
            code = r.values["code"]
            digest = _digest(r.values)
            first = in_file.get(code)
            if first is not None:
                if first[1] == digest:
                    report.duplicates += 1
                else:
                    report.rejected += 1
                    report.reject(r.line, "code", _(
                        "Dossier code %(code)s appears again with different data (first at "
                        "row %(line)d).", code=code, line=first[0]))
                continue
            in_file[code] = (r.line, digest)
            if code in existing:
                report.duplicates += 1
                continue
            fresh.append(r)
        report.new += len(fresh)
        report.late += sum(is_late(r.values) for r in fresh)
        if run_id is not None and fresh:
            db.session.execute(insert(FrameDossier),
                               [_row(survey.id, run_id, r.values, ring) for r in fresh])
        if progress is not None:
            progress(report.read)


def import_frame(survey, stream: BinaryIO, data: dict, user, progress=None) -> FrameReport:
    """Import a dossier list: {name, mapping?, header_row?, dry_run?, skip_invalid?}.

    A dry run only reports. A real run adds nothing if any row is rejected, unless
    ``skip_invalid``; dossier codes already in the frame are skipped as duplicates, so the
    same file imported twice adds nothing. Flushes and audits; the caller commits.
    ``progress(step, rows_read)`` is told how far each pass ("check", "store") has come.
    """
    require(user, RoleName.MANAGER)
    open_survey(survey)
    name = (data.get("name") or "upload").strip()[:255]
    report = FrameReport(file_name=name, sha256=file_sha256(stream))
    try:
        _pass(survey, stream, name, data.get("mapping"), report,
              progress=progress and (lambda n: progress("check", n)),
              header_row=data.get("header_row"))
        if data.get("dry_run") or (report.rejected and not data.get("skip_invalid")):
            return report
        checked = report.new  # a second pass only when there is something to add
        actor = user if not isinstance(user, str) else None
        run = FrameImport(survey_id=survey.id, file_name=name, file_sha256=report.sha256,
                          file_format=report.file_format, encoding=report.encoding,
                          mapping=report.mapping, created_by_id=getattr(actor, "id", None),
                          created_by_label=getattr(actor, "email", None) or str(user))
        db.session.add(run)
        db.session.flush()
        if checked:
            _pass(survey, stream, name, report.mapping, report, run_id=run.id,
                  progress=progress and (lambda n: progress("store", n)),
                  header_row=data.get("header_row"))
    except TabularError as exc:
        raise OperationError(str(exc)) from None
    except UnicodeDecodeError:
        raise OperationError(_("The file's text encoding could not be read.")) from None
    run.rows_read, run.rows_added = report.read, report.new
    run.rows_duplicate, run.rows_rejected = report.duplicates, report.rejected
    report.added, report.committed, report.run = report.new, True, run
    db.session.flush()
    record(user, "frames.import", run, after={
        "survey": survey.code, "file": name, "sha256": report.sha256, "read": report.read,
        "added": report.added, "late": report.late, "duplicates": report.duplicates,
        "rejected": report.rejected, **layout_audit(report.layout)})
    return report


def counts(survey) -> dict[tuple[int, int | None], tuple[int, int]]:
    """{(agency id, field id): (dossiers, late dossiers)} of the survey's frame."""
    rows = db.session.execute(
        select(FrameDossier.agency_id, FrameDossier.field_id, func.count(),
               func.sum(cast(FrameDossier.late, Integer)))
        .where(FrameDossier.survey_id == survey.id)
        .group_by(FrameDossier.agency_id, FrameDossier.field_id)).all()
    return {(a, f): (n, int(late or 0)) for a, f, n, late in rows}


def scope_count(frame: dict, agency_id: int, field_id: int | None) -> int | None:
    """The frame's N for a scope row (an agency, or one field of it); None if not in it."""
    found = [n for (a, f), (n, _late) in frame.items()
             if a == agency_id and (field_id is None or f == field_id)]
    return sum(found) if any(a == agency_id for (a, _f) in frame) else None
