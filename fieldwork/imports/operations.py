"""Importing online / call-centre results: dry run and commit, idempotent, audited."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from itertools import islice
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import insert, select

from ..audit.operations import record
from ..auth.roles import RoleName
from ..directory.operations import known_names
from ..errors import OperationError
from ..extensions import db
from ..plans.models import SurveyStatus
from ..plans.operations import require
from .models import Channel, ImportedResponse, ImportRun
from .reasons import letters_in, parse_letter_mapping
from .results import result_fields, row_rule
from .tabular import Layout, TabularError, guess, open_table, parse_rows

CHUNK = 2000
MAX_ERRORS = 500  # rows listed in a report; the counts are always complete


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    file_name: str
    sha256: str
    file_format: str = ""
    encoding: str | None = None
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    read: int = 0
    new: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # line, field, message
    layout: Layout | None = None  # header rows, rows skipped above and below, zeros put back
    added: int = 0
    committed: bool = False
    run: ImportRun | None = None

    unknown_agencies: dict[str, int] = field(default_factory=dict)  # name as written -> rows
    letters: dict[str, str] = field(default_factory=dict)  # reason letter -> code, as given
    unmapped_letters: dict[str, int] = field(default_factory=dict)  # letter -> rows

    def reject(self, line: int, fname: str, msg: str) -> None:
        """List a bad row's problem (the first MAX_ERRORS; ``rejected`` counts rows)."""
        if len(self.errors) < MAX_ERRORS:
            self.errors.append((line, fname, msg))

    def reject_row(self, row) -> None:
        """Count a rejected row, list its problems, note an agency name nobody knows."""
        self.rejected += 1
        for fname, msg in row.errors.items():
            self.reject(row.line, fname, msg)
        if name := row.unknown.get("agency"):
            self.unknown_agencies[name] = self.unknown_agencies.get(name, 0) + 1
        if cell := row.unknown.get("reasons"):
            for x in letters_in(cell):
                if x not in self.letters:
                    self.unmapped_letters[x] = self.unmapped_letters.get(x, 0) + 1


def file_sha256(stream: BinaryIO) -> str:
    """sha256 of a whole stream (then rewound)."""
    h = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(1 << 20):
        h.update(chunk)
    stream.seek(0)
    return h.hexdigest()


def fields_for(mapping: dict[str, str] | None, headers: list[str], layout=None,
               letters: dict[str, str] | None = None):
    """(mapping, field specs) for a results file; the mapping is guessed when None (columns
    that name a field equally well are noted in ``layout`` and left to the user); reason
    letters are read through ``letters`` only."""
    agencies = known_names()
    if mapping is None:
        mapping, ambiguous = guess(headers, result_fields(agencies))
        if layout is not None:
            layout.ambiguous = ambiguous
    return mapping, result_fields(agencies, keyed=bool(mapping.get("source_id")),
                                  letters=letters)


def open_results(stream, name: str, header_row=None):
    """An uploaded results file as a table, its header found among its rows."""
    return open_table(stream, name, result_fields(known_names()), header_row)


def layout_audit(layout: Layout | None) -> dict:
    """What the audit entry of an import keeps of the table's shape."""
    if layout is None:
        return {}
    return {"header_rows": layout.header_lines, "title_rows": len(layout.title_rows),
            "footer_rows": len(layout.footer_rows), "zeros_restored": dict(layout.restored)}


def _letters(given) -> dict[str, str]:
    """A letter mapping as given ({letter: code} or "a=reason_a; đ=...") checked."""
    if not given:
        return {}
    try:
        if isinstance(given, str):
            return parse_letter_mapping(given)
        return parse_letter_mapping("; ".join(f"{k}={v}" for k, v in given.items()))
    except ValueError as exc:
        raise OperationError(str(exc)) from None


def _chunks(iterable, size):
    it = iter(iterable)
    while chunk := list(islice(it, size)):
        yield chunk


def _existing(survey_id: int, channel: Channel) -> set[bytes]:
    """Fingerprints already imported for this survey and channel, as 16-byte prefixes.

    One streamed query instead of a lookup per chunk: an IN list of thousands of values
    is slow on PostgreSQL without fresh statistics, and 16 bytes a row stays small."""
    rows = db.session.execute(select(ImportedResponse.fingerprint).where(
        ImportedResponse.survey_id == survey_id, ImportedResponse.channel == channel)
        .execution_options(yield_per=5000)).scalars()
    return {bytes.fromhex(fp)[:16] for fp in rows}


