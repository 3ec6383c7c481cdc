"""State changes of watched inboxes: set up, change, take a claimed file, finish it.

Functions flush and audit; the caller commits, except ``take`` and ``finish``, which a
watcher calls outside any request and which commit their own few rows (the file's fate must
be on record before the file is moved, so a watcher stopped in between repeats nothing).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ... import audit
from ...errors import OperationError
from ...extensions import db
from ...timeutil import utcnow
from .. import operations as scan_ops
from ..models import UPLOADERS, BatchStatus, PageStatus, ScanBatch, ScanFile, ScanPage
from .folder import Folder
from .models import GIVE_UP_SECONDS, SETTLE_SECONDS, FileState, InboxFile, InboxState, ScanInbox

MAX_SETTLE = 3600
OPEN = (FileState.READING, FileState.FAILED)  # a file whose fate may still change
FIELDS = ("name", "path", "survey_id", "operator_id", "pilot", "active", "settle_seconds",
          "give_up_seconds")


def _snapshot(inbox: ScanInbox) -> dict:
    return {k: getattr(inbox, k) for k in FIELDS}


def inbox_roots() -> list[Path]:
    """Folders under which inboxes may be set up from the web pages (``FIELDWORK_INBOX_ROOTS``)."""
    raw = current_app.config.get("INBOX_ROOTS") or ""
    return [Path(p).expanduser().resolve() for p in str(raw).split(":") if p.strip()]


def check_path(path: str | Path, web: bool) -> Path:
    """The inbox folder as an absolute path, or OperationError saying why it cannot be one.

    Never inside the instance or data folder (the watcher moves files out of it); from the
    web pages only under one of ``inbox_roots()``.
    """
    raw = str(path or "").strip()
    if not raw:
        raise OperationError(_("Give the folder the scanners write into."))
    folder = Path(raw).expanduser()
    if web and not folder.is_absolute() and inbox_roots():
        folder = inbox_roots()[0] / folder
    if not folder.is_absolute():
        raise OperationError(_("Give the folder as a full path (e.g. /srv/scans/phuong-3)."))
    folder = folder.resolve()
    data = Path(current_app.config["FIELDWORK_DATA_DIR"]).resolve()
    instance = Path(current_app.instance_path).resolve()
    under_root = any(r in folder.parents for r in inbox_roots())
    if (folder in (data, instance) or data in folder.parents or folder in data.parents
            or folder in instance.parents or (instance in folder.parents and not under_root)):
        raise OperationError(_("The inbox cannot be the instance or data folder, lie "
                               "inside it or hold it."))
    if web:
        roots = inbox_roots()
        if not any(folder == r or r in folder.parents for r in roots):
            raise OperationError(_("From this page an inbox can only be set up under %(roots)s "
                                   "(FIELDWORK_INBOX_ROOTS).",
                                   roots=", ".join(map(str, roots)) or "-"))
        if folder in roots:
            raise OperationError(_("Give the inbox its own folder under %(root)s.",
                                   root=str(folder)))
    return folder


def _validate(data: dict) -> None:
    survey, operator = data.get("survey"), data.get("operator")
    if survey is None:
        raise OperationError(_("Choose the survey whose sheets arrive in this folder."))
    if operator is None or not operator.is_active or not operator.has_role(*UPLOADERS):
        raise OperationError(_("The operator must be an active scanning operator or manager."))
    for key, low in (("settle_seconds", 0), ("give_up_seconds", 1)):
        value = data.get(key)
        if value is not None and not low <= int(value) <= MAX_SETTLE:
            raise OperationError(_("Waiting times are between %(low)d and %(high)d seconds.",
                                   low=low, high=MAX_SETTLE))


def _or(value, default: int) -> int:
    return default if value is None or value == "" else int(value)


def _mark(inbox: ScanInbox) -> None:
    try:
        Folder(inbox.path).mark(inbox.id, inbox.survey.code)
    except OSError as exc:
        raise OperationError(_("The folder %(path)s cannot be used: %(why)s", path=inbox.path,
                               why=exc.strerror or str(exc))) from None


def create_inbox(data: dict, user, web: bool = True) -> ScanInbox:
    """Set up a folder as the inbox of a survey (created and marked if need be); audited.

    ``data``: path, survey, operator, name, pilot, settle_seconds, give_up_seconds.
    """
    _validate(data)
    path = check_path(data.get("path"), web)
    if db.session.scalar(select(ScanInbox.id).where(ScanInbox.path == str(path))):
        raise OperationError(_("This folder is already an inbox."))
    found = Folder(path).marker()
    if found:
        raise OperationError(_("This folder is marked as inbox #%(id)s of another set-up.",
                               id=found.get("inbox")))
    survey, operator = data["survey"], data["operator"]
    inbox = ScanInbox(name=(data.get("name") or "").strip()[:120] or path.name, path=str(path),
                      survey_id=survey.id, operator_id=operator.id,
                      pilot=bool(data.get("pilot")),
                      settle_seconds=_or(data.get("settle_seconds"), SETTLE_SECONDS),
                      give_up_seconds=_or(data.get("give_up_seconds"), GIVE_UP_SECONDS),
                      created_by_id=getattr(user, "id", None), state=InboxState.WAITING,
                      state_since=utcnow())
    db.session.add(inbox)
    db.session.flush()
    inbox.survey = survey
    _mark(inbox)
    audit.record(user, "scan.inbox", inbox, after=_snapshot(inbox))
    return inbox


def update_inbox(inbox: ScanInbox, data: dict, user, web: bool = True) -> ScanInbox:
    """Change an inbox's survey, operator, name, pilot flag, waiting times or activity."""
    _validate(data)
    before = _snapshot(inbox)
    survey, operator = data["survey"], data["operator"]
    inbox.survey_id, inbox.operator_id = survey.id, operator.id
    inbox.name = (data.get("name") or "").strip()[:120] or inbox.name
    inbox.pilot = bool(data.get("pilot"))
    if data.get("settle_seconds") is not None:
        inbox.settle_seconds = int(data["settle_seconds"])
    if data.get("give_up_seconds") is not None:
        inbox.give_up_seconds = int(data["give_up_seconds"])
    if data.get("active") is not None:
        inbox.active = bool(data["active"])
    db.session.flush()
    db.session.refresh(inbox)
    if inbox.active:
        _mark(inbox)  # saving also repairs the marker of a folder that lost it
    after = _snapshot(inbox)
    if after != before:
        audit.record(user, "scan.inbox.change", inbox, before=before, after=after)
    return inbox


