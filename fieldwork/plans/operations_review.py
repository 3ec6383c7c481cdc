"""Steps 5-6: agency comments, responses, on-site verification, opinions and the council."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..auth.models import User
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..timeutil import utcnow
from . import attachments, notifications
from . import validate as v
from .models import Survey
from .models_docs import DocKind
from .models_review import (
    AgencyComment,
    CommentRound,
    Council,
    CouncilDecision,
    CouncilMember,
    ResponseKind,
    VerificationOutcome,
    VerificationTask,
    Vote,
    WrittenOpinion,
)
from .models_workflow import Step, StepState
from .operations import require
from .operations_fieldwork import _in_state


def _open_round(rnd: CommentRound) -> Survey:
    survey = db.session.get(Survey, rnd.survey_id)
    _in_state(survey, Step.COMMENTS, StepState.ROUND_OPEN)
    if not rnd.is_open:
        raise OperationError(_("Comment round %(n)d is closed.", n=rnd.number))
    return survey


def _file(survey: Survey, data: dict, kind: DocKind, user, agency_id=None, title=""):
    """Store the optional uploaded file of a form; None when no file was chosen."""
    if not data.get("filename") or data.get("stream") is None:
        return None
    return attachments.upload(survey, {"kind": kind, "agency_id": agency_id, "title": title,
                                       "filename": data["filename"], "stream": data["stream"]},
                              user)


def file_comment(rnd: CommentRound, data: dict, user) -> AgencyComment:
    """An agency reviewer files a written comment on its own draft (a manager may record a
    letter on an agency's behalf)."""
    require(user, RoleName.AGENCY, RoleName.MANAGER)
    survey = _open_round(rnd)
    if user.has_role(RoleName.MANAGER):
        agency_id = v.integer(data, "agency_id", _("Agency"))
    else:
        agency_id = user.agency_id
    if agency_id is None or not any(d.agency_id == agency_id for d in rnd.drafts):
        raise OperationError(_("This round sent no draft to that agency; it cannot comment."))
    text = v.text(data, "text", _("Comment"), required=True, max_len=10000)
    figure = v.text(data, "disputed_figure", _("Disputed figure"), max_len=300)
    att = _file(survey, data, DocKind.COMMENT, user, agency_id,
                title=f"round-{rnd.number}")
    row = AgencyComment(round_id=rnd.id, agency_id=agency_id, author_id=user.id, text=text,
                        disputed_figure=figure, attachment_id=att.id if att else None)
    rnd.comments.append(row)
    db.session.flush()
    audit.record(user, "comment.file", row, after={
        "survey": survey.code, "round": rnd.number, "agency": row.agency.name,
        "disputed_figure": figure, "text": text, "attachment": att.id if att else None})
    notifications.notify(notifications.users_with(RoleName.MANAGER), survey, "comment_filed",
                         {"code": survey.code, "agency": row.agency.name, "n": rnd.number},
                         actor=user, work=f"comment:{row.id}")
    # The agency's reviewers have done what the round asked of them.
    from .waiting import work_key
    reviewers = db.session.scalars(select(User.id).where(User.agency_id == agency_id))
    notifications.clear(work_key(survey, Step.COMMENTS), user_ids=list(reviewers))
    return row


def respond(comment: AgencyComment, data: dict, user) -> AgencyComment:
    """The contractor answers a comment: accepted (with the change made) or explained."""
    require(user, RoleName.MANAGER)
    survey = _open_round(comment.round)
    kind = v.choice(data, "response_kind", _("Response"), ResponseKind)
    text = v.text(data, "response_text", _("Response"), required=True, max_len=10000)
    change = v.text(data, "change_made", _("Change made"), max_len=5000)
    if kind == ResponseKind.ACCEPTED and not change:
        raise OperationError(_("Describe the change made to the report."))
    before = ({"kind": comment.response_kind, "text": comment.response_text}
              if comment.response_kind else None)
    comment.response_kind, comment.response_text, comment.change_made = kind, text, change
    comment.responded_by_id, comment.responded_at = user.id, utcnow()
    db.session.flush()
    audit.record(user, "comment.respond", comment, before=before,
                 after={"kind": kind, "text": text, "change_made": change})
    notifications.clear(f"comment:{comment.id}")
    reviewers = db.session.scalars(select(User).where(User.agency_id == comment.agency_id,
                                                      User.active.is_(True))).all()
    notifications.notify([u for u in reviewers if u.has_role(RoleName.AGENCY)], survey,
                         "comment_answered", {"code": survey.code, "n": comment.round.number},
                         actor=user)
    return comment


def open_verification(comment: AgencyComment, data: dict, user) -> VerificationTask:
    """Open an on-site verification of a disputed figure; the round cannot close until done."""
    require(user, RoleName.MANAGER)
    survey = _open_round(comment.round)
    assignee = db.session.get(User, v.integer(data, "assignee_id", _("Who")) or 0)
    if assignee is None or not assignee.active or not assignee.has_role(
            RoleName.MANAGER, RoleName.ENUMERATOR):
        raise OperationError(_("Choose a contractor manager or enumerator to verify on site."))
    when = v.day(data, "scheduled_on", _("When"))
    place = v.text(data, "place", _("Where"), required=True, max_len=200)
    task = VerificationTask(comment_id=comment.id, assignee_id=assignee.id, scheduled_on=when,
                            place=place, created_by_id=user.id)
    comment.verifications.append(task)
    db.session.flush()
    audit.record(user, "verification.open", task, after={
        "survey": survey.code, "comment": comment.id, "assignee": assignee.email,
        "scheduled_on": when, "place": place})
    notifications.notify([assignee], survey, "verification_assigned",
                         {"code": survey.code, "place": place,
                          "date": format_date(when, "dd/MM/yyyy")}, actor=user,
                         work=f"visit:{task.id}")
    return task


def close_verification(task: VerificationTask, data: dict, user) -> VerificationTask:
    """Record the findings and outcome of an on-site verification (assignee or manager)."""
    if not isinstance(user, str) and not (user.has_role(RoleName.MANAGER)
                                          or user.id == task.assignee_id):
        raise OperationError(_("Only the assigned person or a manager may record this "
                               "verification."))
    survey = _open_round(task.comment.round)
    if task.closed_at is not None:
        raise OperationError(_("This verification is already closed."))
    findings = v.text(data, "findings", _("Findings"), required=True, max_len=10000)
    outcome = v.choice(data, "outcome", _("Outcome"), VerificationOutcome)
    att = _file(survey, data, DocKind.VERIFICATION, user, title=f"verification-{task.id}")
    task.findings, task.outcome, task.closed_at = findings, outcome, utcnow()
    db.session.flush()
    audit.record(user, "verification.close", task, after={
        "findings": findings, "outcome": outcome, "attachment": att.id if att else None})
    notifications.clear(f"visit:{task.id}")
    return task


def add_opinion(survey: Survey, data: dict, user) -> WrittenOpinion:
    """Record a written opinion on the draft report."""
    require(user, RoleName.MANAGER)
    _in_state(survey, Step.ACCEPTANCE, StepState.OPINIONS)
    source = v.text(data, "source", _("From"), required=True, max_len=200)
    received = v.day(data, "received_on", _("Received on"))
    summary = v.text(data, "summary", _("Summary"), required=True, max_len=10000)
    att = _file(survey, data, DocKind.OPINION, user, title=source)
    row = WrittenOpinion(survey_id=survey.id, source=source, received_on=received,
                         summary=summary, attachment_id=att.id if att else None,
                         created_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    audit.record(user, "opinion.add", row, after={"survey": survey.code, "source": source,
                                                  "received_on": received, "summary": summary})
    return row


def _council(survey: Survey) -> Council:
    _in_state(survey, Step.ACCEPTANCE, StepState.COUNCIL)
    council = db.session.scalar(select(Council).where(Council.survey_id == survey.id))
    if council is None:
        council = Council(survey_id=survey.id)
        db.session.add(council)
        db.session.flush()
    return council


def update_council(survey: Survey, data: dict, user) -> Council:
    """Save the council's meeting date, decision and minutes."""
    require(user, RoleName.MANAGER)
    council = _council(survey)
    before = {"meeting_on": council.meeting_on, "decision": council.decision}
    meeting = v.day(data, "meeting_on", _("Meeting date"), required=False)
    decision = v.choice(data, "decision", _("Council decision"), CouncilDecision,
                        required=False)
    text = v.text(data, "decision_text", _("Council decision"), max_len=10000)
    att = _file(survey, data, DocKind.MINUTES, user, title="council-minutes")
    council.meeting_on, council.decision, council.decision_text = meeting, decision, text
    if att is not None:
        council.minutes_id = att.id
    db.session.flush()
    audit.record(user, "council.update", council, before=before, after={
        "meeting_on": meeting, "decision": decision, "text": text,
        "minutes": att.id if att else council.minutes_id})
    return council


def add_council_member(survey: Survey, data: dict, user) -> CouncilMember:
    """Add a council member with position, role in the council, vote and score."""
    require(user, RoleName.MANAGER)
    council = _council(survey)
    member = CouncilMember(
        name=v.text(data, "name", _("Name"), required=True, max_len=200),
        position=v.text(data, "position", _("Position"), max_len=200),
        council_role=v.text(data, "council_role", _("Role in the council"), max_len=100),
        vote=v.choice(data, "vote", _("Vote"), Vote, required=False),
        score=v.integer(data, "score", _("Score"), required=False, low=0, high=100))
    council.members.append(member)
    db.session.flush()
    audit.record(user, "council.member", member, after={
        "survey": survey.code, "name": member.name, "vote": member.vote,
        "score": member.score})
    return member
