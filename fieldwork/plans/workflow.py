"""The transition table of the six steps: (step, from, to, who may, guard).

The dashboard draws its buttons from it, ``operations_steps.transition`` enforces it, and the
tests are parametrized over its rows. A guard returns the reasons a transition cannot happen
yet (empty when it may), in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..auth.roles import RoleName
from ..extensions import db
from ..timeutil import local_today
from . import forms_link, registry
from .models_docs import Attachment, DocKind
from .models_fieldwork import Assignment, ConsultationComment, PilotRecord, SerialRange
from .models_review import CommentRound, Council, CouncilDecision, WrittenOpinion
from .models_workflow import Step
from .models_workflow import StepState as S
from .progress import progress, requirements
from .steps import ensure, plan_of

M, HA = RoleName.MANAGER, RoleName.HOME_AFFAIRS


def _has_doc(survey, kind: DocKind) -> bool:
    return db.session.scalar(select(Attachment.id).where(
        Attachment.survey_id == survey.id, Attachment.kind == kind).limit(1)) is not None


def _step_is(survey, step: Step, *states: S) -> bool:
    return ensure(survey)[step].state in states


# --- guards -----------------------------------------------------------------------------------

def plan_ready(survey) -> list[str]:
    """Every section written, agencies in scope, a required sample for each."""
    plan = plan_of(survey)
    reasons = []
    from .models_workflow import SECTION_LABELS
    missing = plan.missing_sections()
    if missing:
        reasons.append(_("These plan sections are still empty: %(names)s.",
                         names=", ".join(str(SECTION_LABELS[k]) for k in missing)))
    if not survey.scope:
        reasons.append(_("No agency is in scope yet."))
    for r in requirements(survey):
        if r.error:
            reasons.append(f"{r.scope.label}: {r.error}")
    return reasons


def plan_signed(survey) -> list[str]:
    """The signer is named in the document header and the signed plan is uploaded."""
    plan = plan_of(survey)
    reasons = []
    if not plan.signer_title.strip() or not plan.signer_name.strip():
        reasons.append(_("The document header names no signer: enter the signer's title and "
                         "name (section “Document header and signature”) before issuing."))
    if not _has_doc(survey, DocKind.PLAN_SIGNED):
        reasons.append(_("Upload the signed plan (document kind “Signed plan”) before "
                         "issuing it."))
    return reasons


def plan_issued(survey) -> list[str]:
    """Step 2 starts only once the plan is issued."""
    if not _step_is(survey, Step.PLAN, S.ISSUED):
        return [_("The plan (step 1) must be issued first.")]
    return []


def consultation_done(survey) -> list[str]:
    """Every consultation comment has a disposition and a questionnaire version is approved."""
    reasons = []
    open_ = db.session.scalar(select(func.count(ConsultationComment.id)).where(
        ConsultationComment.survey_id == survey.id,
        ConsultationComment.disposition.is_(None)))
    if open_:
        reasons.append(_("%(n)d consultation comment(s) still have no disposition.", n=open_))
    if forms_link.api() is None:
        reasons.append(_("The questionnaire module is not installed, so no approved version "
                         "can be confirmed."))
    elif not forms_link.has_approved_version(survey):
        reasons.append(_("Home Affairs has not approved any questionnaire version yet."))
    return reasons


def pilot_done(survey) -> list[str]:
    """A pilot is recorded; if it required changes, a later version has been approved."""
    pilot = db.session.scalars(select(PilotRecord).where(
        PilotRecord.survey_id == survey.id).order_by(PilotRecord.id.desc()).limit(1)).first()
    if pilot is None:
        return [_("Record the pilot survey (batch, findings, changes) first.")]
    if pilot.changes_required:
        later = [n for n in forms_link.approved_numbers(survey)
                 if pilot.version_number is not None and n > pilot.version_number]
        if not later:
            return [_("The pilot required changes: Home Affairs must approve a version newer "
                      "than the piloted version %(n)s.", n=pilot.version_number or "?")]
    return []


def questionnaire_approved(survey) -> list[str]:
    """Training starts once the questionnaire is approved."""
    if not _step_is(survey, Step.QUESTIONNAIRE, S.APPROVED, S.FINAL):
        return [_("The questionnaire (step 2) must be approved first.")]
    return []


def fieldwork_ready(survey) -> list[str]:
    """Questionnaire final and at least one assignment made."""
    reasons = []
    if not _step_is(survey, Step.QUESTIONNAIRE, S.FINAL):
        reasons.append(_("The questionnaire (step 2) must be final (after its pilot)."))
    if not db.session.scalar(select(Assignment.id).where(
            Assignment.survey_id == survey.id).limit(1)):
        reasons.append(_("No enumerator has an assignment yet."))
    return reasons


def forms_returned(survey) -> list[str]:
    """Forms were handed out and every range handed out has its return recorded."""
    ranges = db.session.scalars(select(SerialRange).where(
        SerialRange.survey_id == survey.id)).all()
    if not ranges:
        return [_("No serial range has been handed out.")]
    pending = [r for r in ranges if not r.returned]
    if pending:
        return [_("%(n)d serial range(s) handed out have no return recorded yet.",
                  n=len(pending))]
    return []


def fieldwork_completed(survey) -> list[str]:
    """Processing starts once fieldwork is completed."""
    if not _step_is(survey, Step.FIELDWORK, S.COMPLETED):
        return [_("Fieldwork (step 3) must be completed first.")]
    return []


def data_complete(survey) -> list[str]:
    """Every agency in scope has its required sample of approved independent sheets, or a
    written explanation; the report drafts are checked by what the reports package
    registered for this transition."""
    items, _total = progress(survey)
    short = [_("%(agency)s (%(approved)s of %(required)s approved)", agency=a.agency.name,
               approved=a.approved, required=a.required if a.required is not None else "?")
             for a in items if not a.met and not a.explained]
    if short:
        return [_("Approved sheets are below the required sample, without a written "
                  "explanation, for: %(names)s.", names="; ".join(short))]
    return []


def drafts_ready(survey) -> list[str]:
    """Comment rounds start once the report drafts are ready."""
    if not _step_is(survey, Step.PROCESSING, S.DRAFTED):
        return [_("The report drafts (step 4) must be ready first.")]
    return []


def round_answered(survey) -> list[str]:
    """Every comment of the open round answered and every on-site verification closed."""
    rnd = db.session.scalars(select(CommentRound).where(
        CommentRound.survey_id == survey.id, CommentRound.closed_at.is_(None))).first()
    if rnd is None:
        return []
    reasons = []
    unanswered = [c for c in rnd.comments if c.response_kind is None]
    if unanswered:
        reasons.append(_("%(n)d comment(s) have no response yet.", n=len(unanswered)))
    open_tasks = [t for c in rnd.comments for t in c.verifications if t.closed_at is None]
    if open_tasks:
        reasons.append(_("%(n)d on-site verification(s) are still open.", n=len(open_tasks)))
    silent = silent_agencies(rnd)
    due = ensure(survey)[Step.COMMENTS].due_date
    if silent and (due is None or local_today() <= due):
        # An agency has until the due date to send its comments; closing earlier would take
        # that time from it. After the due date its silence is recorded with the closing.
        names = ", ".join(d.agency.name for d in silent)
        if due is None:
            reasons.append(_("No comment yet from %(names)s; the round closes once every "
                             "agency has commented, or after the step's due date (set one).",
                             names=names))
        else:
            reasons.append(_("No comment yet from %(names)s; the round closes once every "
                             "agency has commented, or after the due date %(due)s.",
                             names=names, due=due.strftime("%d/%m/%Y")))
    return reasons


def silent_agencies(rnd: CommentRound) -> list:
    """The round's drafts whose agency has sent no comment."""
    commented = {c.agency_id for c in rnd.comments}
    return [d for d in rnd.drafts if d.agency_id not in commented]


