"""Sheets from the scanning station, and the approved sheets statistics may use.

``sync_from_omr`` makes one entry record per completely read and verified scanned sheet
(``ScanSheet`` complete), taking the counted page readings as the final values (source
``omr``, or ``verified`` where a person decided a doubt).  It is idempotent: a sheet already
recorded is only refreshed while it is still unreviewed and its answers are untouched by
people, so a re-scan that replaced a page shows up, and nothing reviewed ever changes. A
sheet keyed before its scan arrived is compared with it (``conflicts``): never silently one
or the other.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Select, select

from .. import audit
from ..directory.models import Field
from ..extensions import db
from ..forms.imprint import FIELD
from ..forms.models import PrintBatch, QuestionnaireVersion
from ..forms.records import sheet_record
from ..omr.models import PageStatus, ScanAnswer, ScanPage, ScanSheet, SheetStatus, TextRegion
from .conflicts import compare_scan, scan_reading
from .models import CONTACT_QUESTIONS, EntrySheet, ReviewState, SheetSource, Stage
from .operations import apply_contact, set_answer
from .serials import owner
from .validation import check_answers

OMR_SOURCES = ("omr", "verified")


def approved_sheets(survey) -> Select:
    """Query of the survey's approved sheets: the only ones that count in statistics."""
    return select(EntrySheet).where(EntrySheet.survey_id == survey.id,
                                    EntrySheet.review_state == ReviewState.APPROVED
                                    ).order_by(EntrySheet.serial)


def approved_answers(survey) -> dict[int, dict[str, list]]:
    """Final values of approved sheets by serial then question (contacts left out)."""
    out: dict[int, dict[str, list]] = {}
    for sheet in db.session.scalars(approved_sheets(survey)):
        out[sheet.serial] = {a.question: list(a.values) for a in sheet.answers
                             if a.question not in CONTACT_QUESTIONS}
    return out


def _readings(survey_id: int, serial: int) -> tuple[list[ScanPage], dict[str, ScanAnswer]]:
    pages = db.session.scalars(select(ScanPage).where(
        ScanPage.survey_id == survey_id, ScanPage.serial == serial,
        ScanPage.status == PageStatus.READ).order_by(ScanPage.page_no)).all()
    answers: dict[str, ScanAnswer] = {}
    for page in pages:
        answers.update({a.question: a for a in page.answers})
    return pages, answers


def _texts(pages: list[ScanPage]) -> dict[str, str | None]:
    """Free-text regions of the pages by question: the typed text, or None (nothing typed)."""
    if not pages:
        return {}
    rows = db.session.scalars(select(TextRegion).where(
        TextRegion.page_id.in_([p.id for p in pages]))).all()
    return {r.question: r.text or None for r in rows}


def _texts_waiting(survey_id: int) -> set[int]:
    """Serials with writing in a free-text box that nobody has typed yet."""
    from ..omr.texts import pending_texts

    return set(db.session.scalars(pending_texts(survey_id).with_only_columns(
        ScanPage.serial).distinct()))


def _naive_utc(moment: datetime) -> datetime:
    # SQLite hands back naive UTC times, PostgreSQL aware ones: compare them alike.
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _older(scan: ScanSheet, sheet: EntrySheet) -> bool:
    return scan.updated_at is not None and sheet.updated_at is not None and \
        _naive_utc(scan.updated_at) <= _naive_utc(sheet.updated_at)


def _untouched(sheet: EntrySheet) -> bool:
    return (sheet.source == SheetSource.OMR and sheet.review_state == ReviewState.RECEIVED
            and all(a.source in OMR_SOURCES for a in sheet.answers))


def _fill(sheet: EntrySheet, answers: dict[str, ScanAnswer],
          texts: dict[str, str | None]) -> list:
    """Copy readings into the sheet's final answers; return the problems found.

    What the paper did not ask (agency, field, dossier: printed or known from the sheet's
    record) is taken from the record; the field the respondent ticked sets the sheet's field.
    """
    qn = sheet.version.questionnaire
    record = sheet_record(sheet.survey_id, sheet.serial)
    known = record.known() if record is not None else {}
    field_id = record.field_id if record is not None else None
    ticked = answers.get(FIELD)
    if record is not None and ticked is not None and ticked.kind == "single":
        picked = [v for v in ticked.plain_values if v not in ("", "?")]
        field_id = record.field_for(picked[0]) if len(picked) == 1 else None
        if field_id is not None:
            known[FIELD] = db.session.get(Field, field_id).name
    raw = {}
    for q in qn.questions():
        if q.code in known and q.code != FIELD:  # printed on the paper: the record wins
            raw[q.code] = known[q.code]
        elif q.code in answers and not (q.code == FIELD and q.kind == "text"):
            raw[q.code] = [v for v in answers[q.code].plain_values if v not in ("", "?")]
            if q.kind in ("digits", "date") or q.code in CONTACT_QUESTIONS:
                raw[q.code] = "".join(raw[q.code])
        elif q.code in texts:
            raw[q.code] = texts[q.code] or ""
        elif q.code in known:
            raw[q.code] = known[q.code]
    checked = check_answers(qn, raw)
    if record is not None and record.bound:
        # Not asked on this paper (printed, known, or left off a personalised sheet): a blank
        # is nobody's mistake and no reason to hold the sheet.
        for q in qn.questions():
            asked = (q.code in answers or q.code in texts) and \
                not (q.code == FIELD and not record.ticks)  # no boxes: the field not asked
            if not asked:
                checked.warnings.pop(q.code, None)
        if record.agency_id is not None:
            sheet.agency_id = record.agency_id
        sheet.field_id = field_id
    for q in qn.questions():
        source = answers[q.code].source if q.code in answers else "omr"
        source = source if source in OMR_SOURCES else "omr"
        kind = CONTACT_QUESTIONS.get(q.code)
        if kind:
            apply_contact(sheet, kind, checked.contact.get(kind, ""))
            set_answer(sheet, q.code, [], source, contact=kind in checked.contact)
        else:
            set_answer(sheet, q.code, checked.values.get(q.code, []), source)
    return [f"{c}: {m}" for c, ms in {**checked.warnings, **checked.errors}.items() for m in ms]


