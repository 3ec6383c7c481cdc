"""State changes on surveys, their scope and plan (step 1); each writes the audit log.

The other steps' operations are in ``operations_steps`` (transitions), ``operations_fieldwork``
(steps 2-4), ``operations_review`` (steps 5-6) and ``attachments``.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..auth.models import User
from ..auth.roles import RoleName
from ..directory.models import Agency, Field
from ..errors import OperationError
from ..extensions import db
from . import sampling
from . import validate as v
from .models import Survey, SurveyScope, SurveyStatus
from .models_workflow import PLAN_SECTIONS, SECTION_LABELS, Rounding, Step, StepState
from .steps import ensure, plan_of

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
HEADER_FIELDS = ("parent_body", "issuing_body", "doc_symbol", "doc_number", "place", "subject",
                 "recipients", "signer_authority", "signer_title", "signer_name")
# The columns' lengths: a longer value is refused with a message, not cut or failed on.
HEADER_MAX = {"parent_body": 200, "issuing_body": 200, "doc_symbol": 40, "doc_number": 20,
              "place": 100, "signer_authority": 100, "signer_title": 100, "signer_name": 200}


def require(user, *roles: RoleName) -> None:
    """Refuse unless ``user`` holds one of ``roles``; code actors ("demo", "cli") pass."""
    if isinstance(user, str):
        return
    if not user.has_role(*roles):
        raise OperationError(_("Your role does not allow this action."))


def _not_closed(survey: Survey) -> None:
    if survey.status == SurveyStatus.CLOSED:
        raise OperationError(_("Survey %(code)s is closed; nothing can change any more.",
                               code=survey.code))


def _plan_editable(survey: Survey) -> None:
    _not_closed(survey)
    state = ensure(survey)[Step.PLAN].state
    if state not in (StepState.DRAFT, StepState.RETURNED):
        raise OperationError(_("The plan is with Home Affairs or already appraised; it can be "
                               "changed only as a draft or after being returned."))


def create_survey(data: dict, actor) -> Survey:
    """Create a survey from {code, title, year, contractor?, description?}, with its six
    steps and an empty plan."""
    require(actor, RoleName.MANAGER)
    code = (data.get("code") or "").strip().upper()
    if not CODE_RE.match(code):
        raise OperationError(_("The survey code must be 2-32 capital letters, digits or dashes, "
                               "e.g. DN-2026."))
    if db.session.scalar(select(Survey).where(Survey.code == code)):
        raise OperationError(_("A survey with code %(code)s already exists.", code=code))
    title = (data.get("title") or "").strip()
    if not title:
        raise OperationError(_("A title is required."))
    try:
        year = int(data.get("year"))
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise OperationError(_("The year must be between 2000 and 2100."))
    survey = Survey(code=code, title=title, year=year,
                    contractor=(data.get("contractor") or "").strip(),
                    description=(data.get("description") or "").strip(),
                    status=SurveyStatus.DRAFT)
    db.session.add(survey)
    db.session.flush()
    ensure(survey)
    plan_of(survey)
    audit.record(actor, "survey.create", survey,
                 after={"code": code, "title": title, "year": year})
    return survey


def _scope_numbers(data: dict, agency_state_only: bool) -> dict:
    try:
        dossiers = v.integer(data, "dossiers", "N")
    except OperationError:
        raise OperationError(_("The dossier count must be a whole number, 0 or more.")) from None
    state_only = (v.flag(data, "state_bodies_only") if "state_bodies_only" in data
                  else agency_state_only)
    b1 = v.integer(data, "bodies_h1", _("Submitting bodies in the first half-year"),
                   required=False)
    b2 = v.integer(data, "bodies_h2", _("Submitting bodies in the second half-year"),
                   required=False)
    return {"dossiers": dossiers, "state_bodies_only": state_only, "bodies_h1": b1,
            "bodies_h2": b2}


def add_scope(survey: Survey, data: dict, actor) -> SurveyScope:
    """Put an agency (and optionally a field) in scope with its dossier count N."""
    require(actor, RoleName.MANAGER)
    _plan_editable(survey)
    agency = db.session.get(Agency, v.integer(data, "agency_id", _("Agency"), required=False)
                            or 0)
    if agency is None:
        raise OperationError(_("Unknown agency."))
    field_id = v.integer(data, "field_id", _("Field"), required=False) or None
    if field_id is not None and db.session.get(Field, field_id) is None:
        raise OperationError(_("Unknown field."))
    numbers = _scope_numbers(data, agency.serves_state_bodies_only)
    for s in survey.scope:
        if s.agency_id == agency.id and s.field_id == field_id:
            raise OperationError(_("%(agency)s is already in scope.", agency=agency.name))
    row = SurveyScope(agency_id=agency.id, field_id=field_id, **numbers)
    survey.scope.append(row)
    db.session.flush()
    audit.record(actor, "survey.scope_add", survey,
                 after={"agency": agency.name, "field_id": field_id, **numbers})
    return row


def _scope_row(survey: Survey, data: dict) -> SurveyScope:
    scope_id = v.integer(data, "scope_id", _("Scope row"))
    row = next((s for s in survey.scope if s.id == scope_id), None)
    if row is None:
        raise OperationError(_("That agency is not in this survey's scope."))
    return row


def update_scope(survey: Survey, data: dict, user) -> SurveyScope:
    """Change a scope row's N, state-bodies flag and half-year body counts."""
    require(user, RoleName.MANAGER)
    _plan_editable(survey)
    row = _scope_row(survey, data)
    numbers = _scope_numbers(data, row.state_bodies_only)
    before = {k: getattr(row, k) for k in numbers}
    for k, val in numbers.items():
        setattr(row, k, val)
    db.session.flush()
    audit.record(user, "survey.scope_update", row, before=before, after=numbers)
    return row


