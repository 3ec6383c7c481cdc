"""The watcher: looks at every active inbox, takes finished files, files them when read.

One pass (``Watcher.visit_all``) per inbox: check the folder (a missing share is a status on
the station page, never a crash), finish the files whose batches are read (moved to done/ or
rejected/), put back files a stopped watcher claimed but never recorded, then look at what
waits. A file is taken when its size, time and inode stayed unchanged for the inbox's
``settle_seconds`` AND it is whole (``complete.wholeness``); one still incomplete after
``give_up_seconds`` of quiet, or not a scan at all, is claimed and rejected with a reason file.
The reading itself is a job of the runner (``omr.batch``), so a watcher killed mid-file is
resumed by the runner's sweep and nothing is read twice. No request context is needed.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import select

from ...extensions import db
from ..complete import wholeness
from ..reasons import REASONS
from . import operations as ops
from .folder import DONE, REJECTED, Folder, Unreachable, new_token, token_age
from .models import FileState, InboxFile, InboxState, ScanInbox

log = logging.getLogger(__name__)
ABANDONED_SECONDS = 600  # a claimed file without a ledger row this old: its watcher died
ORPHAN_SECONDS = 60  # a finished file left in claimed/ this long: its watcher died moving it
MAX_FILE = 300 * 1024 ** 2


def _note(name: str, reason: str | None, detail: str) -> str:
    """The reason file written beside a rejected file (the station's language, and the code)."""
    label = ""
    if reason in REASONS:
        with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "vi")):
            label = str(REASONS[reason])
    return f"{name}\n{label}\n[{reason}] {detail}\n".replace("\n\n", "\n")


