"""A reading job that gives up: its batch shows failed in words, its inbox file is marked
failed and kept, the audit log says so, and the operator reads it again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from fieldwork.audit.models import AuditEvent
from fieldwork.errors import OperationError
from fieldwork.jobs import runner
from fieldwork.jobs.models import Job, JobStatus
from fieldwork.omr import operations as scan_ops
from fieldwork.omr.inbox import operations as inbox_ops
from fieldwork.omr.inbox.models import FileState, InboxFile
from fieldwork.omr.inbox.watch import Watcher
from fieldwork.omr.jobs import reading_job
from fieldwork.omr.models import BatchStatus, PageStatus, ScanBatch, ScanPage
from fieldwork.timeutil import utcnow

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from .conftest import batch_scans


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _actions(db, obj) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == obj.__tablename__, AuditEvent.object_id == str(obj.id))
        .order_by(AuditEvent.id)))


def _inbox_with(db, survey, people, folder, name: str, data: bytes):
    """An inbox of the survey (files taken at once) with one scanner file written into it."""
    inbox = inbox_ops.create_inbox({"path": str(folder), "survey": survey,
                                    "operator": people["scanner"], "settle_seconds": 0,
                                    "give_up_seconds": 60}, people["manager"], web=False)
    db.session.commit()
    (folder / name).write_bytes(data)
    return inbox


def _die(db, job_id: int, worker: str) -> None:
    """A worker takes the job, starts the batch, and is killed (its heartbeat goes stale)."""
    assert runner.claim(job_id, worker)
    job = db.session.get(Job, job_id)
    scan_ops.start(db.session.get(ScanBatch, job.params["batch_id"]))
    db.session.execute(update(Job).where(Job.id == job_id).values(
        heartbeat_at=utcnow() - runner.stale_after() - timedelta(seconds=5)))
    db.session.commit()


def test_a_reading_whose_workers_all_stop_fails_its_batch_and_file_until_read_again(
        app, client, db, printed, survey, people, tmp_path):
    folder = tmp_path / "inbox"
    inbox = _inbox_with(db, survey, people, folder, "SCAN_0001.jpg",
                        batch_scans(printed, only={"00000001"})[0].data)
    sent: list[int] = []
    watcher = Watcher(clock=Clock(), dispatch=sent.append)  # no worker picks it up at once
    assert watcher.visit_all()["taken"] == 1
    row = db.session.scalars(select(InboxFile).where(InboxFile.inbox_id == inbox.id)).one()
    batch = row.batch
    job = reading_job(batch)
    assert sent == [job.id] and row.state == FileState.READING

    for n in range(job.max_attempts):  # three workers die on it, one after the other
        _die(db, job.id, f"dead-{n}")
    assert runner.recover() == []  # out of attempts: not sent again, failed
    db.session.expire_all()
    job, batch, row = db.session.get(Job, job.id), db.session.get(ScanBatch, batch.id), \
        db.session.get(InboxFile, row.id)
    assert job.status == JobStatus.FAILED and job.attempts == 3
    assert batch.status == BatchStatus.FAILED and batch.finished_at is not None
    assert batch.failure[0] == "reading_given_up" and "3 times" in batch.failure[1]
    assert (row.state, row.reason) == (FileState.FAILED, "reading_given_up")
    assert "scan.batch.failed" in _actions(db, batch)
    assert "scan.inbox.failed" in _actions(db, row)
    assert "job.failed" in _actions(db, job)

    # Watchers leave it in claimed/ (not done/, not rejected/): it is waiting to be read again.
    watcher.visit_all()
    db.session.refresh(row)
    assert row.state == FileState.FAILED and row.moved_to is None
    assert not (folder / "done").exists() or not list((folder / "done").iterdir())
    assert not (folder / "rejected").exists() or not list((folder / "rejected").iterdir())
    assert [p.name for p in (folder / ".fieldwork" / "claimed").iterdir()] \
        and sent == [job.id]  # nothing dispatched again behind the operator's back

    # The operator sees why, in words, on the batch page and the inbox page.
    assert login(client, people["scanner"].email, PASSWORD).status_code == 302
    page = client.get(f"/scans/{batch.id}").text
    assert "nên đã ngừng hẳn: tệp có thể rất lớn hoặc bị hỏng" in page
    assert "Đọc lại" in page and "Tiếp tục đọc" not in page
    station = client.get("/scans/inboxes").text
    assert "Đọc không thành công" in station and "được giữ lại chờ đọc lại" in station
    assert f'/scans/{batch.id}/resume' in station

    # ... and reads it again: the batch is read, the file is done and filed in done/.
    reply = client.post(f"/scans/{batch.id}/resume",
                        data={"csrf_token": csrf_token(client, f"/scans/{batch.id}")})
    assert reply.status_code == 302
    db.session.expire_all()
    batch = db.session.get(ScanBatch, batch.id)
    assert batch.status == BatchStatus.DONE and batch.error is None
    assert [p.status for p in db.session.scalars(select(ScanPage).where(
        ScanPage.batch_id == batch.id))] == [PageStatus.READ]
    assert "scan.batch.retried" in _actions(db, batch)
    assert "scan.inbox.retried" in _actions(db, row)
    watcher.visit_all()
    row = db.session.get(InboxFile, row.id)
    assert row.state == FileState.DONE and row.moved_to == "done/SCAN_0001.jpg"
    assert (folder / "done" / "SCAN_0001.jpg").exists()


def test_a_foreground_watcher_gives_up_a_reading_that_stopped_too_often(
        db, printed, survey, people, tmp_path):
    """``fieldwork scan --watch`` runs no sweeping worker: its watcher gives the reading up."""
    from fieldwork.omr.inbox.cli import _open

    inbox = _inbox_with(db, survey, people, tmp_path / "inbox", "0001.jpg",
                        batch_scans(printed, only={"00000002"})[0].data)
    Watcher(clock=Clock(), dispatch=lambda job_id: None).visit_all()
    row = db.session.scalars(select(InboxFile).where(InboxFile.inbox_id == inbox.id)).one()
    job_id = reading_job(row.batch).id
    for n in range(3):
        _die(db, job_id, f"killed-{n}")
    assert _open(inbox.id) == 1
    Watcher(clock=Clock(), dispatch=runner.perform, resume=True).visit_all()
    db.session.expire_all()
    row = db.session.get(InboxFile, row.id)
    assert (row.state, row.reason) == (FileState.FAILED, "reading_given_up")
    assert row.batch.status == BatchStatus.FAILED
    assert db.session.get(Job, job_id).status == JobStatus.FAILED
    assert _open(inbox.id) == 0  # ``--until-idle`` ends instead of waiting for ever
    assert not runner.give_up(job_id)  # once only


def test_only_a_failed_batch_is_read_again(app, db, survey, people):
    batch = scan_ops.create_batch({"survey": survey}, people["scanner"])
    db.session.commit()
    with app.test_request_context(), pytest.raises(OperationError):
        inbox_ops.read_again(batch, people["scanner"])
    assert batch.status == BatchStatus.QUEUED
    assert "scan.batch.retried" not in _actions(db, batch)
