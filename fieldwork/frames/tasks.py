"""The frame import job: a one-stop dossier list (up to hundreds of thousands of rows).

The dossiers, the import run and the job's end are committed together; a resumed run reads
the kept upload again and skips codes already in the frame, so nothing doubles.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..errors import OperationError
from ..imports.tasks import upload_inputs
from ..jobs.runner import task
from .operations import import_frame
from .uploads import DOSSIER_LISTS


def _title(params: dict) -> str:
    return _("Dossier list import: %(name)s", name=(params.get("data") or {}).get("name", "?"))


@task("frames.import", title=_title)
def run_import(job, ctx) -> dict:
    """Import the stored upload with the chosen mapping; refuse it whole if rows are bad."""
    survey, user, path = upload_inputs(job, DOSSIER_LISTS)
    ctx.progress(0, None, _("Checking the rows"), force=True)
    checked = [0]

    def progress(step: str, rows: int) -> None:
        # Two passes over the file: checking every row, then storing the new ones.
        if step == "check":
            checked[0] = rows
            ctx.progress(rows, None, _("Checked %(n)d rows", n=rows))
        else:
            ctx.progress(checked[0] + rows, 2 * checked[0],
                         _("Stored %(n)d of %(total)d rows", n=rows, total=checked[0]))

    with open(path, "rb") as fh:
        report = import_frame(survey, fh, dict(job.params["data"], dry_run=False), user,
                              progress=progress)
    if not report.committed:
        raise OperationError(_("Nothing was imported: %(n)d rows were rejected. Fix them, or "
                               "choose to leave them out.", n=report.rejected))
    ctx.after_commit(lambda: DOSSIER_LISTS.drop(job.params["token"]))
    return {"endpoint": "frames.survey", "args": {"code": survey.code},
            "added": report.added, "duplicates": report.duplicates,
            "summary": _("Imported %(n)d dossiers; %(d)d were already in the frame.",
                         n=report.added, d=report.duplicates)}
