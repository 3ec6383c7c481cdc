"""``fieldwork worker`` (run jobs from Redis) and ``fieldwork jobs`` (list, resume lost jobs)."""

from __future__ import annotations

import faulthandler
import logging
import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from . import runner
from .models import Job, JobStatus


class _Sweeper(threading.Thread):
    """Re-sends lost jobs (a dead worker's, or ones Redis forgot) every ``every`` seconds."""

    def __init__(self, app, every: float) -> None:
        super().__init__(name="job-sweeper", daemon=True)
        self.app, self.every, self.stopped = app, every, threading.Event()

    def run(self) -> None:
        while True:
            runner.sweep(self.app)
            if self.stopped.wait(self.every):
                return


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--name", default=None, help="Worker name (default: host and process).")
@with_appcontext
def worker_command(burst: bool, name: str | None) -> None:
    """Run background jobs from Redis (REDIS_URL); start one or more per machine."""
    from redis import Redis

    from .worker import Worker

    app = current_app._get_current_object()
    url = app.config.get("REDIS_URL")
    if not url:
        raise click.UsageError("Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): workers take "
                               "their jobs from Redis. Without it the web server runs the jobs "
                               "itself.")
    if runner.backend(app) != "rq":
        raise click.UsageError("FIELDWORK_JOBS is set to another backend than rq.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    # `kill -USR1 <pid>` writes every thread's stack to the log: how to see why a worker that
    # was asked to stop (SIGTERM) has not.
    faulthandler.register(signal.SIGUSR1, all_threads=True, chain=False)
    runner.load_tasks()
    connection = Redis.from_url(url)
    worker = Worker([runner.QUEUE_NAME], connection=connection, name=name)
    if burst:  # resume what was lost once, then run until the queue is empty
        runner.recover()
        db.session.remove()
        worker.work(burst=True, logging_level="INFO")
        return
    stale = int(app.config.get("JOBS_STALE_SECONDS", runner.STALE_SECONDS))
    sweeper = _Sweeper(app, max(1.0, stale / 3))
    sweeper.start()
    runner.start_services(app)  # e.g. the scan inboxes' watcher (FIELDWORK_INBOXES=0: none)
    db.session.remove()
    try:
        # SimpleWorker runs jobs in this process (no fork): the app context, the database
        # pool and the heartbeat thread stay valid; run several workers for parallel work.
        worker.work(logging_level="INFO")
    finally:
        sweeper.stopped.set()


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs."""


@jobs_group.command("list")
@click.option("--open", "only_open", is_flag=True, help="Only waiting and running jobs.")
@with_appcontext
def list_command(only_open: bool) -> None:
    """The latest jobs: id, kind, status, progress, who."""
    q = select(Job).order_by(Job.id.desc()).limit(50)
    if only_open:
        q = q.where(Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
    for job in db.session.scalars(q):
        progress = f"{job.progress_done}/{job.progress_total or '?'}"
        click.echo(f"{job.id:>6}  {job.kind:<16} {job.status.value:<8} {progress:>11}  "
                   f"attempt {job.attempts}  {job.created_by_label}  {job.error or ''}".rstrip())


@jobs_group.command("recover")
@with_appcontext
def recover_command() -> None:
    """Send again the jobs whose worker died or that the queue lost."""
    sent = runner.recover()
    click.echo(f"resumed {len(sent)} job(s){': ' + ', '.join(map(str, sent)) if sent else ''}")


commands = [worker_command, jobs_group]
