"""The import job: bring a mapped results file in off the request thread.

The rows, the run and the job's end are committed together; a resumed run reads the kept
upload again and skips rows already imported (same fingerprint), so nothing doubles.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..auth.models import User
from ..errors import OperationError
from ..extensions import db
from ..jobs.runner import task
from ..plans.models import Survey
from .operations import import_results
from .uploads import RESULTS, UploadStore


def upload_inputs(job, store: UploadStore):
    """(survey, user, path) of an import job of a stored upload; OperationError when one of
    them is gone (the job cannot run again without a new upload)."""
    survey = db.session.get(Survey, job.survey_id)
    user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    found = store.load(job.params["token"])
    if survey is None or user is None or found is None:
        raise OperationError(_("The uploaded file, its survey or its uploader is gone; "
                               "upload the file again."))
    return survey, user, found[0]


def _title(params: dict) -> str:
    return _("Import of %(name)s", name=(params.get("data") or {}).get("name", "?"))


@task("imports.results", title=_title)
def run_import(job, ctx) -> dict:
    """Import the stored upload with the mapping chosen; refuse it whole if rows are bad."""
    survey, user, path = upload_inputs(job, RESULTS)
    ctx.progress(0, 1, _("Reading and checking the rows"), force=True)
    with open(path, "rb") as fh:
        report = import_results(survey, fh, dict(job.params["data"], dry_run=False), user)
    if not report.committed:
        raise OperationError(_("Nothing was imported: %(n)d rows were rejected. Fix them, or "
                               "choose to leave them out.", n=report.rejected))
    ctx.after_commit(lambda: RESULTS.drop(job.params["token"]))
    return {"endpoint": "imports.run", "args": {"run_id": report.run.id},
            "added": report.added, "duplicates": report.duplicates,
            "rejected": report.rejected}
