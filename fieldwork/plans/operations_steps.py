"""Moving a step along the transition table, with its side effects and notifications."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..errors import OperationError
from ..extensions import db
from ..timeutil import utcnow
from . import attachments, registry, workflow
from . import validate as v
from .models import Survey, SurveyStatus
from .models_docs import DocKind
from .models_review import CommentRound, Council, Publication, RoundDraft
from .models_workflow import STATE_LABELS, STEP_LABELS, Step, WorkflowStep
from .steps import ensure


def _step(data: dict) -> Step:
    try:
        return Step(int(data.get("step")))
    except (TypeError, ValueError):
        raise OperationError(_("Unknown step.")) from None


def transition(survey: Survey, data: dict, user) -> WorkflowStep:
    """Move ``data['step']`` along the transition ``data['name']`` (with ``comment``).

    Refused, with nothing written, when the step is not in a state the transition leaves,
    the user's role (or Home Affairs assignment) does not allow it, a required comment is
    missing, or the guard gives reasons.
    """
    step = _step(data)
    name = (data.get("name") or "").strip()
    if survey.status == SurveyStatus.CLOSED:
        raise OperationError(_("Survey %(code)s is closed; nothing can change any more.",
                               code=survey.code))
    row = ensure(survey)[step]
    t = workflow.find(step, name, row.state)
    if t is None:
        if not workflow.named(step, name):
            raise OperationError(_("Unknown action."))
        raise OperationError(_("“%(step)s” is %(state)s; this action is not possible now.",
                               step=STEP_LABELS[step], state=STATE_LABELS[row.state]))
    if not user.has_role(*t.roles):
        raise OperationError(_("Your role does not allow this action."))
    if not workflow.may(t, survey, user):
        raise OperationError(_("This survey is assigned to another Home Affairs reviewer."))
    comment = v.text(data, "comment", _("Comment"), required=t.needs_comment, max_len=5000)
    reasons = workflow.reasons(t, survey)
    if reasons:
        raise OperationError(" ".join(reasons))
    before = row.state
    row.state = t.target
    row.updated_at = utcnow()
    row.updated_by_id = user.id
    row.last_comment = comment or None
    effect = EFFECTS.get((step, t.name))
    extra = dict(effect(survey, user) or {}) if effect else {}
    extra.update(registry.run_effects(step, t.name, survey, user))
    db.session.flush()
    audit.record(user, t.action, row, before={"state": before},
                 after={"state": t.target, "survey": survey.code, **extra},
                 reason=comment or None)
    from .waiting import hand_off
    hand_off(survey, step, t, row, user)
    return row


# --- effects ------------------------------------------------------------------------------------

def _issue_plan(survey: Survey, user) -> dict:
    survey.status = SurveyStatus.ACTIVE
    return {"survey_status": SurveyStatus.ACTIVE}


def _open_round(survey: Survey, user) -> dict:
    """Start round n+1 and send every agency in scope its latest draft, if it has one."""
    number = (db.session.scalar(select(func.max(CommentRound.number)).where(
        CommentRound.survey_id == survey.id)) or 0) + 1
    rnd = CommentRound(survey_id=survey.id, number=number)
    db.session.add(rnd)
    db.session.flush()
    # What an agency receives: what a feature registered (the reports package sends the PDF
    # of its newest generated draft), else the newest agency draft uploaded in step 4.
    round_attachment = registry.service("round_attachment") or (
        lambda s, agency_id: attachments.latest(s, DocKind.AGENCY_DRAFT, agency_id))
    agencies = []
    for agency_id in dict.fromkeys(s.agency_id for s in survey.scope):
        # The newest agency draft; for a generated report version, its PDF.
        draft = round_attachment(survey, agency_id)
        if draft is None:
            continue
        rnd.drafts.append(RoundDraft(agency_id=agency_id, attachment_id=draft.id))
        agencies.append(agency_id)
    if not agencies:
        raise OperationError(_("No agency has a draft of its results to send; attach them in "
                               "step 4."))
    db.session.flush()
    # The agencies' reviewers hear of it through the step's hand-off (``waiting.hand_off``).
    return {"round": number, "agencies": len(agencies)}


def _close_round(survey: Survey, user) -> dict:
    rnd = db.session.scalars(select(CommentRound).where(
        CommentRound.survey_id == survey.id, CommentRound.closed_at.is_(None))).first()
    if rnd is None:
        return {}
    rnd.closed_at = utcnow()
    return {"round": rnd.number, "comments": len(rnd.comments),
            "no_comment_from": [d.agency.name for d in workflow.silent_agencies(rnd)]}


def _convene_council(survey: Survey, user) -> dict:
    if db.session.scalar(select(Council).where(Council.survey_id == survey.id)) is None:
        db.session.add(Council(survey_id=survey.id))
    return {}


def _publish(survey: Survey, user) -> dict:
    from .final_report import accepted_report

    report, how = accepted_report(survey)  # the guard made sure there is one
    if report is None:
        raise OperationError(_("Mark the accepted final report before publishing."))
    pub = db.session.scalar(select(Publication).where(Publication.survey_id == survey.id))
    if pub is None:
        pub = Publication(survey_id=survey.id, attachment_id=report.id,
                          published_by_id=user.id, summary=survey.title)
        db.session.add(pub)
    survey.status = SurveyStatus.CLOSED
    # Features that publish with the survey (the reports package freezes its drafts) do so
    # through the effects they registered for this transition.
    return {"report": report.filename, "attachment": report.id, "report_is": how,
            "sha256": report.sha256, "survey_status": SurveyStatus.CLOSED}


EFFECTS = {
    (Step.PLAN, "issue"): _issue_plan,
    (Step.COMMENTS, "open_round"): _open_round,
    (Step.COMMENTS, "close_round"): _close_round,
    (Step.ACCEPTANCE, "convene_council"): _convene_council,
    (Step.ACCEPTANCE, "publish"): _publish,
}


def current_round(survey: Survey) -> CommentRound | None:
    """The newest comment round, open or closed."""
    return db.session.scalars(select(CommentRound).where(
        CommentRound.survey_id == survey.id).order_by(CommentRound.number.desc())).first()


def blockers(survey: Survey, user) -> list[tuple[workflow.Transition, list[str]]]:
    """For the dashboard: transitions the user may take now, each with its guard's reasons."""
    out = []
    for step, row in ensure(survey).items():
        for t in workflow.out_of(step, row.state):
            if workflow.may(t, survey, user):
                out.append((t, workflow.reasons(t, survey)))
    return out
