"""State changes of the statistics feature: declaring a survey's further sources."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from .. import audit
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..plans.models import SurveyStatus
from ..plans.operations import require
from . import sources as src
from .models import SurveySource


def declare_source(survey, data: dict, user) -> SurveySource:
    """Declare an imported source of ``survey``: {name, label, owner?, note?}; audited.

    The name is what files are imported under (``--source NAME``); the label and owner say
    whose results they are wherever they are shown."""
    require(user, RoleName.MANAGER)
    if survey.status == SurveyStatus.CLOSED:
        raise OperationError(_("Survey %(code)s is closed; nothing can change any more.",
                               code=survey.code))
    try:
        name = src.check_name(data.get("name") or "")
    except ValueError:
        raise OperationError(_("A source name is 2 to 40 lower-case letters, digits or _, "
                               "starting with a letter (e.g. sipas_2026); the built-in "
                               "sources need no declaring.")) from None
    label = " ".join(str(data.get("label") or "").split())[:200]
    if not label:
        raise OperationError(_("Give the source a label (whose results these are)."))
    if db.session.scalar(select(SurveySource.id).where(
            SurveySource.survey_id == survey.id, SurveySource.name == name)) is not None:
        raise OperationError(_("Survey %(code)s already has a source named %(name)s.",
                               code=survey.code, name=name))
    row = SurveySource(survey_id=survey.id, name=name, label=label,
                       owner=" ".join(str(data.get("owner") or "").split())[:200],
                       note=str(data.get("note") or "").strip()[:2000])
    db.session.add(row)
    db.session.flush()
    audit.record(user, "stats.source_declared", survey, after={
        "name": name, "label": label, "owner": row.owner})
    return row