def comments_completed(survey) -> list[str]:
    """Acceptance starts once the comment rounds are complete."""
    if not _step_is(survey, Step.COMMENTS, S.COMPLETED):
        return [_("The comment rounds (step 5) must be completed first.")]
    return []


def opinions_in(survey) -> list[str]:
    """At least one written opinion recorded."""
    if not db.session.scalar(select(WrittenOpinion.id).where(
            WrittenOpinion.survey_id == survey.id).limit(1)):
        return [_("Record at least one written opinion.")]
    return []


def council_decided(survey) -> list[str]:
    """Council members, meeting date, minutes and a positive decision recorded."""
    council = db.session.scalar(select(Council).where(Council.survey_id == survey.id))
    if council is None:
        return [_("Record the acceptance council.")]
    reasons = []
    if not council.members:
        reasons.append(_("Add the council members."))
    if council.meeting_on is None:
        reasons.append(_("Enter the council's meeting date."))
    if council.minutes_id is None:
        reasons.append(_("Attach the council minutes."))
    if council.decision is None:
        reasons.append(_("Record the council's decision."))
    elif council.decision == CouncilDecision.NOT_PASSED:
        reasons.append(_("The council did not accept the report; revise it and hold the "
                         "council again."))
    return reasons


def final_report(survey) -> list[str]:
    """The final report file is attached."""
    if not _has_doc(survey, DocKind.FINAL_REPORT):
        return [_("Attach the final report (document kind “Final report”).")]
    return []