def sync_from_omr(survey, user=None, serials=None) -> int:
    """Record every complete scanned sheet of the survey (or of those ``serials`` only: what
    one scan batch touched); return how many were added or updated.

    A sheet comes in once every page is read, every doubt decided and every free text that
    holds writing is typed; one without writing comes in as soon as its marks are verified.
    """
    done = 0
    waiting = _texts_waiting(survey.id)
    q = select(ScanSheet).where(ScanSheet.survey_id == survey.id,
                                ScanSheet.status == SheetStatus.COMPLETE)
    if serials is not None:
        q = q.where(ScanSheet.serial.in_(sorted(serials)))
    sheets = [s for s in db.session.scalars(q) if s.serial not in waiting]
    existing = {s.serial: s for s in db.session.scalars(select(EntrySheet).where(
        EntrySheet.survey_id == survey.id, EntrySheet.serial.in_([s.serial for s in sheets])))}
    for scan in sheets:
        sheet = existing.get(scan.serial)
        if sheet is not None and sheet.scan_sheet_id is not None and _older(scan, sheet):
            continue  # nothing new from the scanning station since it was taken in
        if sheet is not None and sheet.scan_sheet_id is None:
            # Keyed first, scanned later: compared once its keying is done (double entry
            # included); where they disagree the sheet waits for adjudication.
            if sheet.stage == Stage.FINAL and _compare(sheet, scan, user):
                done += 1
            continue
        if sheet is not None and not _untouched(sheet):
            continue
        pages, answers = _readings(survey.id, scan.serial)
        if not pages:
            continue
        if sheet is not None:
            before = {a.question: list(a.values) for a in sheet.answers}
            problems = _fill(sheet, answers, _texts(pages))
            if before == {a.question: list(a.values) for a in sheet.answers}:
                continue
            action = "entry.omr_refresh"
        else:
            sheet = _new_sheet(survey, scan, pages[0])
            problems = _fill(sheet, answers, _texts(pages))
            action = "entry.omr"
        if problems:
            sheet.review_state = ReviewState.HAS_ISSUES
            sheet.note = "\n".join(problems)
        db.session.flush()
        audit.record(user or "system", action, sheet, after={
            "serial": sheet.serial_text, "state": sheet.review_state, "problems": problems})
        done += 1
    return done


def _compare(sheet: EntrySheet, scan: ScanSheet, user) -> bool:
    """Compare a keyed sheet with its complete scan (``conflicts.compare_scan``)."""
    pages, answers = _readings(sheet.survey_id, scan.serial)
    if not pages:
        return False
    compare_scan(sheet, scan.id, answers, user)
    return True


def scan_contact_reader(sheet: EntrySheet):
    """A function giving the scan's plain reading of a contact kind ("phone", "cid")."""
    def read(kind: str) -> str:
        _pages, answers = _readings(sheet.survey_id, sheet.serial)
        _values, contacts = scan_reading(sheet, answers)
        return contacts.get(kind, "")
    return read


def _new_sheet(survey, scan: ScanSheet, page: ScanPage) -> EntrySheet:
    batch = db.session.get(PrintBatch, page.print_batch_id) if page.print_batch_id else None
    version = db.session.get(QuestionnaireVersion, page.version_id or batch.version_id)
    enumerator_id, agency_id = owner(survey, scan.serial, batch) if batch else (None, None)
    sheet = EntrySheet(survey_id=survey.id, serial=scan.serial, version_id=version.id,
                       print_batch_id=batch.id if batch else None, agency_id=agency_id,
                       enumerator_id=enumerator_id, in_assignment=enumerator_id is not None,
                       source=SheetSource.OMR, scan_sheet_id=scan.id,
                       review_state=ReviewState.RECEIVED)
    sheet.version = version
    db.session.add(sheet)
    db.session.flush()
    return sheet
