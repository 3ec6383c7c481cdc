"""The scanning job: read a batch's pages (restartable: pages already stored are skipped)."""

from __future__ import annotations

from flask_babel import gettext as _

from .. import audit
from ..errors import OperationError
from ..extensions import db
from ..jobs.runner import given_up, service, task
from . import operations as ops
from .models import BatchStatus, ScanBatch


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


@given_up("omr.batch")
def batch_given_up(job) -> None:
    """The reading job failed for good: its batch shows failed with the reason (audited), and
    the inbox file it came from is marked failed, to be read again by the operator."""
    from .inbox.operations import finish_batch_files

    batch = db.session.get(ScanBatch, int(job.params["batch_id"]))
    if batch is None:
        return
    if batch.status in (BatchStatus.QUEUED, BatchStatus.RUNNING):
        stopped = (job.error or "").startswith("stopped:")
        code = "reading_given_up" if stopped else "reading_failed"
        ops.finish(batch, f"[{code}] {job.error or ''}".strip())
    if batch.status == BatchStatus.FAILED:
        reason, detail = batch.failure
        audit.record(job.created_by or "system", "scan.batch.failed", batch, after={
            "job": job.id, "attempts": job.attempts, "reason": reason, "error": detail})
        db.session.commit()
        finish_batch_files(batch)


@service("omr.inboxes")
def watch_inboxes(app):
    """Watch the configured scan inboxes in this worker process (``FIELDWORK_INBOXES``)."""
    from .inbox.watch import start_service

    return start_service(app)