def report_to_publish(survey) -> list[str]:
    """Which attached final report is published is settled (``final_report.accepted_report``)."""
    from .final_report import publish_gaps

    return publish_gaps(survey)


# --- the table --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Transition:
    """One allowed move of one step, by holders of ``roles``, if ``guard`` gives no reason."""

    step: Step
    name: str
    source: S
    target: S
    roles: tuple[RoleName, ...]
    label: object
    guard: Callable[[object], list[str]] | None = None
    needs_comment: bool = False
    style: str = "primary"
    # An optional move (e.g. withdrawing) does not make the step wait on its roles.
    optional: bool = False

    @property
    def key(self) -> str:
        """A stable id for tests and audit: ``plan.submit@draft``."""
        return f"{self.step.name.lower()}.{self.name}@{self.source}"

    @property
    def action(self) -> str:
        """The audit action name."""
        return f"workflow.{self.step.name.lower()}.{self.name}"


T = Transition
TRANSITIONS: tuple[Transition, ...] = (
    # Step 1: plan drafted, appraised by Home Affairs (Q1), issued.
    T(Step.PLAN, "submit", S.DRAFT, S.SUBMITTED, (M,), _l("Submit the plan to Home Affairs"),
      plan_ready),
    T(Step.PLAN, "submit", S.RETURNED, S.SUBMITTED, (M,),
      _l("Submit the plan to Home Affairs again"), plan_ready),
    T(Step.PLAN, "withdraw", S.SUBMITTED, S.DRAFT, (M,), _l("Withdraw submission"),
      style="outline-secondary", optional=True),
    T(Step.PLAN, "return", S.SUBMITTED, S.RETURNED, (HA,), _l("Return with comments"),
      needs_comment=True, style="warning"),
    T(Step.PLAN, "appraise", S.SUBMITTED, S.APPRAISED, (HA,), _l("Appraise the plan"),
      style="success"),
    T(Step.PLAN, "issue", S.APPRAISED, S.ISSUED, (M,), _l("Issue the plan"), plan_signed,
      style="success"),
    # Step 2: questionnaire consulted in writing, approved by Home Affairs, piloted, final.
    T(Step.QUESTIONNAIRE, "open_consultation", S.NOT_STARTED, S.CONSULTATION, (M,),
      _l("Open written consultation"), plan_issued),
    T(Step.QUESTIONNAIRE, "close_consultation", S.CONSULTATION, S.APPROVED, (M,),
      _l("Close consultation (version approved by Home Affairs)"), consultation_done),
    T(Step.QUESTIONNAIRE, "finalise", S.APPROVED, S.FINAL, (M,),
      _l("Finalise after the pilot"), pilot_done, style="success"),
    # Step 3: training, then fieldwork by trained enumerators.
    T(Step.FIELDWORK, "start_training", S.NOT_STARTED, S.TRAINING, (M,),
      _l("Start training"), questionnaire_approved),
    T(Step.FIELDWORK, "start_fieldwork", S.TRAINING, S.IN_FIELD, (M,),
      _l("Start fieldwork"), fieldwork_ready),
    T(Step.FIELDWORK, "close_fieldwork", S.IN_FIELD, S.COMPLETED, (M,),
      _l("Close fieldwork"), forms_returned, style="success"),
    # Step 4: data processing; done when quotas are met or explained and drafts attached.
    T(Step.PROCESSING, "start_processing", S.NOT_STARTED, S.PROCESSING, (M,),
      _l("Start data processing"), fieldwork_completed),
    T(Step.PROCESSING, "complete_drafts", S.PROCESSING, S.DRAFTED, (M,),
      _l("Report drafts are ready"), data_complete, style="success"),
    # Step 5: comment rounds with agencies (complete in November).
    T(Step.COMMENTS, "open_round", S.NOT_STARTED, S.ROUND_OPEN, (M,),
      _l("Open a comment round"), drafts_ready),
    T(Step.COMMENTS, "close_round", S.ROUND_OPEN, S.ROUND_CLOSED, (M,),
      _l("Close the comment round"), round_answered),
    T(Step.COMMENTS, "open_round", S.ROUND_CLOSED, S.ROUND_OPEN, (M,),
      _l("Open another comment round"), style="outline-primary"),
    T(Step.COMMENTS, "complete", S.ROUND_CLOSED, S.COMPLETED, (M,),
      _l("Comments complete"), style="success"),
    # Step 6: written opinions or an acceptance council, appraisal, issue, publication.
    T(Step.ACCEPTANCE, "collect_opinions", S.NOT_STARTED, S.OPINIONS, (M,),
      _l("Collect written opinions"), comments_completed),
    T(Step.ACCEPTANCE, "convene_council", S.NOT_STARTED, S.COUNCIL, (M,),
      _l("Convene an acceptance council"), comments_completed, style="outline-primary"),
    T(Step.ACCEPTANCE, "submit", S.OPINIONS, S.SUBMITTED, (M,),
      _l("Submit the report to Home Affairs"), opinions_in),
    T(Step.ACCEPTANCE, "submit", S.COUNCIL, S.SUBMITTED, (M,),
      _l("Submit the report to Home Affairs"), council_decided),
    T(Step.ACCEPTANCE, "return", S.SUBMITTED, S.RETURNED, (HA,), _l("Return with comments"),
      needs_comment=True, style="warning"),
    T(Step.ACCEPTANCE, "submit", S.RETURNED, S.SUBMITTED, (M,),
      _l("Submit the report to Home Affairs again")),
    T(Step.ACCEPTANCE, "appraise", S.SUBMITTED, S.APPRAISED, (HA,), _l("Appraise the report"),
      style="success"),
    T(Step.ACCEPTANCE, "issue", S.APPRAISED, S.ISSUED, (M,), _l("Issue the report"),
      final_report, style="success"),
    T(Step.ACCEPTANCE, "publish", S.ISSUED, S.PUBLISHED, (M,),
      _l("Publish on the public page"), report_to_publish, style="success"),
)


