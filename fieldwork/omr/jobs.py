"""Reading batches off the request thread.

``process_batch(batch_id)`` is the work: plain, restartable (files and pages already read are
skipped), committing after each page. ``submit`` makes it a background job (``fieldwork.jobs``,
handler in ``tasks.py``), so a reading killed mid-way is resumed where it stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from . import operations as ops
from . import storage
from .models import BatchStatus, ScanBatch, ScanPage

log = logging.getLogger(__name__)


def _rejected(code: str, detail: str):
    from .read import PageResult

    return PageResult("rejected", reason=code, detail=detail)


def _read(image, batch: ScanBatch, key: bytes, found: dict):
    from .read import read_page

    try:
        return read_page(image, key, ops.resolver(batch, found))
    except Exception as exc:  # one bad page must not stop the batch
        log.exception("reading a page of batch %s failed", batch.id)
        db.session.rollback()
        found.clear()
        return _rejected("internal_error", f"{type(exc).__name__}: {exc}")


def process_batch(batch_id: int, progress: Callable | None = None) -> ScanBatch:
    """Read every page of every unread file of a batch; ``progress(page)`` after each."""
    from ..forms.batches import mac_key
    from .load import MAX_PIXELS, iter_pages

    batch = db.session.get(ScanBatch, batch_id)
    if batch is None:
        raise ValueError(f"no scan batch {batch_id}")
    ops.start(batch)
    db.session.commit()
    key = mac_key()
    limit = int(current_app.config.get("OMR_MAX_PIXELS", MAX_PIXELS))
    try:
        for file in batch.files:
            if file.done:
                continue
            seen = set(db.session.scalars(select(ScanPage.index).where(
                ScanPage.file_id == file.id)))
            for item in iter_pages(storage.absolute(file.path), max_pixels=limit):
                if item.index in seen:
                    continue
                found: dict = {}
                result = (_rejected(item.error, item.detail) if item.error
                          else _read(item.image, batch, key, found))
                try:
                    page = ops.record_page(batch, file, item.index, result, found, item.image)
                    file.pages = max(file.pages, item.index + 1)
                    db.session.commit()
                except Exception as exc:  # e.g. a concurrent reading of the same sheet page
                    log.exception("storing a page of batch %s failed", batch_id)
                    db.session.rollback()
                    page = ops.record_page(batch, file, item.index, _rejected(
                        "internal_error", f"{type(exc).__name__}: {exc}"), {}, item.image)
                    db.session.commit()
                if progress:
                    progress(page)
            file.done = True
            db.session.commit()
        ops.finish(batch)
        db.session.commit()
        _hand_over(batch)
    except Exception as exc:
        log.exception("scan batch %s failed", batch_id)
        db.session.rollback()
        batch = db.session.get(ScanBatch, batch_id)
        ops.finish(batch, f"{type(exc).__name__}: {exc}")
        db.session.commit()
    return batch


def _hand_over(batch: ScanBatch) -> None:
    """Give the survey's complete sheets to data entry review (when that feature is there).

    A failure here never fails the batch: the review list takes sheets in when opened.
    """
    from ..features import optional_module
    from ..plans.models import Survey

    sources = optional_module("fieldwork.entry.sources")
    if sources is None:
        return
    try:
        ids = db.session.scalars(select(ScanPage.survey_id).where(
            ScanPage.batch_id == batch.id, ScanPage.survey_id.is_not(None)).distinct())
        for survey in db.session.scalars(select(Survey).where(Survey.id.in_(list(ids)))):
            sources.sync_from_omr(survey, batch.created_by or "scan")
        db.session.commit()
    except Exception:
        log.exception("handing the sheets of scan batch %s to review failed", batch.id)
        db.session.rollback()


def subject(batch_id: int) -> str:
    return f"scan_batch:{batch_id}"


def submit(batch: ScanBatch, user):
    """Queue a batch for reading as a background job; returns the job."""
    from ..jobs.runner import enqueue

    return enqueue("omr.batch", {"batch_id": batch.id}, user, survey=batch.survey,
                   subject=subject(batch.id))


def reading_job(batch: ScanBatch):
    """The newest job reading this batch, or None."""
    from ..jobs.models import Job

    return db.session.scalar(select(Job).where(Job.subject == subject(batch.id))
                             .order_by(Job.id.desc()).limit(1))


def stalled(batch: ScanBatch) -> bool:
    """A batch left waiting or reading with no live job (its job failed or its worker died)."""
    from ..jobs.runner import stale_after
    from ..timeutil import aware, utcnow

    if batch.status not in (BatchStatus.QUEUED, BatchStatus.RUNNING):
        return False
    job = reading_job(batch)
    if job is None or not job.is_open:
        return True
    seen = job.heartbeat_at or job.created_at
    return seen is not None and aware(seen) < utcnow() - 2 * stale_after()
