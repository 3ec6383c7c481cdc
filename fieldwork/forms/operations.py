"""State changes on questionnaire versions: create, edit drafts, import, submit, decide."""

from __future__ import annotations

import copy

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..plans.models_workflow import Step
from ..plans.workflow import reviewer_ok
from ..timeutil import utcnow
from . import workflow
from .builtin import BUILTIN
from .models import QuestionnaireVersion, VersionStatus
from .spec import Questionnaire, SpecError, diff


def _spec_error(exc: SpecError) -> OperationError:
    return OperationError("; ".join(exc.messages))


def _next_number(survey) -> int:
    last = db.session.scalar(select(func.max(QuestionnaireVersion.number)).where(
        QuestionnaireVersion.survey_id == survey.id))
    return (last or 0) + 1


def _new_version(survey, q: Questionnaire, user, source: str,
                 based_on: QuestionnaireVersion | None = None) -> QuestionnaireVersion:
    try:
        q.validate()
    except SpecError as exc:
        raise _spec_error(exc) from None
    version = QuestionnaireVersion(
        survey_id=survey.id, number=_next_number(survey), status=VersionStatus.DRAFT,
        spec=q.to_dict(), source=source, based_on_id=based_on.id if based_on else None,
        created_by_id=getattr(user, "id", None))
    db.session.add(version)
    db.session.flush()
    audit.record(user, "questionnaire.create", version,
                 after={"survey": survey.code, "number": version.number, "source": source})
    return version


def create_from_template(survey, template: str, user) -> QuestionnaireVersion:
    """Start a new draft version from a built-in template (``danang-2025`` or ``sipas``)."""
    if template not in BUILTIN:
        raise OperationError(_("Unknown template: %(name)s", name=template))
    return _new_version(survey, BUILTIN[template](), user, f"template:{template}")


def create_from_version(version: QuestionnaireVersion, user) -> QuestionnaireVersion:
    """A new draft copying ``version`` (how an approved version is changed)."""
    return _new_version(version.survey, version.questionnaire, user,
                        f"copy:v{version.number}", based_on=version)


def create_from_questionnaire(survey, q: Questionnaire, user, source: str
                              ) -> QuestionnaireVersion:
    """A new draft from a parsed questionnaire (e.g. an XLSForm import)."""
    return _new_version(survey, q, user, source)


def _check_editable(version: QuestionnaireVersion) -> None:
    if version.frozen:
        raise OperationError(_("Version %(n)d is %(status)s and frozen; make a new draft to "
                               "change it.", n=version.number, status=version.status_label))


def replace_content(version: QuestionnaireVersion, q: Questionnaire, user,
                    reason: str = "edit") -> None:
    """Replace a draft's content after validation; audited with the list of changes."""
    _check_editable(version)
    try:
        q.validate()
    except SpecError as exc:
        raise _spec_error(exc) from None
    changes = diff(version.questionnaire, q)
    if not changes:
        return
    version.spec = q.to_dict()
    if version.status == VersionStatus.RETURNED:
        # Editing a returned version reopens it as a draft.
        version.status = VersionStatus.DRAFT
    audit.record(user, "questionnaire.edit", version, after={"changes": changes}, reason=reason)


def update_question(version: QuestionnaireVersion, code: str, data: dict, user) -> None:
    """Change one question's wording, requiredness, condition, range or option labels."""
    q = copy.deepcopy(version.questionnaire)
    try:
        question = q.question(code)
    except KeyError:
        raise OperationError(_("No question %(code)s in this version.", code=code)) from None
    for key in ("text", "text_en"):
        if key in data:
            setattr(question, key, (data[key] or "").strip())
    if "required" in data:
        question.required = bool(data["required"])
    if "relevant" in data:
        question.relevant = (data["relevant"] or "").strip() or None
    for key in ("min", "max"):
        if key in data:
            question.__setattr__(key, data[key])
    labels = data.get("options") or {}
    for option in question.options:
        if option.code in labels and labels[option.code].strip():
            option.label = labels[option.code].strip()
    replace_content(version, q, user, reason=f"question {code}")


def remove_question(version: QuestionnaireVersion, code: str, user) -> None:
    """Delete a question from a draft (refused if a condition refers to it)."""
    q = copy.deepcopy(version.questionnaire)
    found = False
    for section in q.sections:
        kept = [x for x in section.questions if x.code != code]
        found = found or len(kept) != len(section.questions)
        section.questions = kept
    if not found:
        raise OperationError(_("No question %(code)s in this version.", code=code))
    replace_content(version, q, user, reason=f"remove {code}")


def transition(version: QuestionnaireVersion, name: str, user, comment: str | None = None
               ) -> None:
    """Move a version along the transition table (submit, withdraw, approve, return)."""
    t = workflow.find(name, version.status)
    if t is None:
        raise OperationError(_("Version %(n)d cannot be '%(action)s' while it is %(status)s.",
                               n=version.number, action=name, status=version.status_label))
    if not user.has_role(*t.roles):
        raise OperationError(_("Your role may not do this."))
    if t.roles == (RoleName.HOME_AFFAIRS,) and not reviewer_ok(version.survey, user):
        raise OperationError(_("This survey is assigned to another Home Affairs reviewer."))
    comment = (comment or "").strip() or None
    if t.needs_comment and not comment:
        raise OperationError(_("Write the comments that explain why it is returned."))
    if name == "submit":
        try:
            version.questionnaire.validate()
        except SpecError as exc:
            raise _spec_error(exc) from None
        version.submitted_at = utcnow()
    if name in ("approve", "return"):
        version.decided_by_id = user.id
        version.decided_at = utcnow()
        version.decision_comment = comment
    before = version.status
    version.status = t.target
    audit.record(user, f"questionnaire.{name}", version, before={"status": before},
                 after={"status": t.target}, reason=comment)
    hand_off(version, t, user)


def hand_off(version: QuestionnaireVersion, t: workflow.Transition, user) -> int:
    """Clear the notifications of the version's earlier hand-off and tell whoever now acts
    next, if that is someone else: Home Affairs (the assigned reviewer) on a submission, the
    managers on a return or an approval (then step 2 carries on)."""
    from ..plans import notifications
    from ..plans.waiting import people, work_key

    survey = version.survey
    notifications.clear(f"questionnaire:{version.id}")
    others = [r for r in workflow.next_roles(version.status) if r not in t.roles]
    users = []
    for role in others:
        users += [u for u in people(survey, role) if u not in users]
    if not users:
        return 0
    work = (work_key(survey, Step.QUESTIONNAIRE) if version.status == VersionStatus.APPROVED
            else f"questionnaire:{version.id}")
    return notifications.notify(users, survey, "questionnaire", {
        "code": survey.code, "version": version.number, "status": version.status.value},
        actor=user, work=work)


def latest_approved(survey) -> QuestionnaireVersion | None:
    """The newest approved version of the survey's questionnaire."""
    return db.session.scalar(
        select(QuestionnaireVersion)
        .where(QuestionnaireVersion.survey_id == survey.id,
               QuestionnaireVersion.status == VersionStatus.APPROVED)
        .order_by(QuestionnaireVersion.number.desc()).limit(1))
