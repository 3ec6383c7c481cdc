"""The scanning job: read a batch's pages (restartable: pages already stored are skipped)."""

from __future__ import annotations

from flask_babel import gettext as _

from ..errors import OperationError
from ..jobs.runner import service, task
from . import operations as ops
from .models import BatchStatus


@task("omr.batch", title=lambda p: _("Reading scan batch #%(id)s", id=p.get("batch_id")))
def read_batch(job, ctx) -> dict:
    """Read every page not read yet; the batch page is the result."""
    from .jobs import process_batch

    pages = [0]

    def progress(_page) -> None:
        pages[0] += 1
        ctx.progress(pages[0], message=_("%(n)d pages read", n=pages[0]))

    batch = process_batch(int(job.params["batch_id"]), progress)
    if batch.status == BatchStatus.FAILED:
        raise OperationError(batch.error or _("Reading the batch failed."))
    counts = ops.batch_counts(batch)
    return {"endpoint": "omr.batch", "args": {"batch_id": batch.id}, "counts": counts,
            "summary": _("%(pages)d pages: %(read)d read, %(rejected)d rejected",
                         pages=counts["pages"], read=counts["read"],
                         rejected=counts["rejected"])}


@service("omr.inboxes")
def watch_inboxes(app):
    """Watch the configured scan inboxes in this worker process (``FIELDWORK_INBOXES``)."""
    from .inbox.watch import start_service

    return start_service(app)
