"""The report job: generate a new version of a report draft off the request thread.

The version (statistics, DOCX, PDF, audit) and the job's end are committed together, so a
job killed mid-way leaves no version and the resumed job makes it once.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..auth.models import User
from ..errors import OperationError
from ..extensions import db
from ..jobs.runner import task
from ..plans.models import Survey


def _title(params: dict) -> str:
    scope = str((params.get("form") or {}).get("scope") or "synthesis")
    if scope.startswith("agency:"):
        return _("New report version (an agency)")
    if scope.startswith("field:"):
        return _("New report version (a field)")
    return _("New report version (synthesis)")


@task("reports.draft", title=_title)
def make_draft(job, ctx) -> dict:
    """Create the version the manager asked for (same checks as on the page)."""
    from . import drafts
    from .operations import earlier_surveys, report_target

    survey = db.session.get(Survey, job.survey_id)
    user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    if survey is None or user is None:
        raise OperationError(_("The survey or the person who asked for this report is gone."))
    form = job.params.get("form") or {}
    ctx.progress(0, 1, _("Computing the statistics and writing the DOCX and PDF files"),
                 force=True)
    agency, field = report_target(form.get("scope", ""))
    earlier = earlier_surveys(survey) if form.get("compare") == "1" else []
    draft = drafts.create_draft(survey, user, agency=agency, field=field, earlier=earlier,
                                narrative=form)
    return {"endpoint": "reports.version", "args": {"code": survey.code, "draft_id": draft.id},
            "draft_id": draft.id, "number": draft.number, "scope": draft.scope_label}
