"""The job runner in the test database: claiming, outcomes, audit, recovery, pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.audit.operations import record
from fieldwork.errors import OperationError
from fieldwork.extensions import db as _db
from fieldwork.jobs import runner
from fieldwork.jobs.models import Job, JobStatus
from fieldwork.jobs.storage import job_folder
from fieldwork.timeutil import utcnow

from ..conftest import csrf_token, login
from ..factories import PASSWORD

CALLS: list[str] = []


@runner.task("test.echo", title=lambda p: f"echo {p.get('text')}")
def _echo(job, ctx):
    ctx.progress(1, 2, "half way", force=True)
    record("system", "test.work", object_type="test", object_id=job.id)
    ctx.after_commit(lambda: CALLS.append(f"after {job.id}"))
    return {"text": job.params["text"], "endpoint": "jobs.index"}


@runner.task("test.refuse", title=lambda p: "refuse")
def _refuse(job, ctx):
    record("system", "test.never", object_type="test", object_id=job.id)
    raise OperationError("The file has no rows.")


@runner.task("test.boom", title=lambda p: "boom")
def _boom(job, ctx):
    record("system", "test.never", object_type="test", object_id=job.id)
    if job.params.get("fail", True):
        raise ZeroDivisionError("division by zero")
    return {}


GIVEN_UP: list[tuple[int, str]] = []


@runner.given_up("test.boom")
def _boom_given_up(job):
    GIVEN_UP.append((job.id, job.status.value))
    record("system", "test.wound_up", object_type="test", object_id=job.id)


@runner.task("test.file", title=lambda p: "file")
def _file(job, ctx):
    (job_folder(job.id) / "out.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return {"file": "out.csv", "download_name": "ket-qua.csv"}


def _work(job_id: int, action: str) -> bool:
    return _db.session.scalar(select(AuditEvent).where(
        AuditEvent.object_type == "test", AuditEvent.object_id == str(job_id),
        AuditEvent.action == action)) is not None


def _actions(job_id: int) -> list[str]:
    return list(_db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "jobs", AuditEvent.object_id == str(job_id))
        .order_by(AuditEvent.id)))


def test_a_job_runs_commits_its_work_with_its_end_and_is_audited(db, factory):
    user = factory.user("manager")
    CALLS.clear()
    job = runner.enqueue("test.echo", {"text": "xin chào"}, user)
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert job.result == {"text": "xin chào", "endpoint": "jobs.index"}
    assert job.created_by_id == user.id and job.title == "echo xin chào"
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at
    assert _work(job.id, "test.work")
    assert _actions(job.id) == ["job.queued", "job.done"]
    assert CALLS == [f"after {job.id}"]


def test_a_refusal_fails_the_job_with_its_message_and_keeps_nothing(db, factory):
    user = factory.user("manager")
    job = runner.enqueue("test.refuse", {}, user)
    assert job.status == JobStatus.FAILED and job.error == "The file has no rows."
    assert not _work(job.id, "test.never")
    assert _actions(job.id) == ["job.queued", "job.failed"]


def test_an_unexpected_error_fails_the_job_without_a_trace_for_the_user(db, factory):
    job = runner.enqueue("test.boom", {}, factory.user("manager"))
    assert job.status == JobStatus.FAILED
    assert job.error == "internal error: ZeroDivisionError: division by zero"
    assert not _work(job.id, "test.never")


def test_a_failed_job_is_wound_up_by_its_given_up_handler(db, factory):
    GIVEN_UP.clear()
    job = runner.enqueue("test.boom", {}, factory.user("manager"))
    assert job.status == JobStatus.FAILED
    assert GIVEN_UP == [(job.id, "failed")]  # after the failure is committed
    assert _work(job.id, "test.wound_up") and not _work(job.id, "test.never")
    done = runner.enqueue("test.boom", {"fail": False}, factory.user("manager"))
    assert done.status == JobStatus.DONE and GIVEN_UP == [(job.id, "failed")]


def test_unknown_kinds_are_refused(db, factory):
    with pytest.raises(ValueError, match="unknown job kind"):
        runner.enqueue("nope", {}, factory.user("manager"))


def _waiting(factory, **values) -> Job:
    job = Job(kind="test.echo", params={"text": "x"}, title="x", created_by_label="t",
              **values)
    _db.session.add(job)
    _db.session.commit()
    return job


def test_a_claim_is_exclusive_until_the_heartbeat_goes_stale(db, factory):
    job = _waiting(factory)
    assert runner.claim(job.id, "worker-a")
    assert not runner.claim(job.id, "worker-b")  # running, fresh heartbeat
    job.heartbeat_at = utcnow() - runner.stale_after() - timedelta(seconds=1)
    db.session.commit()
    assert runner.claim(job.id, "worker-b")  # worker-a is taken for dead
    db.session.refresh(job)
    assert job.worker == "worker-b" and job.attempts == 2
    # worker-a comes back and finishes: its outcome does not count.
    assert runner._finish(job.id, "worker-a", JobStatus.DONE, result={"a": 1}) == "running"
    db.session.refresh(job)
    assert job.status == JobStatus.RUNNING and job.result is None
    assert runner._finish(job.id, "worker-b", JobStatus.DONE, result={"b": 1}) == "done"
    assert not runner.claim(job.id, "worker-c")  # done jobs are never claimed


def test_recover_resumes_stale_jobs_and_fails_those_out_of_attempts(db, factory):
    old = utcnow() - runner.stale_after() - timedelta(seconds=5)
    lost = _waiting(factory, created_at=old)  # waiting, its message lost
    dead = _waiting(factory, status=JobStatus.RUNNING, heartbeat_at=old, attempts=1,
                    worker="gone")
    spent = _waiting(factory, status=JobStatus.RUNNING, heartbeat_at=old, attempts=3,
                     worker="gone")
    fresh = _waiting(factory)  # just queued: not lost yet
    assert runner.recover() == [lost.id, dead.id]
    for row in (lost, dead, spent, fresh):
        db.session.refresh(row)
    assert lost.status == dead.status == JobStatus.DONE
    assert dead.attempts == 2 and lost.attempts == 1
    assert spent.status == JobStatus.FAILED and "stopped" in spent.error
    assert fresh.status == JobStatus.QUEUED
    assert "job.failed" in _actions(spent.id)


def test_backend_follows_the_settings(app):
    config = dict(app.config)
    try:
        app.config.update(JOBS_BACKEND="", TESTING=False, REDIS_URL=None)
        assert runner.backend(app) == "embedded"
        app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
        assert runner.backend(app) == "rq"
        app.config["JOBS_BACKEND"] = "embedded"
        assert runner.backend(app) == "embedded"
        app.config["JOBS_BACKEND"] = "celery"
        with pytest.raises(RuntimeError, match="sync, embedded or rq"):
            runner.backend(app)
    finally:
        app.config.clear()
        app.config.update(config)


def test_job_pages_progress_result_download_and_retry(client, db, factory):
    owner = factory.user("manager", email="owner@example.vn")
    other = factory.user("manager", email="other@example.vn")
    login(client, owner.email, PASSWORD)
    done = runner.enqueue("test.file", {}, owner)
    resp = client.get(f"/jobs/{done.id}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "ket-qua.csv" in html and 'http-equiv="refresh"' not in html
    resp = client.get(f"/jobs/{done.id}/download")
    assert resp.status_code == 200 and resp.data == b"a,b\n1,2\n"
    assert "ket-qua.csv" in resp.headers["Content-Disposition"]
    assert resp.headers["Cache-Control"] == "private, no-store"  # issue 15
    resp.close()
    html = client.get(f"/jobs/{done.id}?follow=1").get_data(as_text=True)  # fetches it once
    assert f'content="0;url=/jobs/{done.id}/download"' in html
    echo = runner.enqueue("test.echo", {"text": "b"}, owner)
    resp = client.get(f"/jobs/{echo.id}?follow=1")  # a page result: straight there
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/jobs/")

    waiting = _waiting(factory, created_by_id=owner.id, progress_done=3, progress_total=4)
    html = client.get(f"/jobs/{waiting.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in html and "75%" in html
    listing = client.get("/jobs/").get_data(as_text=True)
    assert f"/jobs/{waiting.id}" in listing and f"/jobs/{done.id}" in listing

    failed = runner.enqueue("test.boom", {"fail": True}, owner)
    failed.params = {"fail": False}  # as if the cause had been fixed
    db.session.commit()
    html = client.get(f"/jobs/{failed.id}").get_data(as_text=True)
    assert "ZeroDivisionError" in html and "retry" in html
    resp = client.post(f"/jobs/{failed.id}/retry",
                       data={"csrf_token": csrf_token(client, f"/jobs/{failed.id}")})
    assert resp.status_code == 302
    db.session.refresh(failed)
    assert failed.status == JobStatus.DONE and "job.retried" in _actions(failed.id)

    client = client.application.test_client()
    login(client, other.email, PASSWORD)
    assert client.get(f"/jobs/{done.id}").status_code == 200  # a manager reads every job
    assert client.get(f"/jobs/{done.id}/download").status_code == 403  # not the file
    assert client.post(f"/jobs/{failed.id}/retry", data={
        "csrf_token": csrf_token(client, "/jobs/")}).status_code == 403


def test_others_see_only_their_own_jobs(client, db, factory):
    manager = factory.user("manager")
    scanner = factory.user("scanner", email="scan@example.vn")
    job = runner.enqueue("test.echo", {"text": "a"}, manager)
    login(client, scanner.email, PASSWORD)
    assert client.get(f"/jobs/{job.id}").status_code == 403
    assert f"/jobs/{job.id}" not in client.get("/jobs/").get_data(as_text=True)
    assert client.get("/jobs/999999").status_code == 404
