"""State changes of self-completion: storing one answer (checked, limited, audited).

Nothing is ever deleted here; a refused answer saves nothing at all.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..errors import OperationError
from ..extensions import db
from ..forms.models import QuestionnaireVersion, VersionStatus
from ..frames.lookup import find_dossier
from ..frames.outcomes import answer_arrived
from ..plans.models import Survey, SurveyStatus
from ..plans.models_workflow import Step, StepState, WorkflowStep
from ..privacy.crypto import blind_index, encrypt
from ..stats.dataset import overall_item, satisfied_flag
from ..timeutil import aware, utcnow
from . import rules
from .answers import check_online
from .models import OnlineChannel, OnlineResponse


class AnswerRefused(OperationError):
    """The answer was not saved; ``errors`` maps question codes to messages (may be empty)."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.errors = errors or {}


def newest_approved(survey: Survey) -> QuestionnaireVersion | None:
    """The survey's newest approved questionnaire version (what paper and web both answer)."""
    return db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.survey_id == survey.id,
        QuestionnaireVersion.status == VersionStatus.APPROVED)
        .order_by(QuestionnaireVersion.number.desc())).first()


def closed_reason(survey: Survey) -> str | None:
    """Why the survey takes no answers now (not started, fieldwork over, closed), or None."""
    if survey.status == SurveyStatus.DRAFT:
        return _("This survey has not started yet.")
    if survey.status == SurveyStatus.CLOSED:
        return _("This survey is closed and takes no more answers. Thank you.")
    state = db.session.scalar(select(WorkflowStep.state).where(
        WorkflowStep.survey_id == survey.id, WorkflowStep.step == int(Step.FIELDWORK)))
    if state == StepState.COMPLETED:
        return _("The collection period of this survey is over. Thank you.")
    return None


def in_scope(survey: Survey, agency_id: int) -> bool:
    """Whether the agency is surveyed by ``survey``."""
    return any(s.agency_id == agency_id for s in survey.scope)


def _recent(column, value, since: datetime, *extra) -> list[datetime]:
    return [aware(t) for t in db.session.scalars(select(OnlineResponse.created_at).where(
        column == value, OnlineResponse.created_at >= since, *extra))]


def _check_limits(survey: Survey, channel: OnlineChannel, phone_hash: str | None,
                  device: str, now: datetime) -> None:
    """Refuse an answer without dossier code past the per-phone or per-device limit."""
    same_survey = OnlineResponse.survey_id == survey.id
    no_code = OnlineResponse.dossier_code.is_(None)
    if channel == OnlineChannel.KIOSK:
        hour = timedelta(hours=1)
        if rules.over_limit(_recent(OnlineResponse.device_hash, device, now - hour),
                            now, rules.KIOSK_PER_HOUR, hour):
            raise AnswerRefused(_("This tablet has taken many answers in the last hour. "
                                  "Please ask the staff at the desk."))
    elif rules.over_limit(_recent(OnlineResponse.device_hash, device, now - rules.WINDOW,
                                  same_survey, no_code), now, rules.DEVICE_PER_DAY):
        raise AnswerRefused(_("This device has already sent %(n)d answers without a dossier "
                              "code today. Please answer with your dossier code, or try "
                              "again tomorrow.", n=rules.DEVICE_PER_DAY))
    if phone_hash and rules.over_limit(
            _recent(OnlineResponse.phone_hash, phone_hash, now - rules.WINDOW, same_survey,
                    no_code), now, rules.PHONE_PER_DAY):
        raise AnswerRefused(_("This phone number has already sent %(n)d answers without a "
                              "dossier code today. Please answer with your dossier code, or "
                              "try again tomorrow.", n=rules.PHONE_PER_DAY),
                            {"phone": [_("Limit reached for today.")]})


def _unusable(code: str) -> AnswerRefused:
    """One answer for a code that is not in the frame and for one already used: the public
    form must not tell which codes exist (issue 15)."""
    return AnswerRefused(_("Dossier code %(code)s cannot be used: it is not in this survey, or "
                           "it has already been evaluated (each dossier is evaluated once). "
                           "Check the code on your receipt, or answer with your phone number "
                           "and citizen ID.", code=code),
                         {"dossier_code": [_("Not in this survey, or already evaluated.")]})