def reasons(t: Transition, survey) -> list[str]:
    """Why ``t`` cannot happen now: the table's guard, then the checks features registered
    for it (empty when it may)."""
    out = list(t.guard(survey)) if t.guard is not None else []
    return out + registry.run_checks(t.step, t.name, survey)


def find(step: Step, name: str, source: S) -> Transition | None:
    """The transition called ``name`` out of ``source`` in ``step``, if any."""
    for t in TRANSITIONS:
        if t.step == step and t.name == name and t.source == source:
            return t
    return None


def named(step: Step, name: str) -> list[Transition]:
    """All rows of ``step`` called ``name`` (to tell "wrong state" from "no such action")."""
    return [t for t in TRANSITIONS if t.step == step and t.name == name]


def out_of(step: Step, state: S) -> list[Transition]:
    """Transitions leaving ``state`` in ``step``."""
    return [t for t in TRANSITIONS if t.step == step and t.source == state]


def states_of(step: Step) -> list[S]:
    """The states a step can be in, in table order."""
    seen: list[S] = []
    for t in TRANSITIONS:
        if t.step == step:
            for s in (t.source, t.target):
                if s not in seen:
                    seen.append(s)
    return seen


def reviewer_ok(survey, user) -> bool:
    """Home Affairs acts only through the reviewer assigned to the survey (any if none)."""
    plan = plan_of(survey)
    return plan.reviewer_id is None or plan.reviewer_id == user.id


def may(t: Transition, survey, user) -> bool:
    """The user's roles (and, for Home Affairs, the assignment) allow ``t``."""
    if not user.has_role(*t.roles):
        return False
    if t.roles == (HA,) and not reviewer_ok(survey, user):
        return False
    return True


def waiting_roles(step: Step, state: S) -> list[RoleName]:
    """Who the step is waiting on in ``state`` (the roles of transitions leaving it)."""
    roles: list[RoleName] = []
    for t in out_of(step, state):
        if t.optional:
            continue
        for r in t.roles:
            if r not in roles:
                roles.append(r)
    return roles