class Watcher:
    """Passes over inboxes; remembers between passes when each waiting file last changed."""

    def __init__(self, worker: str | None = None, inbox_ids: list[int] | None = None,
                 dispatch=None, clock=time.monotonic, resume: bool = False) -> None:
        from ...jobs.runner import dispatch as run_job
        from ...jobs.runner import worker_name

        self.worker = worker or worker_name()
        self.inbox_ids = inbox_ids
        self.dispatch = dispatch or run_job
        self.clock = clock
        self.resume = resume  # run lost readings itself (no runner sweeps in this process)
        self.seen: dict[tuple[int, str], tuple[tuple[int, int, int], float]] = {}

    def inboxes(self) -> list[ScanInbox]:
        """The active inboxes this watcher looks after."""
        q = select(ScanInbox).where(ScanInbox.active.is_(True)).order_by(ScanInbox.id)
        if self.inbox_ids is not None:
            q = q.where(ScanInbox.id.in_(self.inbox_ids))
        return list(db.session.scalars(q))

    def visit_all(self) -> dict:
        """One pass over every inbox; returns counts of what was taken and refused."""
        counts = {"taken": 0, "refused": 0, "finished": 0, "waiting": 0, "unreachable": 0}
        for inbox in self.inboxes():
            try:
                self.visit(inbox, counts)
            except Exception:  # one inbox's trouble never stops the others
                log.exception("watching inbox %s failed", inbox.id)
                db.session.rollback()
        return counts

    def visit(self, inbox: ScanInbox, counts: dict) -> None:
        """One pass over one inbox."""
        folder = Folder(inbox.path)
        try:
            folder.check(inbox.id)
            entries = folder.waiting()
        except (Unreachable, OSError) as exc:
            detail = (f"[{exc.code}] {exc.detail}" if isinstance(exc, Unreachable)
                      else f"[io_error] {inbox.path}: {exc}")
            if inbox.state != InboxState.UNREACHABLE:
                log.warning("inbox %s unreachable: %s", inbox.id, detail)
            if ops.set_state(inbox, InboxState.UNREACHABLE, detail):
                db.session.commit()
            counts["unreachable"] += 1
            return
        counts["finished"] += self.finish_open(inbox, folder)
        self.put_back(inbox, folder)
        if ops.set_state(inbox, InboxState.WATCHING, "", waiting=len(entries)):
            db.session.commit()
        now = self.clock()
        names = set()
        for entry in entries:
            names.add(entry.name)
            self.consider(inbox, folder, entry, now, counts)
        for key in [k for k in self.seen if k[0] == inbox.id and k[1] not in names]:
            del self.seen[key]

    # -- a waiting file -------------------------------------------------------------------

    def consider(self, inbox: ScanInbox, folder: Folder, entry, now: float, counts: dict) -> None:
        """Take ``entry`` if it is finished, refuse it if it never will be, else wait."""
        key = (inbox.id, entry.name)
        before = self.seen.get(key)
        if before is None or before[0] != entry.signature:
            self.seen[key] = (entry.signature, now)
            if inbox.settle_seconds > 0:
                counts["waiting"] += 1
                return
            before = self.seen[key]
        quiet = now - before[1]
        if quiet < inbox.settle_seconds:
            counts["waiting"] += 1
            return
        path = folder.path / entry.name
        if not folder.is_regular(entry.name):
            self.refuse(inbox, folder, entry, "not_regular_file", f"{entry.name}", counts)
            return
        if entry.size > int(current_app.config.get("OMR_MAX_FILE_BYTES", MAX_FILE)):
            self.refuse(inbox, folder, entry, "too_large_file", f"{entry.size} bytes", counts)
            return
        try:
            judged = wholeness(path)
        except OSError:  # gone (another watcher took it) or unreadable for now
            return
        if judged.state == "foreign":
            self.refuse(inbox, folder, entry, "unsupported_type", judged.detail, counts)
        elif judged.state == "partial":
            if quiet >= inbox.give_up_seconds:
                self.refuse(inbox, folder, entry, "incomplete_file", judged.detail, counts)
            else:
                counts["waiting"] += 1
        else:
            self.take(inbox, folder, entry, counts)

    def _claim(self, inbox: ScanInbox, folder: Folder, entry) -> tuple[str, Path] | None:
        token = new_token()
        claimed = folder.claim(entry.name, token)
        self.seen.pop((inbox.id, entry.name), None)
        if claimed is None:
            return None  # another watcher was first
        info = os.lstat(claimed)
        if (info.st_size, info.st_mtime_ns, info.st_ino) != entry.signature:
            folder.release(claimed, entry.name)  # it changed after it was judged: wait again
            return None
        return token, claimed

    def take(self, inbox: ScanInbox, folder: Folder, entry, counts: dict) -> None:
        """Claim a finished file, record it as a batch and have it read."""
        got = self._claim(inbox, folder, entry)
        if got is None:
            return
        token, claimed = got
        try:
            row, job_id = ops.take(inbox, claimed, token, entry.name, entry.mtime_ns,
                                   self.worker)
        except Exception:
            db.session.rollback()
            log.exception("taking %s from inbox %s failed", entry.name, inbox.id)
            folder.release(claimed, entry.name)  # tried again on the next pass
            return
        counts["taken"] += 1
        log.info("inbox %s: took %s as %s", inbox.id, entry.name, row.state.value)
        if job_id is not None:
            self.dispatch(job_id)
            db.session.expire_all()
            self.finish_row(row, folder)
        else:
            self.file_away(row, folder)

    def refuse(self, inbox: ScanInbox, folder: Folder, entry, reason: str, detail: str,
               counts: dict) -> None:
        """Claim a file that will never be read and move it to rejected/ with its reason."""
        got = self._claim(inbox, folder, entry)
        if got is None:
            return
        token, _claimed = got
        row = ops.refuse(inbox, token, entry.name, entry.size, entry.mtime_ns, reason, detail,
                         self.worker)
        counts["refused"] += 1
        log.info("inbox %s: refused %s (%s)", inbox.id, entry.name, reason)
        self.file_away(row, folder)

    # -- files taken earlier ----------------------------------------------------------------

    def finish_open(self, inbox: ScanInbox, folder: Folder) -> int:
        """Record the fate of files whose batches are read; move what a stopped watcher left."""
        n = 0
        rows = db.session.scalars(select(InboxFile).where(
            InboxFile.inbox_id == inbox.id, InboxFile.moved_to.is_(None))
            .order_by(InboxFile.id)).all()
        for row in rows:
            if row.state in ops.OPEN:
                n += self.finish_row(row, folder)
            elif row.finished_at is None or ops.age_seconds(row.finished_at) >= ORPHAN_SECONDS:
                self.file_away(row, folder)
        return n

    def finish_row(self, row: InboxFile, folder: Folder) -> int:
        """If the row's batch is read, record its fate and move the file; 1 if it was. A file
        whose reading failed stays in claimed/, to be read again from its batch page."""
        state = ops.finish(row)
        if state is None:
            if self.resume and row.state == FileState.READING:
                self.resume_lost(row)
            return 0
        if state != FileState.FAILED:
            self.file_away(row, folder)
        return 1

    def resume_lost(self, row: InboxFile) -> None:
        """Run again the reading of a file whose worker died (or that was never sent): the
        job's claim makes sure only one process takes it; pages stored are not read again.
        A reading whose workers stopped as often as it may be tried is given up: its batch
        and file are marked failed (no runner sweeps in a foreground watcher to do it)."""
        from ...jobs.models import JobStatus
        from ...jobs.runner import give_up, stale_after
        from ...timeutil import aware, utcnow
        from ..jobs import reading_job

        job = reading_job(row.batch) if row.batch is not None else None
        if job is None or not job.is_open:
            return
        seen = job.heartbeat_at if job.status == JobStatus.RUNNING else job.created_at
        if seen is None or aware(seen) < utcnow() - stale_after():
            if job.attempts >= job.max_attempts:
                log.warning("inbox %s: giving up the reading of %s (job %s stopped %d times)",
                            row.inbox_id, row.name, job.id, job.attempts)
                give_up(job.id)
                db.session.expire_all()
                return
            log.warning("inbox %s: resuming the reading of %s (job %s)", row.inbox_id,
                        row.name, job.id)
            self.dispatch(job.id)
            db.session.expire_all()
            if ops.finish(row) not in (None, FileState.FAILED):
                self.file_away(row, Folder(row.inbox.path))

    def file_away(self, row: InboxFile, folder: Folder) -> None:
        """Move a finished file out of claimed/: done/ when read, rejected/ with a reason."""
        claimed = folder.claimed_path(row.token, row.name)
        if row.state == FileState.DONE:
            where = folder.move(claimed, DONE, row.name)
        else:
            where = folder.move(claimed, REJECTED, row.name,
                                note=_note(row.name, row.reason, row.detail))
        ops.moved(row, where or "-")  # "-": it was gone already (moved by hand)

    def put_back(self, inbox: ScanInbox, folder: Folder) -> None:
        """Files claimed long ago with no ledger row (their watcher died before recording
        them) go back to the inbox to be taken again."""
        for token, name, _entry in folder.claimed_files():
            if token_age(token) < ABANDONED_SECONDS:
                continue
            if db.session.scalar(select(InboxFile.id).where(InboxFile.token == token)):
                continue
            log.warning("inbox %s: putting back %s, claimed and never recorded", inbox.id, name)
            folder.release(folder.claimed_path(token, name), name)


