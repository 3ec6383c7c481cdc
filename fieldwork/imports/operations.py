"""Importing the results of another source (the city's online software, the call centre
1022, a declared source): dry run and commit, idempotent, audited.

Every row is stored under its source. A file's record ids tell its rows apart within that
file only (the fingerprint of a keyed row is salted with the file's sha256): ids 1-3 of an
online file and ids 1-3 of a call-centre file are six answers, and the same file imported
again adds nothing. A dossier code, or phone and citizen ID together, is what counts a
respondent once within the source (``stats.dataset.count_once``).
"""

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
from ..privacy.crypto import blind_index, encrypt
from ..stats import sources as src
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
    unmatched: int = 0  # good rows with neither a dossier code nor phone and citizen ID
    repeated_ids: int = 0  # new rows whose record id an earlier file of the source had
    source: str = ""
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

    @property
    def notes(self) -> list[str]:
        """What the user should know about rows that were taken (not errors)."""
        out = []
        keyed = bool(self.mapping.get("record_id"))
        if self.unmatched and keyed:
            out.append(_("%(n)d rows have a record id but no dossier code (nor phone and "
                         "citizen ID): a record id only tells rows of this file apart, so each "
                         "of these rows counts as its own answer and cannot be matched to a "
                         "dossier.", n=self.unmatched))
        elif self.unmatched:
            out.append(_("%(n)d rows have no dossier code (nor phone and citizen ID): each "
                         "counts as its own answer and cannot be matched to a dossier.",
                         n=self.unmatched))
        if self.repeated_ids:
            out.append(_("%(n)d rows carry record ids that an earlier file of this source "
                         "also had. They are kept (ids only tell rows of one file apart); if "
                         "this file repeats an earlier export, import only its new rows.",
                         n=self.repeated_ids))
        return out


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
    elif "source_id" in mapping and "record_id" not in mapping:  # an old mapping's name
        mapping = {("record_id" if k == "source_id" else k): v for k, v in mapping.items()}
    return mapping, result_fields(agencies, keyed=bool(mapping.get("record_id")),
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


def import_source(survey, data: dict) -> str:
    """The source a results file belongs to: ``data["source"]`` (or, as before, the channel
    "online" or "call_centre"), built in or declared by the survey; OperationError else."""
    name = (data.get("source") or "").strip().lower()
    if not name and data.get("channel"):
        name = {"online": src.CITY_ONLINE, "call_centre": src.CALL_CENTRE}.get(
            data["channel"], data["channel"])
    allowed = [*src.IMPORTABLE, *src.declared(survey)]
    if name == src.INDEPENDENT:
        raise OperationError(_("The independent survey's answers are its sheets (scanned or "
                               "keyed), never an imported file."))
    if name not in allowed:
        raise OperationError(_("“%(name)s” is not a source of survey %(code)s. Choose one of: "
                               "%(names)s, or declare the source first.", name=name or "—",
                               code=survey.code, names=", ".join(allowed)))
    return name


def _chunks(iterable, size):
    it = iter(iterable)
    while chunk := list(islice(it, size)):
        yield chunk


def _existing(survey_id: int, source: str) -> set[bytes]:
    """Fingerprints already imported for this survey and source, as 16-byte prefixes.

    One streamed query instead of a lookup per chunk: an IN list of thousands of values
    is slow on PostgreSQL without fresh statistics, and 16 bytes a row stays small."""
    rows = db.session.execute(select(ImportedResponse.fingerprint).where(
        ImportedResponse.survey_id == survey_id, ImportedResponse.source == source)
        .execution_options(yield_per=5000)).scalars()
    return {bytes.fromhex(fp)[:16] for fp in rows}


def _earlier_ids(survey_id: int, source: str) -> set[str]:
    """Record ids already imported for this survey and source (from any file)."""
    return set(db.session.scalars(select(ImportedResponse.record_id).where(
        ImportedResponse.survey_id == survey_id, ImportedResponse.source == source,
        ImportedResponse.record_id.is_not(None)).execution_options(yield_per=5000)))


def _contact(kind: str, value: str | None) -> dict:
    if not value:
        return {f"{kind}_enc": None, f"{kind}_hash": None}
    return {f"{kind}_enc": encrypt(value), f"{kind}_hash": blind_index(kind, value)}


def _row(survey, run_id: int, source: str, channel: Channel, r) -> dict:
    code = (r.values.get("dossier_code") or "").strip().upper() or None
    return {"survey_id": survey.id, "run_id": run_id, "source": source, "channel": channel,
            "agency_id": r.values["agency"], "response_date": r.values["date"],
            "satisfied": r.values["satisfied"], "reasons": r.values.get("reasons") or [],
            "comment": r.values.get("comment"), "record_id": r.values.get("record_id"),
            "dossier_code": code, "fingerprint": r.fingerprint,
            **_contact("phone", r.values.get("phone")), **_contact("cid", r.values.get("cid"))}


def _matched(values: dict) -> bool:
    return bool((values.get("dossier_code") or "").strip()) or bool(
        values.get("phone") and values.get("cid"))


def _pass(survey, source, stream, name, mapping, report, run_id=None,
          header_row=None) -> None:
    """Read the file once: count (and with ``run_id`` insert) new, duplicate and bad rows."""
    stream.seek(0)
    table = open_results(stream, name, header_row)
    mapping, fields = fields_for(mapping, table.headers, table.layout, report.letters)
    report.file_format, report.encoding = table.kind, table.encoding
    report.headers, report.mapping, report.layout = table.headers, mapping, table.layout
    report.read = report.new = report.duplicates = report.rejected = report.unmatched = 0
    report.repeated_ids = 0
    report.errors, report.unknown_agencies, report.unmapped_letters = [], {}, {}
    keyed = any(f.name == "record_id" and f.identity for f in fields)
    # A record id identifies a row within its file only: salt its fingerprint with the file.
    salt = f"{source}\x1f{report.sha256}" if keyed else source
    channel = Channel(src.IMPORT_CHANNEL.get(source, src.IMPORTED))
    rows = parse_rows(table, mapping, fields, salt=salt, rule=row_rule,
                      number_repeats=not keyed)
    seen = _existing(survey.id, source)
    earlier = _earlier_ids(survey.id, source) if keyed else set()
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
        report.unmatched += sum(not _matched(r.values) for r in fresh)
        report.repeated_ids += sum(r.values.get("record_id") in earlier for r in fresh)
        if run_id is not None and fresh:
            db.session.execute(insert(ImportedResponse),
                               [_row(survey, run_id, source, channel, r) for r in fresh])


def import_results(survey, stream: BinaryIO, data: dict, user) -> ImportReport:
    """Import a results file: {name, source (or channel), mapping?, header_row?,
    reason_letters?, dry_run?, skip_invalid?} (``reason_letters`` {letter: code}: how the
    file's letters read).

    A dry run only reports. A real run adds nothing if any row is rejected, unless
    ``skip_invalid``; rows already imported (same fingerprint) are skipped. Flushes and
    audits; the caller commits (or rolls back on error: nothing is half-saved)."""
    require(user, RoleName.MANAGER)
    if survey.status == SurveyStatus.CLOSED:
        raise OperationError(_("Survey %(code)s is closed; nothing can change any more.",
                               code=survey.code))
    source = import_source(survey, data)
    channel = Channel(src.IMPORT_CHANNEL.get(source, src.IMPORTED))
    name = (data.get("name") or "upload").strip()[:255]
    report = ImportReport(file_name=name, sha256=file_sha256(stream), source=source,
                          letters=_letters(data.get("reason_letters")))
    mapping = data.get("mapping")
    try:
        _pass(survey, source, stream, name, mapping, report, header_row=data.get("header_row"))
        if data.get("dry_run") or (report.rejected and not data.get("skip_invalid")):
            return report
        actor = user if not isinstance(user, str) else None
        run = ImportRun(survey_id=survey.id, source=source, channel=channel, file_name=name,
                        file_sha256=report.sha256, file_format=report.file_format,
                        encoding=report.encoding, mapping=report.mapping,
                        created_by_id=getattr(actor, "id", None),
                        created_by_label=getattr(actor, "email", None) or str(user))
        db.session.add(run)
        db.session.flush()
        _pass(survey, source, stream, name, report.mapping, report, run_id=run.id,
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
        "file": name, "sha256": report.sha256, "source": source, "channel": channel.value,
        "read": report.read, "added": report.added, "duplicates": report.duplicates,
        "rejected": report.rejected, "unmatched": report.unmatched,
        "repeated_ids": report.repeated_ids, **layout_audit(report.layout),
        **({"reason_letters": report.letters} if report.letters else {})})
    return report
