"""Queueing, claiming, running and recovering jobs.

Backends (``JOBS_BACKEND``; empty picks ``rq`` when ``REDIS_URL`` is set, else ``embedded``):

- ``sync``: the job runs at once in the caller (the default in tests);
- ``embedded``: ``JOBS_THREADS`` worker threads in the web process, so a one-machine set-up
  needs no other service;
- ``rq``: the job id goes to the ``fieldwork`` queue on Redis and ``fieldwork worker`` processes,
  on any machine sharing the database and the data folder, run it.

Whatever the backend, a job only runs after ``claim`` turned it from waiting (or running with a
stale heartbeat, i.e. its worker died) to running in one conditional UPDATE, so two workers
never run it at once and a killed job is taken up again by the next sweep.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from ..audit.operations import record
from ..errors import OperationError
from ..extensions import db
from ..features import FEATURES, optional_module
from ..timeutil import utcnow
from .models import Job, JobStatus

log = logging.getLogger(__name__)
QUEUE_NAME = "fieldwork"
HEARTBEAT_SECONDS = 10
STALE_SECONDS = 90
TIMEOUT_SECONDS = 6 * 3600


@dataclass(frozen=True)
class Task:
    """A registered kind of job: its handler and how to describe it."""

    kind: str
    handler: Callable[[Job, JobContext], dict]
    title: Callable[[dict], str]


TASKS: dict[str, Task] = {}


def task(kind: str, title: Callable[[dict], str]):
    """Register ``handler(job, ctx) -> result`` for ``kind`` (used in ``<feature>/tasks.py``).

    The handler adds its work to the session and returns a JSON-able result; the runner marks
    the job done in the same transaction. Handlers that commit along the way must be
    restartable: a resumed job runs the handler again from the start.
    """
    def register(handler):
        TASKS[kind] = Task(kind, handler, title)
        return handler
    return register


GIVEN_UP: dict[str, Callable[[Job], None]] = {}


def given_up(kind: str):
    """Register ``handler(job)``, run once a job of ``kind`` has failed for good (its handler
    failed, or its workers stopped until its attempts ran out), so what it worked on does not
    stay "running" for ever. It flushes and audits its changes; the runner commits them."""
    def register(handler):
        GIVEN_UP[kind] = handler
        return handler
    return register


def _given_up(job_id: int) -> None:
    """Run the given-up handler of a job just failed (committed); never raises."""
    load_tasks()  # the handlers register with their tasks
    job = db.session.get(Job, job_id)
    handler = GIVEN_UP.get(job.kind) if job is not None else None
    if handler is None:
        return
    try:
        handler(job)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("winding up failed job %s (%s) failed", job_id, job.kind)


SERVICES: dict[str, Callable[[Flask], object]] = {}


def service(name: str):
    """Register ``start(app)``: a background service (e.g. watching scan inboxes) that every
    worker process, ``fieldwork worker`` or the embedded pool, starts once."""
    def register(start):
        SERVICES[name] = start
        return start
    return register


def start_services(app: Flask) -> None:
    """Start every registered service in this process (a failing one is logged, not raised)."""
    load_tasks()
    for name, start in SERVICES.items():
        try:
            start(app)
        except Exception:
            log.exception("starting the %s service failed", name)


def load_tasks() -> dict[str, Task]:
    """Import every feature's ``tasks`` module so its handlers are registered."""
    for feature in FEATURES:
        optional_module(f"fieldwork.{feature}.tasks")
    return TASKS


def _setting(name: str, default):
    return current_app.config.get(name, default) if has_app_context() else default


def backend(app: Flask | None = None) -> str:
    """The configured backend: sync, embedded or rq."""
    config = (app or current_app).config
    chosen = (config.get("JOBS_BACKEND") or "").strip().lower()
    if chosen:
        if chosen not in ("sync", "embedded", "rq"):
            raise RuntimeError(f"JOBS_BACKEND must be sync, embedded or rq, not {chosen!r}")
        return chosen
    if config.get("TESTING"):
        return "sync"
    return "rq" if config.get("REDIS_URL") else "embedded"


def stale_after() -> timedelta:
    return timedelta(seconds=int(_setting("JOBS_STALE_SECONDS", STALE_SECONDS)))


# -- queueing -----------------------------------------------------------------------------------