class WatcherThread(threading.Thread):
    """``Watcher`` passes every ``INBOX_POLL_SECONDS`` in its own app context, for ever."""

    def __init__(self, app: Flask, poll: float | None = None, **kwargs) -> None:
        super().__init__(name="inbox-watcher", daemon=True)
        self.app = app
        self.poll = poll or float(app.config.get("INBOX_POLL_SECONDS", 2))
        self.stopped = threading.Event()
        self.kwargs = kwargs
        self.watcher: Watcher | None = None

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                with self.app.app_context():
                    try:
                        if self.watcher is None:
                            self.watcher = Watcher(**self.kwargs)
                        self.watcher.visit_all()
                    finally:
                        db.session.remove()
            except Exception:  # e.g. the database away for a moment: try again later
                log.exception("watching the scan inboxes failed")
            self.stopped.wait(self.poll)


_started: dict[int, WatcherThread] = {}
_lock = threading.Lock()


def start_service(app: Flask) -> WatcherThread | None:
    """Start this process's inbox watcher once (``INBOX_WATCH``); the job runner calls it."""
    if not app.config.get("INBOX_WATCH", True):
        return None
    with _lock:
        thread = _started.get(os.getpid())
        if thread is None or not thread.is_alive():
            thread = _started[os.getpid()] = WatcherThread(app)
            thread.start()
        return thread