def remove_scope(survey: Survey, data: dict, user) -> None:
    """Take an agency out of scope (plan still a draft)."""
    require(user, RoleName.MANAGER)
    _plan_editable(survey)
    row = _scope_row(survey, data)
    audit.record(user, "survey.scope_remove", survey,
                 before={"agency": row.agency.name, "dossiers": row.dossiers})
    survey.scope.remove(row)
    db.session.flush()


def update_plan(survey: Survey, data: dict, user) -> None:
    """Save the plan's sections (draft or returned) and document header (until issued)."""
    require(user, RoleName.MANAGER)
    _not_closed(survey)
    plan = plan_of(survey)
    state = ensure(survey)[Step.PLAN].state
    before, after = {}, {}
    if any(k in data for k in PLAN_SECTIONS):
        _plan_editable(survey)
        for key in PLAN_SECTIONS:
            if key in data:
                value = v.text(data, key, SECTION_LABELS[key])
                if value != getattr(plan, key):
                    before[key], after[key] = getattr(plan, key), value
                    setattr(plan, key, value)
    if any(k in data for k in (*HEADER_FIELDS, "signed_on")):
        if state == StepState.ISSUED:
            raise OperationError(_("The plan is issued; its document header is final."))
        values = {key: v.text(data, key, key, max_len=HEADER_MAX.get(key, 2000))
                  for key in HEADER_FIELDS if key in data}
        if "signer_authority" in values:
            _check_authority(values["signer_authority"])
        for key, value in values.items():
            if value != getattr(plan, key):
                before[key], after[key] = getattr(plan, key), value
                setattr(plan, key, value)
        if "signed_on" in data:
            signed = v.day(data, "signed_on", _("Date of the document"), required=False)
            if signed != plan.signed_on:
                before["signed_on"], after["signed_on"] = plan.signed_on, signed
                plan.signed_on = signed
    if not after:
        return
    db.session.flush()
    audit.record(user, "plan.update", plan, before=before, after=after)


def _check_authority(text: str) -> None:
    """Refuse signature authority lines that are not a Decree 30 form (TM., KT., Q., TL.,
    TUQ.); a missing signer title is only a warning until the plan is issued."""
    from ..documents.checks import authority_messages
    from ..documents.decree import split_authority
    found = authority_messages(split_authority(text))
    if found:
        raise OperationError(" ".join(found))


MAX_ATTEMPTS = 10