def set_state(inbox: ScanInbox, state: InboxState, detail: str = "",
              waiting: int | None = None) -> bool:
    """Record what a watcher found at the folder; a change of state is audited. True if the
    row changed."""
    now = utcnow()
    changed = inbox.state != state or inbox.state_detail != detail
    if changed:
        audit.record("system", f"scan.inbox.{state.value}", inbox,
                     before={"state": inbox.state.value, "detail": inbox.state_detail},
                     after={"state": state.value, "detail": detail})
        inbox.state, inbox.state_detail, inbox.state_since = state, detail, now
    if waiting is not None and waiting != inbox.waiting:
        inbox.waiting, changed = waiting, True
    last = inbox.checked_at
    if changed or last is None or (now - _aware(last)).total_seconds() >= 15:
        inbox.checked_at = now
        changed = True
    return changed


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def age_seconds(moment: datetime) -> float:
    """Seconds since ``moment`` (naive times, as SQLite gives them back, are UTC)."""
    return (utcnow() - _aware(moment)).total_seconds()


# -- files --------------------------------------------------------------------------------------

def digest(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def earlier_reading(survey_id: int, sha256: str) -> ScanFile | None:
    """A file of the same content already stored for this survey (uploaded or from an inbox)."""
    return db.session.scalar(select(ScanFile).join(ScanBatch).where(
        ScanFile.sha256 == sha256, ScanBatch.survey_id == survey_id).order_by(ScanFile.id)
        .limit(1))


def _row(inbox: ScanInbox, token: str, name: str, size: int, mtime_ns: int | None,
         worker: str, **values) -> InboxFile:
    modified = (datetime.fromtimestamp(mtime_ns / 1e9, UTC) if mtime_ns is not None else None)
    row = InboxFile(inbox_id=inbox.id, token=token, name=name[:255], size=size,
                    modified_at=modified, worker=worker[:120], claimed_at=utcnow(), **values)
    db.session.add(row)
    db.session.flush()
    return row


def refuse(inbox: ScanInbox, token: str, name: str, size: int, mtime_ns: int | None,
           reason: str, detail: str, worker: str) -> InboxFile:
    """Record a claimed file that will not be read (not a scan, never finished...); commits."""
    row = _row(inbox, token, name, size, mtime_ns, worker, state=FileState.REJECTED,
               reason=reason, detail=detail, finished_at=utcnow())
    audit.record(inbox.operator or "system", "scan.inbox.rejected", row,
                 after={"inbox": inbox.id, "file": row.name, "reason": reason, "detail": detail})
    db.session.commit()
    return row


def take(inbox: ScanInbox, claimed: Path, token: str, name: str, mtime_ns: int | None,
         worker: str) -> tuple[InboxFile, int | None]:
    """Make a claimed scan file a scan batch of the inbox's survey, queued for reading (not
    yet sent to any worker): ``(row, job id)``. The same content read before is recorded as a
    duplicate and not read again (job id None). Commits."""
    from ...jobs.runner import enqueue
    from ..jobs import subject

    size, sha = claimed.stat().st_size, digest(claimed)
    earlier = earlier_reading(inbox.survey_id, sha)
    if earlier is None:
        batch = scan_ops.create_batch({"survey": inbox.survey, "pilot": inbox.pilot,
                                       "note": f"{inbox.name}: {name}"}, inbox.operator,
                                      source="inbox")
        stored = scan_ops.add_file(batch, name, claimed)
        try:
            row = _row(inbox, token, name, size, mtime_ns, worker, state=FileState.READING,
                       sha256=sha, content_key=f"{inbox.survey_id}:{sha}", batch_id=batch.id)
        except IntegrityError:  # another watcher took a copy of the same file this instant
            db.session.rollback()
            _forget(stored.path)
            earlier = earlier_reading(inbox.survey_id, sha)
        else:
            audit.record(inbox.operator, "scan.inbox.taken", row, after={
                "inbox": inbox.id, "file": row.name, "size": size, "sha256": sha,
                "batch": batch.id, "modified": row.modified_at.isoformat()
                if row.modified_at else None})
            job = enqueue("omr.batch", {"batch_id": batch.id}, inbox.operator,
                          survey=inbox.survey, subject=subject(batch.id), dispatch_now=False)
            return row, job.id  # enqueue committed the batch, the file, the row and the job
    first = earlier.batch_id if earlier is not None else None
    row = _row(inbox, token, name, size, mtime_ns, worker, state=FileState.DUPLICATE,
               sha256=sha, reason="duplicate_file", earlier_batch_id=first,
               detail=f"same content as {earlier.name if earlier else 'a file'} of scan batch "
                      f"#{first}", finished_at=utcnow())
    audit.record(inbox.operator, "scan.inbox.duplicate", row, after={
        "inbox": inbox.id, "file": row.name, "sha256": sha, "earlier_batch": first})
    db.session.commit()
    return row, None


def _forget(rel: str) -> None:
    from .. import storage

    try:
        storage.absolute(rel).unlink(missing_ok=True)
    except (OSError, ValueError):
        pass


def outcome(row: InboxFile) -> tuple[FileState, str | None, str] | None:
    """What a file being read ends as, once its batch is read (None while it is not)."""
    batch = row.batch
    if batch is None:
        return FileState.REJECTED, "reading_failed", "its scan batch was deleted"
    if batch.status == BatchStatus.FAILED:
        return FileState.FAILED, *batch.failure
    if batch.status != BatchStatus.DONE:
        return None
    counts = dict(db.session.execute(select(ScanPage.status, func.count()).where(
        ScanPage.batch_id == batch.id).group_by(ScanPage.status)).all())
    n = {s: counts.get(s, 0) for s in PageStatus}
    pages = sum(n.values())
    if n[PageStatus.READ] + n[PageStatus.DUPLICATE] + n[PageStatus.REPLACED]:
        return FileState.DONE, None, ""
    if pages and n[PageStatus.BLANK] == pages:
        return FileState.REJECTED, "all_blank", f"{pages} blank page(s)"
    return FileState.REJECTED, "nothing_read", f"{pages} page(s), none read"


def finish(row: InboxFile) -> FileState | None:
    """Record the fate of a file whose batch is read, or failed, or failed and then read
    again (once, even with two watchers); commits. Returns the new state, or None while it is
    still being read, when nothing changed, or when another watcher recorded it first."""
    fate = outcome(row)
    if fate is None:
        return None
    state, reason, detail = fate
    done = db.session.execute(update(InboxFile).where(
        InboxFile.id == row.id, InboxFile.state.in_(OPEN), InboxFile.state != state).values(
        state=state, reason=reason, detail=detail, finished_at=utcnow())
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        db.session.rollback()
        return None
    db.session.refresh(row)
    audit.record(row.inbox.operator or "system", f"scan.inbox.{state.value}", row,
                 after={"file": row.name, "batch": row.batch_id, "reason": reason})
    db.session.commit()
    return state


def finish_batch_files(batch: ScanBatch) -> list[FileState]:
    """Record the fate of the inbox files a batch was made of (its reading just ended or
    failed), without waiting for a watcher's pass; commits."""
    rows = db.session.scalars(select(InboxFile).where(
        InboxFile.batch_id == batch.id, InboxFile.state.in_(OPEN))).all()
    return [state for row in rows if (state := finish(row)) is not None]


def read_again(batch: ScanBatch, user) -> None:
    """Put a failed batch back in the queue, and its failed inbox files back to reading
    (audited); the caller commits and submits the reading job. Pages read are kept."""
    if batch.status != BatchStatus.FAILED:
        raise OperationError(_("Only a batch whose reading failed can be read again."))
    audit.record(user, "scan.batch.retried", batch, before={"error": batch.error})
    batch.status, batch.error, batch.finished_at = BatchStatus.QUEUED, None, None
    for row in db.session.scalars(select(InboxFile).where(
            InboxFile.batch_id == batch.id, InboxFile.state == FileState.FAILED)):
        audit.record(user, "scan.inbox.retried", row, before={
            "state": row.state.value, "reason": row.reason, "detail": row.detail})
        row.state, row.reason, row.detail, row.finished_at = FileState.READING, None, "", None
    db.session.flush()


def moved(row: InboxFile, where: str) -> None:
    """Record where the file went in the inbox folder; commits."""
    row.moved_to = where[:500]
    db.session.commit()
