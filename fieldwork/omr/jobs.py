"""Reading batches off the request thread.

``process_batch(batch_id)`` is the work: plain and restartable. Pages are read (decoded,
judged, their image and crops written) outside any transaction, then stored a group at a
time in one short transaction (``GROUP_PAGES``, or every ``GROUP_SECONDS``), so two
workers sharing a database do not wait on each other and a page costs no commit of its own.
What is committed is never read again: a reading stopped mid-group (a killed worker) resumes
at the first page of the group it lost, whose files are simply written again under the same
names. ``submit`` makes it a background job (``fieldwork.jobs``, handler in ``tasks.py``).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from ..extensions import db
from . import operations as ops
from . import storage
from .models import BatchStatus, ScanBatch, ScanFile, ScanPage

log = logging.getLogger(__name__)
GROUP_PAGES = 8
GROUP_SECONDS = 2.0
STAGES: dict[str, float] = defaultdict(float)  # seconds per stage, for ``fieldwork bench scan``
BLANK_DETAIL = "no ink on the page (the back of a one-sided form, or a separator sheet)"


def _rejected(code: str, detail: str):
    from .read import PageResult

    return PageResult("rejected", reason=code, detail=detail)


def _read(image, batch: ScanBatch, key: bytes, found: dict):
    from .read import read_page

    try:
        return read_page(image, key, ops.resolver(batch, found))
    except Exception as exc:  # one bad page must not stop the batch
        log.exception("reading a page of batch %s failed", batch.id)
        db.session.rollback()  # nothing of the group is written yet: only reads are undone
        found.clear()
        return _rejected("internal_error", f"{type(exc).__name__}: {exc}")


@dataclass
class Prepared:
    """One page read and its files written, waiting to be stored with its group."""

    index: int
    result: object
    found: dict
    files: storage.PageFiles


def prepare(batch: ScanBatch, file: ScanFile, item, key: bytes) -> Prepared:
    """Read one page of a file (a blank back is only measured) and write its image files."""
    from .blank import is_blank
    from .read import PageResult

    found: dict = {}
    started = time.thread_time()
    try:
        blank = item.error is None and is_blank(item.image)
    except ValueError:  # too small to judge: the reader says what it is
        blank = False
    checked = time.thread_time()
    STAGES["blank"] += checked - started
    if item.error:
        result = _rejected(item.error, item.detail)
    elif blank:
        result = PageResult("blank", detail=BLANK_DETAIL)
        result.seconds = checked - started
    else:
        result = _read(item.image, batch, key, found)
    at = time.thread_time()
    STAGES["read"] += at - checked
    files = storage.write_page_files(batch.id, file.id, item.index, result, item.image)
    STAGES["files"] += time.thread_time() - at
    return Prepared(item.index, result, found, files)


def store(batch: ScanBatch, file: ScanFile, group: list[Prepared], last: bool) -> list[ScanPage]:
    """Store a group of pages (and, with ``last``, the file as done) in one transaction.

    A clash with another worker storing the same sheet page at the same moment undoes the
    group; it is stored again, and then sees the other reading (a duplicate). A page that
    still cannot be stored is kept as rejected (``internal_error``), never lost.
    """
    for attempt in range(3):
        try:
            group = _not_stored(file, group)
            pages = [ops.record_page(batch, file, p.index, p.result, p.found, p.files)
                     for p in group]
            _file_done(file, group, last)
            db.session.commit()
            return pages
        except (IntegrityError, OperationalError) as exc:
            log.warning("storing pages of batch %s clashed (attempt %d)", batch.id, attempt + 1,
                        exc_info=True)
            db.session.rollback()
            if isinstance(exc, OperationalError):  # e.g. SQLite busy: give the other time
                time.sleep(1.0 * (attempt + 1))
    pages = []
    group = _not_stored(file, group)
    for p in group:  # one at a time, so one bad page cannot hold back the others
        try:
            pages.append(ops.record_page(batch, file, p.index, p.result, p.found, p.files))
            db.session.commit()
        except Exception as exc:
            log.exception("storing a page of batch %s failed", batch.id)
            db.session.rollback()
            if not _not_stored(file, [p]):
                continue  # another worker stored it meanwhile
            pages.append(ops.record_page(batch, file, p.index, _rejected(
                "internal_error", f"{type(exc).__name__}: {exc}"), {}, p.files))
            db.session.commit()
    _file_done(file, group, last)
    db.session.commit()
    return pages


def _not_stored(file: ScanFile, group: list[Prepared]) -> list[Prepared]:
    """The pages of ``group`` no other worker stored meanwhile (one taken over as dead while
    it was only slow): a page is stored once, whoever read it."""
    if not group:
        return group
    have = set(db.session.scalars(select(ScanPage.index).where(
        ScanPage.file_id == file.id, ScanPage.index.in_([p.index for p in group]))))
    return [p for p in group if p.index not in have]


def _file_done(file: ScanFile, group: list[Prepared], last: bool) -> None:
    if group:
        file.pages = max(file.pages, max(p.index for p in group) + 1)
    if last:
        file.done = True
    db.session.flush()


def read_file(batch: ScanBatch, file: ScanFile, key: bytes, limit: int,
              progress: Callable | None = None) -> None:
    """Read every page of one file not stored yet, storing them a group at a time."""
    from .load import iter_pages

    seen = set(db.session.scalars(select(ScanPage.index).where(ScanPage.file_id == file.id)))
    group: list[Prepared] = []
    since = time.monotonic()
    pages = iter_pages(storage.absolute(file.path), max_pixels=limit)
    while True:
        at = time.thread_time()
        item = next(pages, None)
        STAGES["decode"] += time.thread_time() - at
        if item is None:
            break
        if item.index in seen:
            continue
        group.append(prepare(batch, file, item, key))
        if len(group) >= GROUP_PAGES or time.monotonic() - since >= GROUP_SECONDS:
            _stored(batch, file, group, False, progress)
            group, since = [], time.monotonic()
    _stored(batch, file, group, True, progress)


def _stored(batch, file, group, last: bool, progress) -> None:
    at = time.thread_time()
    pages = store(batch, file, group, last=last)
    STAGES["store"] += time.thread_time() - at
    _report(pages, progress)


def _report(pages: list[ScanPage], progress: Callable | None) -> None:
    if progress:
        for page in pages:
            progress(page)


def process_batch(batch_id: int, progress: Callable | None = None) -> ScanBatch:
    """Read every page of every unread file of a batch; ``progress(page)`` after each is
    stored."""
    from ..forms.batches import mac_key
    from .load import MAX_PIXELS

    batch = db.session.get(ScanBatch, batch_id)
    if batch is None:
        raise ValueError(f"no scan batch {batch_id}")
    _retrying(lambda: ops.start(db.session.get(ScanBatch, batch_id)))
    key = mac_key()
    limit = int(current_app.config.get("OMR_MAX_PIXELS", MAX_PIXELS))
    try:
        for file in batch.files:
            if not file.done:
                read_file(batch, file, key, limit, progress)
        _retrying(lambda: ops.finish(db.session.get(ScanBatch, batch_id)))
        _hand_over(batch)
    except Exception as exc:
        log.exception("scan batch %s failed", batch_id)
        db.session.rollback()
        batch = db.session.get(ScanBatch, batch_id)
        ops.finish(batch, f"{type(exc).__name__}: {exc}")
        db.session.commit()
    return batch


def _retrying(change: Callable[[], None], attempts: int = 4) -> None:
    """Make a small change and commit it, again after a pause if the database was busy (a
    SQLite file shared by several worker processes): a busy moment must not fail a batch."""
    for attempt in range(attempts):
        try:
            change()
            db.session.commit()
            return
        except OperationalError:
            db.session.rollback()
            if attempt == attempts - 1:
                raise
            log.warning("the database was busy; trying again", exc_info=True)
            time.sleep(1.0 * (attempt + 1))


def _hand_over(batch: ScanBatch) -> None:
    """Give the complete sheets this batch read to data entry review (when that feature is
    there): only its own sheets, so a batch of one file costs the same late in the survey as
    early.

    A failure here never fails the batch: the review list takes every sheet in when opened.
    """
    from ..features import optional_module
    from ..plans.models import Survey

    sources = optional_module("fieldwork.entry.sources")
    if sources is None:
        return
    batch_id = batch.id
    try:
        read: dict[int, set[int]] = {}
        for survey_id, serial in db.session.execute(select(
                ScanPage.survey_id, ScanPage.serial).where(
                ScanPage.batch_id == batch.id, ScanPage.survey_id.is_not(None),
                ScanPage.serial.is_not(None)).distinct()):
            read.setdefault(survey_id, set()).add(serial)
        for survey in db.session.scalars(select(Survey).where(Survey.id.in_(list(read)))):
            sources.sync_from_omr(survey, batch.created_by or "scan", serials=read[survey.id])
        db.session.commit()
    except Exception:  # e.g. another worker handed the same sheet over at the same moment
        db.session.rollback()  # first: the failed flush left the session unusable
        log.exception("handing the sheets of scan batch %s to review failed", batch_id)


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