def set_policy(survey: Survey, data: dict, user) -> None:
    """Choose the sample-size policy, rounding and contact attempts of the plan."""
    require(user, RoleName.MANAGER)
    _plan_editable(survey)
    plan = plan_of(survey)
    policy = (data.get("sample_policy") or "").strip()
    if policy not in sampling.POLICIES:
        raise OperationError(_("Unknown sample-size policy %(name)s; choose one of %(names)s.",
                               name=policy or "—", names=", ".join(sampling.POLICIES)))
    rounding = v.choice(data, "rounding", _("Rounding"), Rounding, required=False) \
        or plan.rounding
    attempts = v.integer(data, "contact_attempts", _("Contact attempts"), required=False,
                         low=1, high=MAX_ATTEMPTS) or plan.contact_attempts or 3
    before = {"sample_policy": plan.sample_policy, "rounding": plan.rounding,
              "contact_attempts": plan.contact_attempts}
    plan.sample_policy, plan.rounding, plan.contact_attempts = policy, rounding, attempts
    db.session.flush()
    audit.record(user, "plan.policy", plan, before=before,
                 after={"sample_policy": policy, "rounding": rounding,
                        "contact_attempts": attempts})


MAX_BANDS = 5


def parse_bands(text) -> list[float]:
    """Band thresholds typed as percentages ("80; 90" or "80,5 90") as sorted fractions;
    OperationError for a value outside 0-100 %, a repeat, or more than ``MAX_BANDS``."""
    values = []
    for part in str(text or "").replace(";", " ").replace("%", " ").split():
        try:
            value = float(part.replace(",", "."))
        except ValueError:
            raise OperationError(_("“%(v)s” is not a percentage.", v=part)) from None
        if not 0 < value <= 100:
            raise OperationError(_("A band lies between 0 and 100%%; %(v)s is outside.",
                                   v=part))
        values.append(round(value / 100, 6))
    if len(set(values)) != len(values):
        raise OperationError(_("A band is given twice."))
    if len(values) > MAX_BANDS:
        raise OperationError(_("At most %(n)d bands.", n=MAX_BANDS))
    return sorted(values)


def set_bands(survey: Survey, data: dict, user) -> None:
    """Set the thresholds that mark agencies (none by default: Decision 2223 names none),
    with whose rule they are ({bands: "80; 90", bands_source: text}); empty clears them."""
    require(user, RoleName.MANAGER)
    _plan_editable(survey)
    plan = plan_of(survey)
    bands = parse_bands(data.get("bands"))
    source = " ".join(str(data.get("bands_source") or "").split())[:500]
    if bands and not source:
        raise OperationError(_("Say whose rule the bands are (e.g. “theo Kế hoạch số .../KH-... "
                               "đã được Sở Nội vụ thẩm định”)."))
    before = {"bands": list(plan.bands or []), "bands_source": plan.bands_source}
    plan.bands, plan.bands_source = bands, source if bands else ""
    db.session.flush()
    audit.record(user, "plan.bands", plan, before=before,
                 after={"bands": bands, "bands_source": plan.bands_source})


def set_due_dates(survey: Survey, data: dict, user) -> None:
    """Change the due dates of the steps (``due_1`` .. ``due_6``; empty clears)."""
    require(user, RoleName.MANAGER)
    _not_closed(survey)
    before, after = {}, {}
    for step, row in ensure(survey).items():
        key = f"due_{int(step)}"
        if key not in data:
            continue
        value = v.day(data, key, _("Due date of step %(n)d", n=int(step)), required=False)
        if value != row.due_date:
            before[key], after[key] = row.due_date, value
            row.due_date = value
    if after:
        db.session.flush()
        audit.record(user, "workflow.due_dates", survey, before=before, after=after)


def set_reviewer(survey: Survey, data: dict, user) -> None:
    """Assign the Home Affairs reviewer in charge of the survey (empty: any reviewer)."""
    require(user, RoleName.MANAGER)
    _not_closed(survey)
    plan = plan_of(survey)
    reviewer_id = v.integer(data, "reviewer_id", _("Home Affairs reviewer"), required=False)
    reviewer = None
    if reviewer_id:
        reviewer = db.session.get(User, reviewer_id)
        if reviewer is None or not reviewer.active or not reviewer.has_role(
                RoleName.HOME_AFFAIRS):
            raise OperationError(_("Choose an active Home Affairs reviewer."))
    before = {"reviewer": plan.reviewer.email if plan.reviewer else None}
    plan.reviewer_id = reviewer.id if reviewer else None
    db.session.flush()
    audit.record(user, "plan.reviewer", plan, before=before,
                 after={"reviewer": reviewer.email if reviewer else None})


def set_status(survey: Survey, status: SurveyStatus, actor, reason: str | None = None) -> None:
    """Change the overall survey status; audited."""
    before = survey.status
    if before == status:
        return
    survey.status = status
    audit.record(actor, "survey.status", survey, before={"status": before},
                 after={"status": status}, reason=reason)
