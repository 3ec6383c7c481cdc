"""A keyed sheet whose scan arrives later: compared, and never silently one or the other.

When the scanning station completes a sheet that was already keyed (its keying finished,
double entry included), every question the scan read is compared with the keyed answer.
Where they disagree an ``EntryDifference`` of kind ``scan`` keeps the scan's reading beside
the keyed value, the sheet waits for adjudication (an approved sheet leaves statistics until
then), and the adjudicator keeps the keyed value, the scan's, or types what the paper says,
with the crop of the scanned answer in front of them. Phone numbers and citizen IDs are
compared by blind index; the scan's reading of them stays in the OMR tables, encrypted.
"""

from __future__ import annotations

from flask_babel import gettext as _

from .. import audit
from ..errors import OperationError
from ..extensions import db
from ..omr.models import ScanAnswer
from ..privacy.crypto import blind_index
from ..privacy.mask import MASKERS
from ..timeutil import utcnow
from .models import (
    CONTACT_QUESTIONS,
    EntryDifference,
    EntrySheet,
    ReviewState,
    SheetSource,
    Stage,
)
from .validation import check_answers

SCAN_CHOICES = ("keyed", "scan", "other")
MARKED = ("single", "multiple", "digits", "date")  # question kinds the reader reads marks of


def scan_reading(sheet: EntrySheet, answers: dict[str, ScanAnswer]) -> tuple[dict, dict]:
    """(values by question, contacts by kind) of what the scan read, normalised as keying
    normalises typed answers; only the questions the scan reads marks for (free text is
    cut out as an image and keyed by a person, so there is no reading to compare)."""
    qn = sheet.version.questionnaire
    raw = {}
    for q in qn.questions():
        if q.code in answers and q.kind in MARKED:
            values = [v for v in answers[q.code].plain_values if v not in ("", "?")]
            raw[q.code] = "".join(values) if (q.kind in ("digits", "date")
                                              or q.code in CONTACT_QUESTIONS) else values
    checked = check_answers(qn, raw)
    values = {code: checked.values.get(code, []) for code in raw
              if code not in CONTACT_QUESTIONS}
    return values, {CONTACT_QUESTIONS[code]: checked.contact.get(CONTACT_QUESTIONS[code], "")
                    for code in raw if code in CONTACT_QUESTIONS}


def differing(sheet: EntrySheet, values: dict, contacts: dict) -> dict[str, list | None]:
    """{question: the scan's values (None for a contact)} where scan and keying disagree."""
    keyed = {a.question: list(a.values) for a in sheet.answers}
    out: dict[str, list | None] = {}
    for code, scanned in values.items():
        if keyed.get(code, []) != list(scanned):
            out[code] = list(scanned)
    for code, kind in CONTACT_QUESTIONS.items():
        if kind in contacts:
            read = contacts[kind]
            if (blind_index(kind, read) if read else None) != getattr(sheet, f"{kind}_hash"):
                out[code] = None
    return out


def compare_scan(sheet: EntrySheet, scan_id: int, answers: dict[str, ScanAnswer],
                 actor) -> list[EntryDifference]:
    """Link the complete scan ``scan_id`` to the keyed ``sheet`` and record where they
    disagree: the sheet then waits for adjudication (audited either way)."""
    values, contacts = scan_reading(sheet, answers)
    found = differing(sheet, values, contacts)
    sheet.scan_sheet_id = scan_id
    diffs = []
    existing = {d.question: d for d in sheet.differences if d.kind == "scan"}
    for code, scanned in found.items():
        diff = existing.get(code) or EntryDifference(sheet_id=sheet.id, question=code,
                                                     kind="scan")
        diff.scan_values, diff.resolved, diff.decision = scanned, False, None
        diff.resolved_by_id = diff.resolved_at = None
        if diff.id is None:
            sheet.differences.append(diff)
        diffs.append(diff)
    before = sheet.review_state
    if diffs:
        sheet.stage = Stage.ADJUDICATION
        if sheet.review_state == ReviewState.APPROVED:
            sheet.review_state = ReviewState.HAS_ISSUES
            sheet.approved_at = sheet.approved_by_id = None
        note = _("The scan disagrees with the keying on: %(q)s.", q=", ".join(found))
        sheet.note = "\n".join(filter(None, [sheet.note, note]))
    db.session.flush()
    audit.record(actor or "system", "entry.scan_conflict" if diffs else "entry.scan_agrees",
                 sheet, before={"state": before}, after={
                     "serial": sheet.serial_text, "state": sheet.review_state,
                     "stage": sheet.stage, "questions": sorted(found)})
    return diffs


def open_scan_differences(sheet: EntrySheet) -> list[EntryDifference]:
    """The scan-against-keying differences of the sheet still to decide."""
    return [d for d in sheet.differences if d.kind == "scan" and not d.resolved]


def adjudicate_scan(sheet: EntrySheet, data: dict, user, scan_contact) -> dict:
    """Decide scan differences: {question: {"choice": keyed|scan|other, "value": ...}};
    ``scan_contact(kind)`` gives the scan's plain reading of a contact. Returns the
    decisions (contacts masked); AdjudicationError names the questions left undecided."""
    from .double import AdjudicationError
    from .operations import apply_contact, set_answer

    if sheet.source != SheetSource.KEYED:
        raise OperationError(_("Only a keyed sheet has a scan to compare with."))
    qn = sheet.version.questionnaire
    errors, decided = {}, []
    for diff in open_scan_differences(sheet):
        got = data.get(diff.question) or {}
        choice = got.get("choice")
        if choice not in SCAN_CHOICES:
            errors[diff.question] = _("Keep the keyed value, the scan's, or type the value on "
                                      "the paper.")
            continue
        kind = CONTACT_QUESTIONS.get(diff.question)
        final = None
        if choice == "other":
            checked = check_answers(qn, {diff.question: got.get("value")})
            if checked.errors.get(diff.question):
                errors[diff.question] = checked.errors[diff.question][0]
                continue
            final = checked.contact.get(kind, "") if kind else checked.values[diff.question]
        elif choice == "scan":
            final = scan_contact(kind) if kind else list(diff.scan_values or [])
        decided.append((diff, choice, final, kind))
    if errors:
        raise AdjudicationError(errors)
    changes = {}
    for diff, choice, final, kind in decided:
        if kind and choice != "keyed":
            apply_contact(sheet, kind, final)
            set_answer(sheet, diff.question, [], "adjudicated", contact=bool(final))
            shown = MASKERS[kind](final) if final else ""
        elif not kind and choice != "keyed":
            set_answer(sheet, diff.question, final, "adjudicated")
            shown = final
        else:
            shown = "keyed"
        diff.resolved, diff.decision = True, choice
        diff.resolved_by_id, diff.resolved_at = user.id, utcnow()
        changes[diff.question] = {"choice": choice, "value": shown}
    if not any(not d.resolved for d in sheet.differences):
        sheet.stage = Stage.FINAL
    db.session.flush()
    return changes