def enqueue(kind: str, params: dict, user, survey=None, subject: str | None = None,
            dispatch_now: bool = True) -> Job:
    """Store a waiting job (audited), commit, and hand it to the backend.

    ``dispatch_now`` False only stores it: the next sweep of a worker sends it (for jobs
    queued from a process that runs no worker, and for tests of that sweep).
    """
    tasks = load_tasks()
    if kind not in tasks:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, params=params, title=str(tasks[kind].title(params))[:255],
              subject=subject,
              survey_id=getattr(survey, "id", None),
              created_by_id=getattr(user, "id", None),
              created_by_label=getattr(user, "email", None) or str(user or "system"),
              max_attempts=int(_setting("JOBS_MAX_ATTEMPTS", 3)))
    db.session.add(job)
    db.session.flush()
    record(user, "job.queued", job, after={"kind": kind, "params": params})
    db.session.commit()
    if dispatch_now:
        dispatch(job.id)
    return db.session.get(Job, job.id)


def dispatch(job_id: int) -> None:
    """Send a stored job to the configured backend."""
    app = current_app._get_current_object()
    chosen = backend(app)
    if chosen == "sync":
        perform(job_id, watch=False)
    elif chosen == "embedded":
        embedded.start(app)
        embedded.put(job_id)
    else:
        _rq_enqueue(app, job_id)


def _rq_queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))


def _rq_enqueue(app: Flask, job_id: int) -> None:
    token = f"fieldwork-{job_id}-{uuid.uuid4().hex[:8]}"
    db.session.execute(update(Job).where(Job.id == job_id).values(dispatch_id=token))
    db.session.commit()
    _rq_queue(app).enqueue_call(
        "fieldwork.jobs.runner.perform", args=(job_id,), job_id=token,
        timeout=int(app.config.get("JOBS_TIMEOUT_SECONDS", TIMEOUT_SECONDS)),
        result_ttl=0, failure_ttl=7 * 24 * 3600)


# -- running ------------------------------------------------------------------------------------

def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"[:120]