def _pass(survey, channel, stream, name, mapping, report, run_id=None,
          header_row=None) -> None:
    """Read the file once: count (and with ``run_id`` insert) new, duplicate and bad rows."""
    stream.seek(0)
    table = open_results(stream, name, header_row)
    mapping, fields = fields_for(mapping, table.headers, table.layout, report.letters)
    report.file_format, report.encoding = table.kind, table.encoding
    report.headers, report.mapping, report.layout = table.headers, mapping, table.layout
    report.read = report.new = report.duplicates = report.rejected = 0
    report.errors, report.unknown_agencies, report.unmapped_letters = [], {}, {}
    keyed = any(f.name == "source_id" and f.identity for f in fields)
    rows = parse_rows(table, mapping, fields, salt=channel.value, rule=row_rule,
                      number_repeats=not keyed)
    seen = _existing(survey.id, channel)
    for chunk in _chunks(rows, CHUNK):
        good = [r for r in chunk if r.ok]
        report.read += len(chunk)
        for r in chunk:
            if not r.ok:
                report.reject_row(r)
        fresh = []
        for r in good:  # a repeat inside the file counts as a duplicate too
            key = bytes.fromhex(r.fingerprint)[:16]
            if key not in seen:
                seen.add(key)
                fresh.append(r)
        report.duplicates += len(good) - len(fresh)
        report.new += len(fresh)
        if run_id is not None and fresh:
            db.session.execute(insert(ImportedResponse), [{
                "survey_id": survey.id, "run_id": run_id, "channel": channel,
                "agency_id": r.values["agency"], "response_date": r.values["date"],
                "satisfied": r.values["satisfied"], "reasons": r.values.get("reasons") or [],
                "comment": r.values.get("comment"), "source_id": r.values.get("source_id"),
                "fingerprint": r.fingerprint} for r in fresh])


def import_results(survey, stream: BinaryIO, data: dict, user) -> ImportReport:
    """Import a results file: {name, channel, mapping?, header_row?, reason_letters?,
    dry_run?, skip_invalid?} (``reason_letters`` {letter: code}: how the file's letters read).

    A dry run only reports. A real run adds nothing if any row is rejected, unless
    ``skip_invalid``; rows already imported (same fingerprint) are skipped. Flushes and
    audits; the caller commits (or rolls back on error: nothing is half-saved)."""
    require(user, RoleName.MANAGER)
    if survey.status == SurveyStatus.CLOSED:
        raise OperationError(_("Survey %(code)s is closed; nothing can change any more.",
                               code=survey.code))
    try:
        channel = Channel(data.get("channel") or "")
    except ValueError:
        raise OperationError(_("Choose the channel: online or call_centre.")) from None
    name = (data.get("name") or "upload").strip()[:255]
    report = ImportReport(file_name=name, sha256=file_sha256(stream),
                          letters=_letters(data.get("reason_letters")))
    mapping = data.get("mapping")
    try:
        _pass(survey, channel, stream, name, mapping, report, header_row=data.get("header_row"))
        if data.get("dry_run") or (report.rejected and not data.get("skip_invalid")):
            return report
        actor = user if not isinstance(user, str) else None
        run = ImportRun(survey_id=survey.id, channel=channel, file_name=name,
                        file_sha256=report.sha256, file_format=report.file_format,
                        encoding=report.encoding, mapping=report.mapping,
                        created_by_id=getattr(actor, "id", None),
                        created_by_label=getattr(actor, "email", None) or str(user))
        db.session.add(run)
        db.session.flush()
        _pass(survey, channel, stream, name, report.mapping, report, run_id=run.id,
              header_row=data.get("header_row"))
    except TabularError as exc:
        raise OperationError(str(exc)) from None
    except UnicodeDecodeError:
        raise OperationError(_("The file's text encoding could not be read.")) from None
    run.rows_read, run.rows_added = report.read, report.new
    run.rows_duplicate, run.rows_rejected = report.duplicates, report.rejected
    report.added, report.committed, report.run = report.new, True, run
    db.session.flush()
    record(user, "imports.results", run, after={
        "file": name, "sha256": report.sha256, "channel": channel.value, "read": report.read,
        "added": report.added, "duplicates": report.duplicates, "rejected": report.rejected,
        **layout_audit(report.layout), **({"reason_letters": report.letters}
                                         if report.letters else {})})
    return report
