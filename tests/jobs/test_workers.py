"""Jobs through real workers: Redis + ``fieldwork worker``, and the web server's own threads.

The crash tests SIGKILL the worker (or the whole server) in the middle of reading a scan batch
and start it again: the job is taken up once its heartbeat is stale and finishes; every page
is stored once, none is lost, and the sheets are counted once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from fieldwork.deploy.loadbench import Instance, Server
from fieldwork.extensions import db
from fieldwork.jobs import runner
from fieldwork.jobs.models import Job, JobStatus
from fieldwork.omr import operations as ops
from fieldwork.omr.jobs import submit
from fieldwork.omr.models import PageStatus, ScanPage, ScanSheet
from fieldwork.plans.models import Survey

PAGES = 24
FAST = {"FIELDWORK_JOB_STALE_SECONDS": "3", "FIELDWORK_JOB_HEARTBEAT_SECONDS": "0.5"}


def _batch(inst: Instance, seeded, files=None, **enqueue) -> tuple[int, int]:
    """A scan batch of the seeded files (or ``files``) by the scanning operator, queued as a
    job."""
    from fieldwork.auth.models import User

    with inst.ctx():
        scanner = db.session.scalar(select(User).where(User.email == seeded.scanner))
        survey = db.session.get(Survey, seeded.survey_id)
        batch = ops.create_batch({"survey": survey, "pilot": False, "note": "crash"}, scanner)
        for name, data in (seeded.scan_files if files is None else files):
            ops.add_file(batch, name, data)
        db.session.commit()
        if enqueue:
            job = runner.enqueue("omr.batch", {"batch_id": batch.id}, scanner, survey=survey,
                                 subject=f"scan_batch:{batch.id}", **enqueue)
        else:
            job = submit(batch, scanner)
        return batch.id, job.id


def _pages(inst: Instance, batch_id: int) -> int:
    with inst.ctx():
        return db.session.scalar(select(func.count(ScanPage.id)).where(
            ScanPage.batch_id == batch_id)) or 0


def _job(inst: Instance, job_id: int) -> Job:
    with inst.ctx():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def _wait(what, timeout: float, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what.__doc__ or what}")


def _check_read_once(inst: Instance, batch_id: int, job_id: int, seeded) -> Job:
    job = _job(inst, job_id)
    assert job.status == JobStatus.DONE, job.error
    assert job.attempts == 2  # killed once, resumed once
    with inst.ctx():
        rows = db.session.execute(select(ScanPage.file_id, ScanPage.index, ScanPage.status)
                                  .where(ScanPage.batch_id == batch_id)).all()
        places = [(r.file_id, r.index) for r in rows]
        assert len(places) == len(set(places)) == len(seeded.scan_files) == PAGES  # none twice
        assert {r.status for r in rows} == {PageStatus.READ}  # none lost, none a duplicate
        sheets = db.session.scalars(select(ScanSheet).where(
            ScanSheet.survey_id == seeded.survey_id)).all()
        assert len(sheets) == len(seeded.scan_serials)  # each sheet counted once
        assert all(s.status.value in ("complete", "to_verify") for s in sheets)
    return job


@pytest.fixture()
def instance(tmp_path):
    """``make(**settings)``: a migrated instance (``database_url=`` for PostgreSQL)."""
    made = []

    def make(**settings) -> Instance:
        inst = Instance(tmp_path / f"i{len(made)}", **settings)
        made.append(inst)
        inst.migrate()
        return inst

    yield make
    for inst in made:
        inst.close()


def _worker(inst: Instance, log, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from fieldwork.cli import main; main()", "worker", *args],
        env=inst.env, cwd=inst.root, stdout=log, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True)


def _stop(proc: subprocess.Popen, inst: Instance) -> None:
    """SIGTERM as systemd sends it: the worker finishes its job and leaves within a minute."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGUSR1)  # the worker writes every thread's stack to its log
        time.sleep(2)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        tail = (inst.root / "worker.log").read_text(errors="replace")[-12000:]
        pytest.fail(f"the worker did not stop within 60 s of SIGTERM; its log ends:\n{tail}")


def test_jobs_run_through_redis_and_fieldwork_worker(instance, redis_url):
    inst = instance(FIELDWORK_JOBS="rq", REDIS_URL=redis_url, **FAST)
    seeded = inst.seed(0, 1, 2)
    batch_id, job_id = _batch(inst, seeded)
    assert _job(inst, job_id).status == JobStatus.QUEUED  # in Redis, no worker yet
    with open(inst.root / "worker.log", "ab") as log:
        proc = _worker(inst, log, "--burst")
        assert proc.wait(timeout=180) == 0, (inst.root / "worker.log").read_text()
    job = _job(inst, job_id)
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert job.result["counts"]["read"] == 2 and _pages(inst, batch_id) == 2


