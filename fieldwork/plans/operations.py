"""State changes on surveys and their scope; each writes the audit log."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..directory.models import Agency, Field
from ..errors import OperationError
from ..extensions import db
from .models import Survey, SurveyScope, SurveyStatus

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")


def create_survey(data: dict, actor) -> Survey:
    """Create a survey from {code, title, year, contractor?, description?}."""
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
    audit.record(actor, "survey.create", survey,
                 after={"code": code, "title": title, "year": year})
    return survey


def add_scope(survey: Survey, data: dict, actor) -> SurveyScope:
    """Put an agency (and optionally a field) in scope with its dossier count N."""
    agency = db.session.get(Agency, data.get("agency_id") or 0)
    if agency is None:
        raise OperationError(_("Unknown agency."))
    field_id = data.get("field_id") or None
    if field_id is not None and db.session.get(Field, field_id) is None:
        raise OperationError(_("Unknown field."))
    try:
        dossiers = int(data.get("dossiers"))
    except (TypeError, ValueError):
        dossiers = -1
    if dossiers < 0:
        raise OperationError(_("The dossier count must be a whole number, 0 or more."))
    for s in survey.scope:
        if s.agency_id == agency.id and s.field_id == field_id:
            raise OperationError(_("%(agency)s is already in scope.", agency=agency.name))
    row = SurveyScope(agency_id=agency.id, field_id=field_id, dossiers=dossiers,
                      state_bodies_only=bool(data.get("state_bodies_only",
                                                      agency.serves_state_bodies_only)))
    survey.scope.append(row)
    db.session.flush()
    audit.record(actor, "survey.scope_add", survey,
                 after={"agency": agency.name, "field_id": field_id, "dossiers": dossiers})
    return row


def set_status(survey: Survey, status: SurveyStatus, actor, reason: str | None = None) -> None:
    """Change the overall survey status; audited."""
    before = survey.status
    if before == status:
        return
    survey.status = status
    audit.record(actor, "survey.status", survey, before={"status": before},
                 after={"status": status}, reason=reason)
