"""State changes of entry records: keying, review transitions, edits, double-entry settings.

Each operation checks, changes, flushes and writes the audit entry; the request or the CLI
command commits once.  Phone numbers and citizen IDs are encrypted before they touch a
row, compared by blind index, and written to the audit log only masked.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..errors import OperationError
from ..extensions import db
from ..privacy.crypto import blind_index, decrypt, encrypt
from ..privacy.mask import MASKERS
from ..timeutil import utcnow
from . import workflow
from .double import compare, drawn, settings_for
from .models import (
    CONTACT_QUESTIONS,
    DoubleMode,
    EntryAnswer,
    EntryEdit,
    EntrySettings,
    EntrySheet,
    Keying,
    ReviewState,
    SheetSource,
    Stage,
)
from .serials import Target
from .validation import Checked, check_answers


class CheckFailed(OperationError):
    """Typed answers have hard errors, or warnings not confirmed; ``checked`` says which."""

    def __init__(self, checked: Checked):
        self.checked = checked
        if checked.errors:
            message = _("Nothing was saved: correct the answers marked in red.")
        else:
            message = _("Check the warnings marked in yellow; if the paper really says so, "
                        "tick “Confirmed” and save again.")
        super().__init__(message)


def _checked(questionnaire, raw: dict, confirmed: bool, unasked=()) -> Checked:
    checked = check_answers(questionnaire, raw)
    for code in unasked:  # not asked on this paper: a blank is nobody's to confirm
        checked.warnings.pop(code, None)
    if checked.errors or (checked.warnings and not confirmed):
        raise CheckFailed(checked)
    return checked


def apply_contact(obj, kind: str, value: str) -> None:
    """Store a phone or citizen ID on a sheet or keying: encrypted, with its blind index."""
    setattr(obj, f"{kind}_enc", encrypt(value) if value else None)
    setattr(obj, f"{kind}_hash", blind_index(kind, value) if value else None)


def set_answer(sheet: EntrySheet, question: str, values: list, source: str,
               contact: bool = False) -> EntryAnswer:
    """Set the final value of a question and where it came from."""
    row = next((a for a in sheet.answers if a.question == question), None)
    if row is None:
        row = EntryAnswer(question=question)
        sheet.answers.append(row)
    row.values = list(values)
    row.status = "contact" if contact else ("ok" if values else "blank")
    row.source = source
    return row


def _final_from(sheet: EntrySheet, keying: Keying, source: str) -> None:
    for q in sheet.version.questionnaire.questions():
        kind = CONTACT_QUESTIONS.get(q.code)
        if kind:
            set_answer(sheet, q.code, [], source, contact=bool(getattr(keying, f"{kind}_hash")))
        else:
            set_answer(sheet, q.code, keying.values.get(q.code, []), source)
    for kind in CONTACT_QUESTIONS.values():
        for suffix in ("enc", "hash"):
            setattr(sheet, f"{kind}_{suffix}", getattr(keying, f"{kind}_{suffix}"))


def already_saved(survey, serial: int, user, form_answers) -> EntrySheet | None:
    """The sheet when ``user`` already saved these very answers for it, else None.

    A keyer whose confirmation never arrived (a dropped connection, a server restart) sends
    the same sheet again; it is already stored, so this is not an error and not a second
    keying. ``form_answers(questionnaire)`` gives the raw answers typed for a questionnaire.
    """
    from .serials import find_sheet

    sheet = find_sheet(survey, serial)
    if sheet is None:
        return None
    mine = [k for k in sheet.keyings if k.keyed_by_id == user.id]
    if not mine:
        return None
    try:
        checked = check_answers(sheet.version.questionnaire,
                                form_answers(sheet.version.questionnaire))
    except Exception:  # an odd form is simply not the same answers
        return None
    for keying in mine:
        contact_same = all(
            getattr(keying, f"{kind}_hash") == (blind_index(kind, checked.contact[kind])
                                                if checked.contact.get(kind) else None)
            for kind in CONTACT_QUESTIONS.values())
        if keying.values == checked.values and contact_same:
            return sheet
    return None


def save_keying(target: Target, raw: dict, user, confirmed: bool = False,
                started_at: datetime | None = None, interview: bool = False,
                identity: tuple[int | None, int | None] | None = None) -> EntrySheet:
    """Save one keying pass of a sheet (pass 1 creates the record; pass 2 compares).

    ``interview`` marks the first keying as the record of an interview or call the
    contractor's enumerator made (the independent survey's ``interview`` channel).
    ``identity``: (agency id, field id) chosen from the lists (the record's when None): the
    agency and field answers are their names, never typed; the questions the paper did not
    ask take what its record knows and are never warned about.
    """
    from .identity import for_sheet

    raw, (agency_id, field_id), unasked = for_sheet(target.survey, target.serial, raw, identity)
    checked = _checked(target.version.questionnaire, raw, confirmed, unasked)
    sheet = target.sheet
    if sheet is None:
        double = drawn(settings_for(target.survey), target.serial)
        sheet = EntrySheet(
            survey_id=target.survey.id, serial=target.serial, version_id=target.version.id,
            print_batch_id=target.batch.id, agency_id=agency_id, field_id=field_id,
            enumerator_id=target.enumerator_id, in_assignment=target.in_assignment,
            source=SheetSource.INTERVIEW if interview else SheetSource.KEYED, double=double,
            stage=Stage.AWAITING_KEY2 if double else Stage.FINAL,
            review_state=ReviewState.HAS_ISSUES if checked.warnings else ReviewState.RECEIVED,
            note="\n".join(checked.warning_list()))
        sheet.version = target.version
        db.session.add(sheet)
        try:
            db.session.flush()
        except IntegrityError:
            raise OperationError(_("Sheet %(s)s was saved by someone else a moment ago.",
                                   s=target.serial_text)) from None
    keying = Keying(sheet_id=sheet.id, pass_no=target.pass_no, keyed_by_id=user.id,
                    values=checked.values, warnings=checked.warning_list(),
                    started_at=started_at, saved_at=utcnow())
    for kind in CONTACT_QUESTIONS.values():
        apply_contact(keying, kind, checked.contact.get(kind, ""))
    sheet.keyings.append(keying)
    try:
        db.session.flush()
    except IntegrityError:
        raise OperationError(_("Sheet %(s)s was keyed by someone else a moment ago.",
                               s=target.serial_text)) from None
    differences = []
    if target.pass_no == 1:
        _final_from(sheet, keying, "key1")
        from ..forms.personal import returned
        returned(sheet.survey_id, sheet.serial, user, "keying")
    else:
        differences = compare(sheet, sheet.keyings[0], keying)
        agreed = {d.question for d in differences}
        for answer in sheet.answers:
            if answer.question not in agreed:
                answer.source = "key2"
        sheet.stage = Stage.ADJUDICATION if differences else Stage.FINAL
        if checked.warnings and sheet.review_state == ReviewState.RECEIVED:
            sheet.review_state = ReviewState.HAS_ISSUES
            sheet.note = "\n".join(filter(None, [sheet.note, *checked.warning_list()]))
    db.session.flush()
    audit.record(user, "entry.key", sheet, after={
        "serial": target.serial_text, "pass": target.pass_no, "state": sheet.review_state,
        "stage": sheet.stage, "double": sheet.double, "source": sheet.source,
        "warnings": checked.warning_list(),
        "differences": [d.question for d in differences]})
    return sheet


def transition(sheet: EntrySheet, name: str, user, reason: str = "") -> EntrySheet:
    """Move a sheet along a row of the review table (never ``edit``: see ``edit_answers``)."""
    t = workflow.find(name)
    if t is None or not t.button:
        raise OperationError(_("Unknown change."))
    problems = workflow.blockers(t, sheet, user)
    if problems:
        raise OperationError(" ".join(problems))
    reason = (reason or "").strip()
    if t.reason_required(sheet) and not reason:
        raise OperationError(_("Give a reason for this change."))
    before = sheet.review_state
    sheet.review_state = t.target
    extra = {}
    if t.target == ReviewState.APPROVED:
        sheet.approved_at, sheet.approved_by_id = utcnow(), user.id
        extra = _field_from_answer(sheet)
        _dossier_answered(sheet, user)
    elif before == ReviewState.APPROVED:
        sheet.approved_at = sheet.approved_by_id = None
    db.session.flush()
    audit.record(user, f"entry.{name}", sheet, before={"state": before},
                 after={"state": t.target, "serial": sheet.serial_text, **extra},
                 reason=reason or None)
    hand_off(sheet, t, user)
    return sheet


def hand_off(sheet: EntrySheet, t: workflow.Transition, user) -> int:
    """Clear the notifications of the sheet's earlier hand-off; tell whoever may move it on
    next if that is not the reviewers who just did (the table has no such row today: every
    row is the reviewers' and leads to a state they move on)."""
    from ..plans import notifications
    from ..plans.waiting import people

    notifications.clear(f"sheet:{sheet.id}")
    users = []
    for role in [r for r in workflow.next_roles(sheet.review_state) if r not in t.roles]:
        users += [u for u in people(sheet.survey, role) if u not in users]
    if not users:
        return 0
    return notifications.notify(users, sheet.survey, "sheet", {
        "code": sheet.survey.code, "serial": sheet.serial_text,
        "state": sheet.review_state.value}, actor=user, work=f"sheet:{sheet.id}")


def _dossier_answered(sheet: EntrySheet, user) -> None:
    """An approved sheet naming a drawn dossier is that dossier's answer: its outcome in the
    draw becomes answered (in part when the overall question is blank)."""
    written = next((a.values for a in sheet.answers if a.question == "dossier_code"), None)
    if not written:
        return
    from ..frames.outcomes import answer_arrived
    from ..stats.dataset import overall_item, satisfied_flag

    answers = {a.question: a.values for a in sheet.answers}
    item = overall_item(sheet.version.questionnaire.questions())
    blank = item is not None and satisfied_flag(answers, item) is None
    answer_arrived(sheet.survey, str(written[0]), user, partial=blank, channel="paper")


def approve_received(survey, user, serials: list[int] | None = None) -> list[EntrySheet]:
    """Approve, in one go, the survey's sheets received with no issues (each audited).

    Only "Received" sheets whose keying is finished qualify: a scanned sheet arrives here
    once every page is read, every doubtful mark verified and every written text typed, so
    what is left is the person's look at it. ``serials`` limits it to those sheets.
    """
    from sqlalchemy import select

    q = select(EntrySheet).where(EntrySheet.survey_id == survey.id,
                                 EntrySheet.review_state == ReviewState.RECEIVED)
    if serials is not None:
        q = q.where(EntrySheet.serial.in_(serials))
    done = []
    for sheet in db.session.scalars(q.order_by(EntrySheet.serial)).all():
        if workflow.blockers(workflow.find("approve"), sheet, user):
            continue
        transition(sheet, "approve", user, _("Approved with the other sheets received without "
                                             "issues."))
        done.append(sheet)
    return done


def _field_from_answer(sheet: EntrySheet) -> dict:
    """Give an approved sheet the field its "field" answer names (paper forms ask for it in
    writing), so field statistics and reports count it; {"field_id": id} when set."""
    if sheet.field_id is not None:
        return {}
    written = next((a.values for a in sheet.answers if a.question == "field"), None)
    if not written:
        return {}
    from sqlalchemy import select

    from ..directory.matching import match_field
    from ..directory.models import Field
    fields = [(f.id, f.code, f.name) for f in db.session.scalars(select(Field))]
    found = match_field(str(written[0]), fields)
    if found is None:
        return {}
    sheet.field_id = found
    return {"field_id": found}


def _shown_contact(sheet: EntrySheet, kind: str) -> str:
    token = getattr(sheet, f"{kind}_enc")
    return MASKERS[kind](decrypt(token)) if token else ""


def edit_answers(sheet: EntrySheet, raw: dict, user, reason: str = "",
                 confirmed: bool = False,
                 identity: tuple[int | None, int | None] | None = None) -> list[EntryEdit]:
    """Change final answers (source becomes ``edited``); audited with before and after.

    ``identity``: the (agency id, field id) chosen from the lists (the sheet's when None).
    """
    t = workflow.find("edit")
    problems = workflow.blockers(t, sheet, user) or workflow.keying_done(sheet)
    if problems:
        raise OperationError(" ".join(problems))
    reason = (reason or "").strip()
    if t.reason_required(sheet) and not reason:
        raise OperationError(_("An approved sheet is changed only with a reason."))
    qn = sheet.version.questionnaire
    # A contact field left empty keeps its value: nobody retypes what they may not see.
    raw = dict(raw)
    for code, kind in CONTACT_QUESTIONS.items():
        if not str(raw.get(code) or "").strip() and getattr(sheet, f"{kind}_enc"):
            raw[code] = decrypt(getattr(sheet, f"{kind}_enc"))
    from .identity import for_sheet

    current = sheet.answer_map()
    identity = identity if identity is not None else (sheet.agency_id, sheet.field_id)
    raw, identity, unasked = for_sheet(sheet.survey, sheet.serial, raw, identity,
                                       {k: a.values for k, a in current.items()})
    checked = _checked(qn, raw, confirmed, unasked)
    edits = []
    for q in qn.questions():
        kind = CONTACT_QUESTIONS.get(q.code)
        if kind:
            new = checked.contact.get(kind, "")
            if (blind_index(kind, new) if new else None) == getattr(sheet, f"{kind}_hash"):
                continue
            before, after = [_shown_contact(sheet, kind)], [MASKERS[kind](new)]
            apply_contact(sheet, kind, new)
            set_answer(sheet, q.code, [], "edited", contact=bool(new))
        else:
            old = list(current[q.code].values) if q.code in current else []
            if old == checked.values[q.code]:
                continue
            before, after = old, checked.values[q.code]
            set_answer(sheet, q.code, after, "edited")
        edit = EntryEdit(sheet_id=sheet.id, question=q.code, before=before, after=after,
                         reason=reason, edited_by_id=user.id)
        db.session.add(edit)
        edits.append(edit)
    moved = {}
    if identity is not None and identity != (sheet.agency_id, sheet.field_id):
        moved = {"before_ids": [sheet.agency_id, sheet.field_id], "after_ids": list(identity)}
        sheet.agency_id, sheet.field_id = identity
    if not edits and not moved:
        raise OperationError(_("Nothing was changed."))
    state = sheet.review_state
    sheet.review_state = ReviewState.EDITED
    sheet.approved_at = sheet.approved_by_id = None
    db.session.flush()
    audit.record(user, "entry.edit", sheet,
                 before={"state": state, **{e.question: e.before for e in edits},
                         **({"agency_field": moved["before_ids"]} if moved else {})},
                 after={"state": ReviewState.EDITED, **{e.question: e.after for e in edits},
                        **({"agency_field": moved["after_ids"]} if moved else {})},
                 reason=reason or None)
    hand_off(sheet, workflow.find("edit"), user)
    return edits


def update_settings(survey, data: dict, user) -> EntrySettings:
    """Set the survey's double entry: none, every sheet, or a seeded random percentage."""
    try:
        mode = DoubleMode(data.get("double_mode"))
    except ValueError:
        raise OperationError(_("Choose how many sheets are keyed twice.")) from None
    percent, seed = data.get("percent"), data.get("seed")
    if mode == DoubleMode.PERCENT and (not isinstance(percent, int) or not 1 <= percent <= 100):
        raise OperationError(_("The percentage must be a whole number from 1 to 100."))
    if seed is not None and (not isinstance(seed, int) or not 0 <= seed <= 2 ** 31 - 1):
        raise OperationError(_("The seed must be a whole number from 0 to 2147483647."))
    row = settings_for(survey)
    before = {"mode": row.double_mode, "percent": row.percent, "seed": row.seed}
    row.double_mode = mode
    row.percent = percent if mode == DoubleMode.PERCENT else 0
    row.seed = seed if seed is not None else (row.seed or 0)
    row.updated_by_id = user.id
    db.session.add(row)
    db.session.flush()
    audit.record(user, "entry.settings", row, before=before,
                 after={"mode": row.double_mode, "percent": row.percent, "seed": row.seed})
    return row