def claim(job_id: int, worker: str) -> bool:
    """Take a waiting job, or a running one whose worker stopped beating; True if taken."""
    now = utcnow()
    stale = now - stale_after()
    res = db.session.execute(
        update(Job).where(
            Job.id == job_id, Job.attempts < Job.max_attempts,
            or_(Job.status == JobStatus.QUEUED,
                and_(Job.status == JobStatus.RUNNING,
                     or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < stale))))
        .values(status=JobStatus.RUNNING, worker=worker, heartbeat_at=now,
                attempts=Job.attempts + 1, started_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return res.rowcount == 1


class JobContext:
    """What a handler gets besides its job: progress reporting (best effort, own connection)."""

    def __init__(self, job_id: int, worker: str, engine) -> None:
        self.job_id, self.worker, self.engine = job_id, worker, engine
        self._last = 0.0
        self.after: list[Callable[[], None]] = []

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once the job's work is committed (e.g. remove a used upload)."""
        self.after.append(action)

    def _write(self, **values) -> None:
        stmt = update(Job).where(Job.id == self.job_id, Job.worker == self.worker,
                                 Job.status == JobStatus.RUNNING).values(**values)
        try:
            with self.engine.connect() as conn:
                sqlite = conn.dialect.name == "sqlite"
                if sqlite:
                    # The handler's own transaction may hold the write lock: skip, don't wait.
                    before = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
                    conn.exec_driver_sql("PRAGMA busy_timeout = 50")
                try:
                    conn.execute(stmt)
                    conn.commit()
                finally:
                    if sqlite:
                        conn.rollback()
                        conn.exec_driver_sql("PRAGMA busy_timeout = " + str(int(before)))
        except OperationalError as exc:  # SQLite: the work itself holds the write lock now
            log.debug("job %s: progress not written (%s)", self.job_id, exc)
        except Exception:  # progress and heartbeats must never fail the work itself
            log.warning("could not update job %s", self.job_id, exc_info=True)

    def progress(self, done: int, total: int | None = None, message: str | None = None,
                 force: bool = False) -> None:
        """Record progress; writes at most twice a second unless ``force``."""
        now = time.monotonic()
        if not force and now - self._last < 0.5:
            return
        self._last = now
        values: dict[str, Any] = {"progress_done": done, "heartbeat_at": utcnow()}
        if total is not None:
            values["progress_total"] = total
        if message is not None:
            values["message"] = message[:255]
        self._write(**values)

    def beat(self) -> None:
        self._write(heartbeat_at=utcnow())


class _Heartbeat(threading.Thread):
    def __init__(self, ctx: JobContext, every: float) -> None:
        super().__init__(name=f"job-{ctx.job_id}-heartbeat", daemon=True)
        self.ctx, self.every, self.stopped = ctx, every, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            self.ctx.beat()


def perform(job_id: int, watch: bool = True) -> str:
    """Claim and run one job (the entry point of every backend); returns its final status.

    ``watch`` False (a job run at once in the caller) skips the heartbeat and progress writes:
    nobody can watch it, and they would wait on the caller's own transaction.
    """
    if not has_app_context():  # an RQ worker started without the CLI's app context
        from .. import create_app

        with create_app().app_context():
            try:
                return perform(job_id, watch)
            finally:
                db.session.remove()
    worker = worker_name()
    if not claim(job_id, worker):
        job = db.session.get(Job, job_id)
        return job.status.value if job else "missing"
    return _run(job_id, worker, watch)


class _Quiet(JobContext):
    def _write(self, **values) -> None:
        return None


def _run(job_id: int, worker: str, watch: bool) -> str:
    job = db.session.get(Job, job_id)
    ctx = (JobContext if watch else _Quiet)(job_id, worker, db.engine)
    beat = _Heartbeat(ctx, float(_setting("JOBS_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS)))
    if watch:
        beat.start()
    try:
        task_ = load_tasks().get(job.kind)
        if task_ is None:
            raise OperationError(f"unknown job kind {job.kind!r}")
        result = task_.handler(job, ctx)
    except OperationError as exc:
        db.session.rollback()
        return _finish(job_id, worker, JobStatus.FAILED, error=str(exc))
    except Exception as exc:
        log.exception("job %s (%s) failed", job_id, getattr(job, "kind", "?"))
        db.session.rollback()
        return _finish(job_id, worker, JobStatus.FAILED,
                       error=f"internal error: {type(exc).__name__}: {exc}"[:2000])
    finally:
        beat.stopped.set()
    status = _finish(job_id, worker, JobStatus.DONE, result=result or {})
    if status == JobStatus.DONE.value:
        for action in ctx.after:
            try:
                action()
            except Exception:
                log.exception("a clean-up after job %s failed", job_id)
    return status


def _finish(job_id: int, worker: str, status: JobStatus, result: dict | None = None,
            error: str | None = None) -> str:
    """Mark the job ended, with the handler's uncommitted work, in one transaction."""
    try:
        db.session.flush()
        job = db.session.get(Job, job_id)
        db.session.refresh(job)
        if job.worker != worker or job.status != JobStatus.RUNNING:
            # Another worker took the job over (this one was thought dead): its outcome counts.
            db.session.rollback()
            log.warning("job %s was taken over by %s; dropping this run's outcome", job_id,
                        job.worker)
            return job.status.value
        job.status, job.result, job.error = status, result, error
        job.finished_at = utcnow()
        if status == JobStatus.DONE:  # what it was doing is over; the result may sum it up
            job.message = str((result or {}).get("summary") or "")[:255]
            if job.progress_total:
                job.progress_done = job.progress_total
        record(job.created_by or "system", f"job.{status.value}", job,
               after={"kind": job.kind, "attempt": job.attempts, "result": result,
                      "error": error})
        db.session.commit()
        if status == JobStatus.FAILED:
            _given_up(job_id)
    except IntegrityError:
        # The work clashed with another saved at the same moment (e.g. two report versions
        # numbered alike): nothing of it is kept; the job fails with a clear message.
        db.session.rollback()
        if status == JobStatus.FAILED:
            raise
        return _finish(job_id, worker, JobStatus.FAILED, result={"clash": True}, error=_(
            "Something else was saved at the same moment; nothing of this job was kept. "
            "Check the result and run it again."))
    return status.value


def retry(job: Job, user) -> Job:
    """Queue a failed job again (audited); the caller commits and dispatches."""
    if job.status != JobStatus.FAILED:
        raise OperationError(_("Only a failed job can be run again."))
    job.status, job.error, job.attempts = JobStatus.QUEUED, None, 0
    job.heartbeat_at = job.finished_at = None
    record(user, "job.retried", job)
    return job


# -- recovery -----------------------------------------------------------------------------------

def _rq_alive(app: Flask, token: str | None) -> bool:
    """True when RQ still holds the job's message (waiting or being run)."""
    if not token:
        return False
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RqJob

    queue_ = _rq_queue(app)
    try:
        status = RqJob.fetch(token, connection=queue_.connection).get_status()
    except NoSuchJobError:
        return False
    return str(getattr(status, "value", status)) in ("queued", "deferred", "scheduled")


def give_up(job_id: int) -> bool:
    """Fail a job nobody runs whose attempts are used up (its workers kept stopping): audited,
    committed, its given-up handler run. False when it is not such a job (any more)."""
    job = db.session.get(Job, job_id)
    if job is None:
        return False
    error = (f"stopped: its worker stopped {job.attempts} times "
             "(the job may be too large for one worker)")
    stale = utcnow() - stale_after()
    res = db.session.execute(update(Job).where(
        Job.id == job_id, Job.attempts >= Job.max_attempts,
        or_(Job.status == JobStatus.QUEUED,
            and_(Job.status == JobStatus.RUNNING,
                 or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < stale))))
        .values(status=JobStatus.FAILED, finished_at=utcnow(), error=error)
        .execution_options(synchronize_session=False))
    if res.rowcount != 1:  # running again, ended, or failed by another process meanwhile
        db.session.rollback()
        return False
    db.session.refresh(job)
    record("system", "job.failed", job, after={"kind": job.kind, "error": error})
    db.session.commit()
    _given_up(job_id)
    return True


def recover() -> list[int]:
    """Send again the jobs nobody is running: waiting ones the backend lost, stale running ones.

    Jobs that used up their attempts are failed (audited) instead. Returns the ids sent.
    """
    app = current_app._get_current_object()
    chosen = backend(app)
    stale = utcnow() - stale_after()
    rows = db.session.scalars(select(Job).where(or_(
        and_(Job.status == JobStatus.QUEUED, Job.created_at < stale),
        and_(Job.status == JobStatus.RUNNING,
             or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < stale))))
        .order_by(Job.id)).all()
    sent = []
    for job in rows:
        if job.attempts >= job.max_attempts:
            give_up(job.id)
            continue
        if chosen == "rq" and job.status == JobStatus.QUEUED and _rq_alive(app, job.dispatch_id):
            continue
        sent.append(job.id)
    db.session.commit()
    for job_id in sent:
        log.info("resuming job %s", job_id)
        if chosen == "embedded":
            embedded.put(job_id)
        elif chosen == "rq":
            _rq_enqueue(app, job_id)
        else:
            perform(job_id, watch=False)
    return sent


def sweep(app: Flask) -> list[int]:
    """One round of ``recover`` in its own app context (worker threads and processes call it
    on a timer); a failure is logged, never raised."""
    try:
        with app.app_context():
            sent = recover()
            db.session.remove()
    except Exception:
        log.exception("sweeping for lost jobs failed")
        return []
    if sent:
        log.warning("resumed lost jobs %s", sent)
    return sent


# -- in-process worker threads ------------------------------------------------------------------

class EmbeddedPool:
    """Worker threads inside the web process; they sweep for lost jobs when idle."""

    def __init__(self) -> None:
        self.jobs: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []
        self.app: Flask | None = None
        self.pid: int | None = None

    def start(self, app: Flask) -> None:
        with self.lock:
            if self.pid != os.getpid():  # a forked server process starts its own threads
                self.jobs, self.threads, self.pid = queue.Queue(), [], os.getpid()
            self.app = app
            self.threads = [t for t in self.threads if t.is_alive()]
            wanted = int(app.config.get("JOBS_THREADS", 2))
            while len(self.threads) < wanted:
                t = threading.Thread(target=self._loop, args=(len(self.threads) == 0,),
                                     name=f"job-worker-{len(self.threads) + 1}", daemon=True)
                self.threads.append(t)
                t.start()

    def put(self, job_id: int) -> None:
        self.jobs.put(job_id)

    def _loop(self, sweeper: bool) -> None:
        if sweeper:
            sweep(self.app)
        while True:
            app = self.app  # the app that started the pool last (one per process outside tests)
            sweep_every = max(1, int(app.config.get("JOBS_STALE_SECONDS", STALE_SECONDS)) // 3)
            try:
                job_id = self.jobs.get(timeout=sweep_every)
            except queue.Empty:
                if sweeper:
                    sweep(app)
                continue
            app = self.app
            try:
                with app.app_context():
                    try:
                        perform(job_id)
                    finally:
                        db.session.remove()
            except Exception:
                log.exception("job %s crashed its worker thread", job_id)
            finally:
                self.jobs.task_done()



embedded = EmbeddedPool()
