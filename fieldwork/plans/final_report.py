"""Step 6: which attached file is the accepted final report, the one the public page links.

It is an explicit choice: the attachment the manager marked (audited); until one is marked,
the issued report (a feature registers ``issued_report``: the reports package gives the PDF
of the report issued with its number and date), else the only final report attached. Never
"the newest upload": a later upload (a scan of the signed copy, a wrong file) changes
nothing until it is marked.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import audit
from ..auth.roles import RoleName
from ..errors import OperationError
from ..extensions import db
from ..timeutil import utcnow
from . import registry
from . import validate as v
from .models import Survey
from .models_docs import Attachment, DocKind
from .models_review import FinalReport
from .models_workflow import Step, StepState
from .operations import require
from .steps import ensure

HOW_LABELS = {"marked": _l("marked as the accepted report"),
              "issued": _l("the issued report"),
              "only": _l("the only final report attached")}


def finals(survey: Survey) -> list[Attachment]:
    """The survey's final-report attachments, newest first."""
    return list(db.session.scalars(select(Attachment).where(
        Attachment.survey_id == survey.id, Attachment.kind == DocKind.FINAL_REPORT)
        .order_by(Attachment.id.desc())))


def marked_report(survey: Survey) -> Attachment | None:
    """The final report the manager marked as accepted, or None."""
    row = db.session.get(FinalReport, survey.id)
    return row.attachment if row is not None else None


def accepted_report(survey: Survey) -> tuple[Attachment | None, str]:
    """The accepted final report and how it was settled ("marked", "issued", "only"), or
    (None, "") while several are attached and none is marked."""
    marked = marked_report(survey)
    if marked is not None:
        return marked, "marked"
    issued = registry.service("issued_report")
    found = issued(survey) if issued is not None else None
    if found is not None:
        return found, "issued"
    attached = finals(survey)
    if len(attached) == 1:
        return attached[0], "only"
    return None, ""


def publish_gaps(survey: Survey) -> list[str]:
    """Why the report cannot be published yet: no final report, or several and none marked."""
    attached = finals(survey)
    if not attached:
        return [_("Attach the final report (document kind “Final report”).")]
    if accepted_report(survey)[0] is None:
        return [_("Several final reports are attached: mark the accepted one (section "
                  "“Final report and appraisal”).")]
    return []


def mark_final_report(survey: Survey, data: dict, user) -> FinalReport:
    """Mark one of the survey's final-report attachments as the accepted report (audited)."""
    require(user, RoleName.MANAGER)
    if ensure(survey)[Step.ACCEPTANCE].state == StepState.PUBLISHED:
        raise OperationError(_("The report is published; the accepted report cannot change."))
    att_id = v.integer(data, "attachment_id", _("Final report"), low=1)
    att = db.session.get(Attachment, att_id)
    if att is None or att.survey_id != survey.id or att.kind != DocKind.FINAL_REPORT:
        raise OperationError(_("Choose one of this survey's final reports."))
    before, how = accepted_report(survey)
    row = db.session.get(FinalReport, survey.id)
    if row is None:
        row = FinalReport(survey_id=survey.id, attachment_id=att.id)
        db.session.add(row)
    row.attachment_id, row.chosen_at = att.id, utcnow()
    row.chosen_by_id = getattr(user, "id", None)
    db.session.flush()
    audit.record(user, "final_report.mark", survey, before={
        "attachment": before.id if before else None, "how": how}, after={
        "attachment": att.id, "filename": att.filename, "version": att.version,
        "sha256": att.sha256})
    return row