def _answered(survey: Survey, code: str) -> bool:
    return db.session.scalar(select(OnlineResponse.id).where(
        OnlineResponse.survey_id == survey.id, OnlineResponse.dossier_code == code)) is not None


def submit_answer(survey: Survey, agency_id: int, version_number, raw: dict,
                  channel: OnlineChannel, device: str,
                  now: datetime | None = None) -> OnlineResponse:
    """Check and store one self-completed answer; ``AnswerRefused`` saves nothing.

    ``raw`` maps question codes (and ``dossier_code``) to the values sent; ``device`` is the
    device's hash (``rules.device_hash``). The dossier's agency and field come from the
    frame; an answer without dossier code is limited per phone and per device.
    """
    from ..directory.models import Agency, Field

    now = now or utcnow()
    reason = closed_reason(survey)
    if reason:
        raise AnswerRefused(reason)
    if not in_scope(survey, agency_id):
        raise AnswerRefused(_("This agency is not part of the survey."))
    version = newest_approved(survey)
    if version is None:
        raise AnswerRefused(_("The questionnaire of this survey is not approved yet; "
                              "answers open once it is."))
    if str(version_number or "") != str(version.number):
        sent = db.session.scalar(select(QuestionnaireVersion).where(
            QuestionnaireVersion.survey_id == survey.id,
            QuestionnaireVersion.number == _int(version_number)))
        if sent is None or sent.status != VersionStatus.APPROVED:
            raise AnswerRefused(_("This form is not an approved version of the "
                                  "questionnaire. The page has been reloaded with the "
                                  "approved one: please answer again."))
        version = sent  # an older approved version, still open in the citizen's browser
    agency = db.session.get(Agency, agency_id)
    code = str(raw.get("dossier_code") or "").strip().upper()
    dossier = find_dossier(survey, code) if code else None
    if dossier is not None and _answered(survey, code):
        dossier = None  # used: refused exactly like an unknown code
    if dossier is not None:
        agency = dossier.agency  # the frame knows where the dossier was handled
    field = db.session.get(Field, dossier.field_id) if dossier and dossier.field_id else None
    qn = version.questionnaire
    local_day = now.astimezone(rules.LOCAL).date()
    checked = check_online(qn, raw, local_day, agency.name, field.name if field else None)
    # The code's verdict comes only once everything else is right, and is the same for an
    # unknown and a used code: the form tells nothing about which codes exist.
    if checked.errors:
        raise AnswerRefused(_("Some answers need attention; nothing was saved yet."),
                            checked.errors)
    if code and dossier is None:
        raise _unusable(code)
    phone, cid = checked.contact.get("phone"), checked.contact.get("cid")
    phone_hash = blind_index("phone", phone) if phone else None
    if dossier is None:
        _check_limits(survey, channel, phone_hash, device, now)
    values = {k: v for k, v in checked.values.items() if v}
    row = OnlineResponse(
        survey_id=survey.id, version_id=version.id, agency_id=agency.id,
        field_id=field.id if field else None, channel=channel,
        dossier_id=dossier.id if dossier else None, dossier_code=code or None,
        phone_enc=encrypt(phone) if phone else None, phone_hash=phone_hash,
        cid_enc=encrypt(cid) if cid else None,
        cid_hash=blind_index("cid", cid) if cid else None, device_hash=device,
        answers=values, satisfied=satisfied_flag(values, overall_item(qn.questions())),
        created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # the same dossier sent twice at the same moment
        raise _unusable(code) from None
    actor = f"{channel.value}:{device[:12]}"
    audit.record(actor, "online.answer", row,
                 after={"channel": channel.value, "agency": agency.name,
                        "version": version.number, "dossier": code or None,
                        "satisfied": row.satisfied})
    if dossier is not None:  # a drawn dossier answered: its outcome follows
        answer_arrived(survey, code, actor, partial=row.satisfied is None,
                       channel=channel.value)
    return row


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
