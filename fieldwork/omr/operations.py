"""State changes of scanning: batches, files, reading pages, duplicates and replacement.

Each function flushes and audits; the caller commits (a request once; the batch
job after every group of pages, so that progress shows and a stopped process loses at most
the group it was reading, which is read again when the job resumes).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..errors import OperationError
from ..extensions import db
from ..forms.models import PrintBatch
from ..plans.models import Survey
from ..timeutil import utcnow
from . import storage
from .contact import is_contact, public_box, seal
from .load import sniff
from .models import (
    BatchStatus,
    ItemStatus,
    PageStatus,
    ScanAnswer,
    ScanBatch,
    ScanFile,
    ScanPage,
    TextRegion,
    VerificationItem,
)
from .sheets import refresh_sheet

log = logging.getLogger(__name__)
FLAGGED = ("multiple", "doubtful")


def create_batch(data: dict, user, source: str = "upload") -> ScanBatch:
    """A new, empty scan batch; ``data``: survey (Survey or None), agency (Agency or None:
    the sheets of one agency only), pilot, note."""
    survey, agency = data.get("survey"), data.get("agency")
    if agency is not None and (survey is None or not any(
            row.agency_id == agency.id for row in survey.scope)):
        raise OperationError(_("Choose the survey, and an agency of its scope."))
    batch = ScanBatch(survey_id=survey.id if survey else None, pilot=bool(data.get("pilot")),
                      agency_id=agency.id if agency else None,
                      source=source, note=(data.get("note") or "").strip(),
                      created_by_id=getattr(user, "id", None))
    db.session.add(batch)
    db.session.flush()
    audit.record(user, "scan.batch", batch, after={
        "survey": survey.code if survey else None, "pilot": batch.pilot, "source": source,
        "agency": agency.name if agency else None})
    return batch


def add_file(batch: ScanBatch, name: str, content: bytes | Path) -> ScanFile:
    """Store a file of the batch unchanged; its kind is judged by content, not name."""
    if batch.status != BatchStatus.QUEUED:
        raise OperationError(_("Files can only be added before the batch is read."))
    row = ScanFile(batch_id=batch.id, name=name[:255] or "scan", path="", sha256="")
    db.session.add(row)
    db.session.flush()
    row.path, row.sha256, row.size = storage.store_original(batch.id, row.id, name, content)
    with open(storage.absolute(row.path), "rb") as fh:
        row.kind = sniff(fh.read(1024))
    db.session.flush()
    return row


_LAYOUTS: dict[tuple[str, float], dict] = {}


def _layout(path: str) -> dict:
    p = Path(path)
    key = (str(p), p.stat().st_mtime)
    if key not in _LAYOUTS:
        if len(_LAYOUTS) > 64:
            _LAYOUTS.clear()
        _LAYOUTS[key] = json.loads(p.read_text(encoding="utf-8"))
    return _LAYOUTS[key]


def resolver(batch: ScanBatch, found: dict):
    """A ``read_page`` resolver checking a QR payload against surveys and print batches."""
    from ..forms.batches import batch_for_serial
    from .read import Rejected

    def resolve(payload) -> dict:
        """The layout of the sheet in ``payload``, or ``Rejected`` saying why not."""
        survey = db.session.scalar(select(Survey).where(Survey.code == payload.survey))
        if survey is None:
            raise Rejected("unknown_survey", f"survey code {payload.survey!r}")
        if batch.survey_id is not None and survey.id != batch.survey_id:
            raise Rejected("other_survey", f"survey {payload.survey}, batch is for "
                                           f"{batch.survey.code}")
        printed = batch_for_serial(survey, int(payload.serial))
        if printed is None:
            raise Rejected("unknown_serial", f"serial {payload.serial} of {survey.code}")
        if printed.version.number != payload.version or printed.pilot != payload.pilot:
            raise Rejected("version_mismatch", f"QR says version {payload.version}"
                                               f"{' pilot' if payload.pilot else ''}; printed "
                                               f"as version {printed.version.number}"
                                               f"{' pilot' if printed.pilot else ''}")
        if printed.pilot and not batch.pilot:
            raise Rejected("pilot_in_live", f"serial {payload.serial} was printed as a pilot")
        if batch.pilot and not printed.pilot:
            raise Rejected("live_in_pilot", f"serial {payload.serial} is a live sheet")
        _check_record(batch, survey, int(payload.serial))
        try:
            layout = _layout(printed.layout_path)
        except (OSError, ValueError) as exc:
            raise Rejected("no_layout", str(exc)) from None
        found.update(survey=survey, printed=printed)
        return layout

    return resolve


def _check_record(batch: ScanBatch, survey: Survey, serial: int) -> None:
    """A void personalised serial, or a sheet of another agency than the upload's, is refused."""
    from ..forms.personal import refusal
    from ..forms.records import sheet_record
    from .read import Rejected

    record = sheet_record(survey.id, serial)
    refused = refusal(record.printed) if record is not None else None
    if refused is not None:
        raise Rejected(*refused)
    if batch.agency_id and record is not None and record.agency_id and \
            record.agency_id != batch.agency_id:
        from ..directory.models import Agency

        printed_for = db.session.get(Agency, record.agency_id)
        raise Rejected("other_agency", f"serial {serial} was printed for {printed_for.name}; "
                                       f"this upload is for {batch.agency.name}")


