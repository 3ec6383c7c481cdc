"""Steps 2-4: consultation comments, pilots, training, assignments, serial ranges, shortfalls."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..auth.models import User
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..timeutil import utcnow
from . import forms_link, notifications, registry
from . import validate as v
from .models import Survey
from .models_fieldwork import (
    Assignment,
    Attendance,
    ConsultationComment,
    Disposition,
    PilotRecord,
    SerialRange,
    TrainingSession,
)
from .models_workflow import STATE_LABELS, STEP_LABELS, Step, StepState
from .operations import _not_closed, require
from .steps import ensure


def _in_state(survey: Survey, step: Step, *states: StepState) -> None:
    _not_closed(survey)
    state = ensure(survey)[step].state
    if state not in states:
        raise OperationError(_("Not possible while “%(step)s” is %(state)s.",
                               step=STEP_LABELS[step], state=STATE_LABELS[state]))


def _agency_in_scope(survey: Survey, data: dict, required: bool):
    agency_id = v.integer(data, "agency_id", _("Agency"), required=required)
    if agency_id is None or agency_id == 0:
        if required:
            raise OperationError(_("Choose an agency in this survey's scope."))
        return None
    row = next((s for s in survey.scope if s.agency_id == agency_id), None)
    if row is None:
        raise OperationError(_("Choose an agency in this survey's scope."))
    return row.agency


# --- step 2 -------------------------------------------------------------------------------------

def add_consultation_comment(survey: Survey, data: dict, user) -> ConsultationComment:
    """Record an agency's written comment on the draft questionnaire."""
    require(user, RoleName.MANAGER)
    _in_state(survey, Step.QUESTIONNAIRE, StepState.CONSULTATION)
    agency = _agency_in_scope(survey, data, required=False)
    row = ConsultationComment(
        survey_id=survey.id, agency_id=agency.id if agency else None,
        document_ref=v.text(data, "document_ref", _("Letter reference"), max_len=200),
        received_on=v.day(data, "received_on", _("Received on"), required=False),
        text=v.text(data, "text", _("Comment"), required=True), created_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    audit.record(user, "consultation.add", row, after={
        "survey": survey.code, "agency": agency.name if agency else None,
        "document_ref": row.document_ref, "text": row.text})
    return row


def dispose_consultation_comment(comment: ConsultationComment, data: dict, user) -> None:
    """Record what the contractor did with a consultation comment."""
    require(user, RoleName.MANAGER)
    survey = db.session.get(Survey, comment.survey_id)
    _in_state(survey, Step.QUESTIONNAIRE, StepState.CONSULTATION)
    disposition = v.choice(data, "disposition", _("Disposition"), Disposition)
    text = v.text(data, "disposition_text", _("Disposition"), required=True)
    before = {"disposition": comment.disposition, "text": comment.disposition_text}
    comment.disposition, comment.disposition_text = disposition, text
    comment.disposed_by_id, comment.disposed_at = user.id, utcnow()
    db.session.flush()
    audit.record(user, "consultation.dispose", comment, before=before,
                 after={"disposition": disposition, "text": text})


def add_pilot(survey: Survey, data: dict, user) -> PilotRecord:
    """Record a pilot survey: version and batch piloted, findings and resulting changes."""
    require(user, RoleName.MANAGER)
    _in_state(survey, Step.QUESTIONNAIRE, StepState.APPROVED)
    number = v.integer(data, "version_number", _("Piloted questionnaire version"),
                       required=False, low=1)
    known = [ver.number for ver in forms_link.versions(survey)]
    if number is not None and known and number not in known:
        raise OperationError(_("Questionnaire version %(n)d does not exist.", n=number))
    changes_required = v.flag(data, "changes_required")
    changes = v.text(data, "changes", _("Resulting changes"))
    if changes_required and (number is None or not changes):
        raise OperationError(_("When the pilot requires changes, give the piloted version and "
                               "describe the changes."))
    row = PilotRecord(
        survey_id=survey.id, version_number=number,
        batch_ref=v.text(data, "batch_ref", _("Pilot batch"), max_len=200),
        held_on=v.day(data, "held_on", _("Pilot date")),
        place=v.text(data, "place", _("Place"), max_len=200),
        sheets=v.integer(data, "sheets", _("Sheets"), required=False) or 0,
        findings=v.text(data, "findings", _("Findings"), required=True),
        changes=changes, changes_required=changes_required, created_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    audit.record(user, "pilot.add", row, after={
        "survey": survey.code, "version": number, "batch": row.batch_ref,
        "findings": row.findings, "changes": changes, "changes_required": changes_required})
    return row


# --- step 3 -------------------------------------------------------------------------------------

def add_training_session(survey: Survey, data: dict, user) -> TrainingSession:
    """Schedule a training session (with a pass mark if it has a test)."""
    require(user, RoleName.MANAGER)
    _in_state(survey, Step.FIELDWORK, StepState.TRAINING, StepState.IN_FIELD)
    row = TrainingSession(
        survey_id=survey.id, held_on=v.day(data, "held_on", _("Date")),
        place=v.text(data, "place", _("Place"), required=True, max_len=200),
        trainer=v.text(data, "trainer", _("Trainer"), required=True, max_len=200),
        materials=v.text(data, "materials", _("Materials")),
        pass_mark=v.integer(data, "pass_mark", _("Pass mark"), required=False, low=0, high=100),
        created_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    audit.record(user, "training.add", row, after={
        "survey": survey.code, "held_on": row.held_on, "place": row.place,
        "trainer": row.trainer, "pass_mark": row.pass_mark})
    return row


def record_attendance(session: TrainingSession, data: dict, user) -> Attendance:
    """Record (or correct) one enumerator's attendance and test score at a session."""
    require(user, RoleName.MANAGER)
    survey = db.session.get(Survey, session.survey_id)
    _in_state(survey, Step.FIELDWORK, StepState.TRAINING, StepState.IN_FIELD)
    person = db.session.get(User, v.integer(data, "user_id", _("Enumerator")) or 0)
    if person is None or not person.has_role(RoleName.ENUMERATOR):
        raise OperationError(_("Choose an enumerator."))
    present = v.flag(data, "present")
    score = v.integer(data, "score", _("Test score"), required=False, low=0, high=100)
    if present and session.pass_mark is not None and score is None:
        raise OperationError(_("This session has a test: enter the score."))
    row = db.session.scalar(select(Attendance).where(Attendance.session_id == session.id,
                                                     Attendance.user_id == person.id))
    before = {"present": row.present, "score": row.score} if row else None
    if row is None:
        row = Attendance(session_id=session.id, user_id=person.id)
        session.attendance.append(row)
    row.present, row.score = present, score
    db.session.flush()
    audit.record(user, "training.attendance", row, before=before, after={
        "enumerator": person.email, "present": present, "score": score,
        "passed": row.passed})
    return row


def passed_enumerators(survey: Survey) -> set[int]:
    """Ids of enumerators who passed at least one training session of the survey."""
    rows = db.session.scalars(select(Attendance).join(TrainingSession).where(
        TrainingSession.survey_id == survey.id)).all()
    return {a.user_id for a in rows if a.passed}


def add_assignment(survey: Survey, data: dict, user) -> Assignment:
    """Give a trained enumerator a quota of completed forms at an agency in scope."""
    require(user, RoleName.MANAGER)
    _in_state(survey, Step.FIELDWORK, StepState.TRAINING, StepState.IN_FIELD)
    person = db.session.get(User, v.integer(data, "enumerator_id", _("Enumerator")) or 0)
    if person is None or not person.active or not person.has_role(RoleName.ENUMERATOR):
        raise OperationError(_("Choose an enumerator."))
    if person.id not in passed_enumerators(survey):
        raise OperationError(_("%(name)s has not passed a training session of this survey "
                               "and cannot be assigned.", name=person.name))
    agency = _agency_in_scope(survey, data, required=True)
    quota = v.integer(data, "quota", _("Quota"), low=1, high=100000)
    if db.session.scalar(select(Assignment.id).where(
            Assignment.survey_id == survey.id, Assignment.enumerator_id == person.id,
            Assignment.agency_id == agency.id)):
        raise OperationError(_("%(name)s already has an assignment at %(agency)s.",
                               name=person.name, agency=agency.name))
    row = Assignment(survey_id=survey.id, enumerator_id=person.id, agency_id=agency.id,
                     quota=quota, created_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    audit.record(user, "assignment.add", row, after={
        "survey": survey.code, "enumerator": person.email, "agency": agency.name,
        "quota": quota})
    notifications.notify([person], survey, "assignment",
                         {"code": survey.code, "quota": quota, "agency": agency.name},
                         actor=user)
    return row


def hand_out_range(assignment: Assignment, data: dict, user) -> SerialRange:
    """Hand printed live sheets ``first..last`` to the assignment's enumerator."""
    require(user, RoleName.MANAGER)
    survey = db.session.get(Survey, assignment.survey_id)
    _in_state(survey, Step.FIELDWORK, StepState.TRAINING, StepState.IN_FIELD)
    first = v.integer(data, "first_serial", _("First serial"), low=1)
    last = v.integer(data, "last_serial", _("Last serial"), low=1)
    if last < first:
        raise OperationError(_("The last serial must not be smaller than the first."))
    printed = forms_link.serials_printed(survey, first, last)
    if printed is None:
        raise OperationError(_("Serials cannot be checked because the questionnaire module is "
                               "not installed; nothing was handed out."))
    if not printed:
        raise OperationError(_("Serials %(first)d–%(last)d were not all printed as live forms "
                               "of this survey.", first=first, last=last))
    clash = db.session.scalars(select(SerialRange).where(
        SerialRange.survey_id == survey.id, SerialRange.first_serial <= last,
        SerialRange.last_serial >= first)).first()
    if clash is not None:
        raise OperationError(_("Serials %(first)d–%(last)d overlap a range already handed out "
                               "(%(a)d–%(b)d).", first=first, last=last,
                               a=clash.first_serial, b=clash.last_serial))
    row = SerialRange(assignment_id=assignment.id, survey_id=survey.id, first_serial=first,
                      last_serial=last, handed_out_on=v.day(data, "handed_out_on",
                                                            _("Handed out on")))
    assignment.ranges.append(row)
    db.session.flush()
    audit.record(user, "serials.hand_out", row, after={
        "survey": survey.code, "enumerator": assignment.enumerator.email,
        "agency": assignment.agency.name, "first": first, "last": last})
    return row


def range_counts(survey: Survey) -> dict:
    """{range id: Counter} of the sheets in the system from each serial range handed out."""
    counter = registry.service("sheet_counts")
    return counter(survey)["ranges"] if counter else {}


def record_return(rng: SerialRange, data: dict, user) -> SerialRange:
    """Record the paper handed back from a range: completed forms (counted on paper) and
    unused forms. What is in the system is measured; the completed forms not in it yet are
    shown as typed. Refused when the paper counted exceeds the sheets handed out, or when
    fewer completed forms are typed than sheets of the range already in the system."""
    require(user, RoleName.MANAGER)
    survey = db.session.get(Survey, rng.survey_id)
    _in_state(survey, Step.FIELDWORK, StepState.IN_FIELD)
    completed = v.integer(data, "completed", _("Completed forms handed back"))
    unused = v.integer(data, "unused", _("Unused forms handed back"))
    if completed + unused > rng.size:
        raise OperationError(_("%(completed)d completed and %(unused)d unused forms are more "
                               "than the %(size)d sheets handed out in range %(first)d–"
                               "%(last)d; nothing was saved.", completed=completed,
                               unused=unused, size=rng.size, first=rng.first_serial,
                               last=rng.last_serial))
    inside = range_counts(survey).get(rng.id, {}).get("in_system", 0)
    if completed < inside:
        raise OperationError(_("%(n)d sheets of range %(first)d–%(last)d are already in the "
                               "system (scanned or keyed), so at least %(n)d completed forms "
                               "came back; nothing was saved.", n=inside,
                               first=rng.first_serial, last=rng.last_serial))
    before = ({"completed": rng.completed, "unused": rng.unused} if rng.returned else None)
    rng.returned_on = v.day(data, "returned_on", _("Returned on"))
    rng.completed, rng.unused = completed, unused
    db.session.flush()
    audit.record(user, "serials.return", rng, before=before, after={
        "first": rng.first_serial, "last": rng.last_serial, "completed": completed,
        "unused": unused, "in_system": inside, "not_in_system_yet": completed - inside})
    return rng


# --- step 4 -------------------------------------------------------------------------------------

def explain_shortfalls(survey: Survey, data: dict, user) -> int:
    """Save the written explanations of step 4: why a sample was not met (``note_<scope
    id>`` per row, ``note_all`` for every short row left empty) and why an agency has no
    report draft (``draft_note_<agency id>``, kept on each of its rows; ``draft_note_all`` for
    every agency without a draft left empty). Returns the number of rows changed."""
    require(user, RoleName.MANAGER)
    _in_state(survey, Step.PROCESSING, StepState.PROCESSING)
    from .progress import progress
    common = v.text(data, "note_all", _("Explanation"), max_len=5000)
    common_draft = v.text(data, "draft_note_all", _("Explanation"), max_len=5000)
    short = {a.agency.id for a in progress(survey)[0] if not a.met}
    drafts = registry.service("report_drafts")
    undrafted = ({a for a, att in drafts(survey)["agencies"].items() if att is None}
                 if drafts and common_draft else set())
    changed: dict = {}
    for row in survey.scope:
        key = f"note_{row.id}"
        if key in data or (common and row.agency_id in short):
            note = v.text(data, key, _("Explanation"), max_len=5000)
            if not note and row.agency_id in short:
                note = common or (row.shortfall_note or "")
            if note != (row.shortfall_note or ""):
                changed[row.label] = note
                row.shortfall_note = note or None
        draft_key = f"draft_note_{row.agency_id}"
        if draft_key in data or row.agency_id in undrafted:
            note = v.text(data, draft_key, _("Explanation"), max_len=5000)
            if not note and row.agency_id in undrafted:
                note = common_draft or (row.draft_note or "")
            if note != (row.draft_note or ""):
                changed[f"{row.label} (draft)"] = note
                row.draft_note = note or None
    if changed:
        db.session.flush()
        audit.record(user, "progress.shortfall", survey, after=changed)
    return len(changed)
