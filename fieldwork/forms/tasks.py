"""The print job: a batch of sheets drawn off the request thread, with progress.

The batch row, its dossier records and the job's end are committed together; a resumed run
prints again from the start under new file names (a rolled-back print leaves no row).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import User
from ..errors import OperationError
from ..extensions import db
from ..jobs.runner import task
from ..plans.models import Survey


def _title(params: dict) -> str:
    data = params.get("data") or {}
    if data.get("draw"):
        return _("Printing personalised sheets of %(code)s", code=params.get("code", "?"))
    return _("Printing %(n)s sheets of %(code)s", n=data.get("count") or "?",
             code=params.get("code", "?"))


@task("forms.print", title=_title)
def run_print(job, ctx) -> dict:
    """Print the batch the manager asked for; the result links to its PDF."""
    from .batches import print_batch

    survey = db.session.scalar(select(Survey).where(Survey.code == job.params.get("code")))
    user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    if survey is None or user is None:
        raise OperationError(_("The survey or the person who asked for this print is gone."))
    ctx.progress(0, None, _("Laying out the sheets"), force=True)

    def progress(done: int, total: int) -> None:
        ctx.progress(done, total, _("%(done)d of %(total)d sheets drawn", done=done,
                                    total=total))

    batch = print_batch(survey, dict(job.params["data"]), user, progress=progress)
    whom = batch.agency.name if batch.agency else _("every agency of the draw")
    return {"endpoint": "forms.batches", "args": {"code": survey.code}, "batch_id": batch.id,
            "count": batch.count, "pages": batch.pages_per_sheet,
            "summary": _("Printed %(count)d sheets for %(whom)s, serials %(first)s-%(last)s, "
                         "%(pages)d page(s) each.", count=batch.count, whom=whom,
                         first=batch.serial_text(batch.first_serial),
                         last=batch.serial_text(batch.last_serial),
                         pages=batch.pages_per_sheet)}