def _save_answers(page: ScanPage, result) -> None:
    """Store the answers; a contact reading is encrypted, its masked copy and bare boxes kept."""
    rows = list(result.boxes or [])
    for code, a in result.answers.items():
        values, secret = list(a.values), None
        if is_contact(code):
            values, secret = seal(code, values, [r for r in rows if r["question"] == code])
        db.session.add(ScanAnswer(page_id=page.id, question=code, kind=a.kind,
                                  values=values, status=a.status, secret=secret,
                                  confidence=round(float(a.confidence), 3), note=a.note))
    page.boxes = [public_box(r) if is_contact(r["question"]) else r for r in rows]
    db.session.flush()


def _save_text_regions(page: ScanPage, texts: list[tuple[str, str, bool]]) -> None:
    for question, rel, ink in texts:
        db.session.add(TextRegion(page_id=page.id, question=question, image_path=rel,
                                  has_ink=ink))
    db.session.flush()


def open_items(page: ScanPage) -> None:
    """Queue every flagged answer of a counted page for a person (once per answer)."""
    queued = set(db.session.scalars(select(VerificationItem.answer_id).where(
        VerificationItem.answer_id.in_([a.id for a in page.answers]))))
    for a in page.answers:
        if a.status in FLAGGED and a.source == "omr" and a.id not in queued:
            db.session.add(VerificationItem(answer_id=a.id, survey_id=page.survey_id,
                                            reason=a.status, read_values=list(a.values)))
    db.session.flush()


def record_page(batch: ScanBatch, file: ScanFile, index: int, result, found: dict,
                files: storage.PageFiles) -> ScanPage:
    """Store one page's reading (or rejection, or blank back): answers, queue items, sheet.

    ``files`` are its image and crops, already written (``storage.write_page_files``).
    """
    page = ScanPage(batch_id=batch.id, file_id=file.id, index=index, detail=result.detail or "",
                    status=PageStatus.BLANK if result.status == "blank" else PageStatus.REJECTED,
                    reason=result.reason, seconds=round(result.seconds, 4),
                    rotation=result.rotation, image_path=files.image_path,
                    upright=files.upright)
    p = result.payload
    if p is not None:
        page.pilot = p.pilot
        page.page_no = p.page
        page.serial = int(p.serial)
    if found.get("survey") is not None:
        page.survey_id = found["survey"].id
        page.print_batch_id = found["printed"].id
        page.version_id = found["printed"].version_id
    db.session.add(page)
    db.session.flush()
    if result.status == "read":
        counted = db.session.scalar(select(ScanPage).where(
            ScanPage.survey_id == page.survey_id, ScanPage.serial == page.serial,
            ScanPage.page_no == page.page_no, ScanPage.status == PageStatus.READ))
        if counted is None:
            page.status, page.reason = PageStatus.READ, None
        else:
            page.status, page.reason, page.duplicate_of_id = (PageStatus.DUPLICATE, "duplicate",
                                                              counted.id)
            page.detail = f"same sheet page as scanned page #{counted.id}"
        page.scale = result.scale
        db.session.flush()
        _save_answers(page, result)
        _save_text_regions(page, files.texts)
        if page.status == PageStatus.READ:
            open_items(page)
            refresh_sheet(page.survey_id, page.serial, found["printed"].pages_per_sheet)
            from ..forms.personal import returned
            returned(page.survey_id, page.serial, batch.created_by or "system", "scan")
    db.session.flush()
    return page