def test_worker_killed_mid_batch_is_resumed_without_loss_or_double(instance, redis_url):
    inst = instance(FIELDWORK_JOBS="rq", REDIS_URL=redis_url, **FAST)
    seeded = inst.seed(0, 1, PAGES)
    batch_id, job_id = _batch(inst, seeded)
    with open(inst.root / "worker.log", "ab") as log:
        first = _worker(inst, log)
        try:
            _wait(lambda: _pages(inst, batch_id) >= 4, 240)
        finally:
            os.killpg(first.pid, signal.SIGKILL)  # the worker and anything it started
            first.wait(timeout=30)
        done_before = _pages(inst, batch_id)
        job = _job(inst, job_id)
        assert job.status == JobStatus.RUNNING and 4 <= done_before < PAGES
        second = _worker(inst, log)
        try:
            _wait(lambda: _job(inst, job_id).status == JobStatus.DONE, 300, every=0.5)
        finally:
            _stop(second, inst)
    _check_read_once(inst, batch_id, job_id, seeded)


def test_server_killed_mid_batch_resumes_it_on_restart(instance):
    """The embedded set-up: the web server's threads read the batch; a power cut stops it."""
    inst = instance(FIELDWORK_JOBS="embedded", FIELDWORK_JOB_THREADS="1", **FAST)
    seeded = inst.seed(0, 1, PAGES)
    # Queued by the scanning station and not sent anywhere: the server's sweep finds it.
    batch_id, job_id = _batch(inst, seeded, dispatch_now=False)
    server = Server(inst, workers=1, threads=2, sqlite=True)
    server.start()
    try:
        _wait(lambda: _pages(inst, batch_id) >= 4, 240)
        server.kill()
        done_before = _pages(inst, batch_id)
        assert _job(inst, job_id).status == JobStatus.RUNNING and done_before < PAGES
        server.start()  # its first request starts the threads; they resume the job
        _wait(lambda: _job(inst, job_id).status == JobStatus.DONE, 300, every=0.5)
    finally:
        server.stop()
    _check_read_once(inst, batch_id, job_id, seeded)


@pytest.mark.postgres_only
def test_two_workers_on_postgres_one_killed_the_other_finishes_its_batch(
        database_url, pg_cluster, instance, redis_url):
    """Production's shape: PostgreSQL, Redis, two ``fieldwork worker`` processes, two
    batches. One worker dies mid-batch; the other takes its batch up once its heartbeat
    is stale. Every page of both batches ends stored and read once."""
    url = pg_cluster.create_database("jobs_two_workers")
    inst = instance(database_url=url, FIELDWORK_JOBS="rq", REDIS_URL=redis_url, **FAST)
    seeded = inst.seed(0, 1, 2 * PAGES)
    half = PAGES  # whole sheets in each half: the files are in sheet and page order
    jobs = [_batch(inst, seeded, files=part)
            for part in (seeded.scan_files[:half], seeded.scan_files[half:])]
    with open(inst.root / "worker.log", "ab") as log:
        a, b = _worker(inst, log, "--name", "a"), _worker(inst, log, "--name", "b")
        try:
            def one_running():
                """a job half read, its worker known"""
                for batch_id, job_id in jobs:
                    job = _job(inst, job_id)
                    if job.status == JobStatus.RUNNING and _pages(inst, batch_id) >= 4:
                        return job
                return None

            victim = _wait(one_running, 240)
            # The job's worker is host:pid:thread; find the process by its pid.
            pid = int(victim.worker.rsplit(":", 2)[1])
            doomed = a if a.pid == pid else b
            survivor = b if doomed is a else a
            os.killpg(doomed.pid, signal.SIGKILL)
            doomed.wait(timeout=30)
            _wait(lambda: all(_job(inst, j).status == JobStatus.DONE for _b, j in jobs), 300,
                  every=0.5)
            assert survivor.poll() is None  # it did its own batch and the dead one's
        finally:
            for proc in (a, b):
                if proc.poll() is None:
                    _stop(proc, inst)
    resumed = _job(inst, victim.id)
    assert resumed.attempts == 2 and resumed.worker != victim.worker
    with inst.ctx():
        for batch_id, _job_id in jobs:
            rows = db.session.execute(select(ScanPage.file_id, ScanPage.index, ScanPage.status)
                                      .where(ScanPage.batch_id == batch_id)).all()
            assert len(rows) == len({(r.file_id, r.index) for r in rows}) == half
            assert {r.status for r in rows} == {PageStatus.READ}
        sheets = db.session.scalars(select(ScanSheet).where(
            ScanSheet.survey_id == seeded.survey_id)).all()
        assert len(sheets) == len(seeded.scan_serials)


def test_a_worker_asked_to_stop_leaves_within_seconds_even_when_its_listener_waits(redis_url):
    """The race behind a warm shutdown of a minute: the command listener has already taken the
    unsubscribe reply and waits again when the worker stops it. RQ 3.0's own SimpleWorker with
    redis-py 8 waits out the listener's 60 s poll here (checked by hand: still waiting after
    5 s); ours leaves within a few seconds."""
    from redis import Redis

    from fieldwork.jobs.worker import Worker

    worker = Worker(["race"], connection=Redis.from_url(redis_url), name="race")
    worker.subscribe()
    _wait(lambda: worker.pubsub.subscribed, 10)
    worker.pubsub.unsubscribe()  # the listener takes the reply and goes back to waiting
    time.sleep(0.5)
    started = time.monotonic()
    worker.unsubscribe()
    assert time.monotonic() - started < 5
    assert not worker.pubsub_thread.is_alive()