def replace_page(duplicate: ScanPage, user, reason: str = "") -> ScanPage:
    """Make a re-scan the counted reading of its sheet page; the earlier one is set aside."""
    if duplicate.status != PageStatus.DUPLICATE or duplicate.duplicate_of is None:
        raise OperationError(_("Only a duplicate scan can replace an earlier reading."))
    old = duplicate.duplicate_of
    if old.status != PageStatus.READ:
        raise OperationError(_("The earlier reading is no longer the counted one."))
    if not reason.strip():
        raise OperationError(_("Say why the re-scan should replace the earlier reading."))
    for a in old.answers:
        for item in db.session.scalars(select(VerificationItem).where(
                VerificationItem.answer_id == a.id,
                VerificationItem.status == ItemStatus.PENDING)):
            item.status = ItemStatus.VOID
    old.status = PageStatus.REPLACED
    db.session.flush()  # the counted-reading index must see the old page go first
    duplicate.status, duplicate.reason, duplicate.duplicate_of_id = PageStatus.READ, None, None
    db.session.flush()
    open_items(duplicate)
    printed = db.session.get(PrintBatch, duplicate.print_batch_id) \
        if duplicate.print_batch_id else None
    refresh_sheet(duplicate.survey_id, duplicate.serial,
                  printed.pages_per_sheet if printed else 1)
    audit.record(user, "scan.replace", duplicate, reason=reason.strip(),
                 before={"counted_page": old.id}, after={"counted_page": duplicate.id,
                                                         "serial": duplicate.serial_text,
                                                         "page": duplicate.page_no})
    return duplicate


def batch_counts(batch: ScanBatch) -> dict:
    """Pages of the batch by status, files done, pending doubts."""
    rows = db.session.execute(select(ScanPage.status, func.count()).where(
        ScanPage.batch_id == batch.id).group_by(ScanPage.status)).all()
    counts = {s.value: 0 for s in PageStatus}
    counts.update({str(s.value if hasattr(s, "value") else s): n for s, n in rows})
    counts["pages"] = sum(n for _, n in rows)
    counts["files"] = len(batch.files)
    counts["files_done"] = sum(1 for f in batch.files if f.done)
    counts["pending"] = db.session.scalar(select(func.count(VerificationItem.id)).join(
        ScanAnswer, ScanAnswer.id == VerificationItem.answer_id).join(
        ScanPage, ScanPage.id == ScanAnswer.page_id).where(
        ScanPage.batch_id == batch.id, VerificationItem.status == ItemStatus.PENDING)) or 0
    return counts


def start(batch: ScanBatch) -> None:
    """Mark a batch as being read."""
    batch.status, batch.started_at, batch.error = BatchStatus.RUNNING, utcnow(), None
    db.session.flush()


def finish(batch: ScanBatch, error: str | None = None) -> None:
    """Mark a batch as read (or failed, with the error)."""
    batch.status = BatchStatus.FAILED if error else BatchStatus.DONE
    batch.error, batch.finished_at = error, utcnow()
    db.session.flush()
