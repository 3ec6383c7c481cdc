"""Watched inboxes with real processes: two watchers on one folder, a watcher killed mid-file.

Each test is its own instance (folder, SQLite database, data directory) and runs
``fieldwork scan --watch`` as separate processes, as an office would on two machines.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select

from fieldwork.deploy.loadbench import Instance
from fieldwork.extensions import db
from fieldwork.jobs.models import Job
from fieldwork.omr.inbox import operations as inbox_ops
from fieldwork.omr.inbox.models import FileState, InboxFile
from fieldwork.omr.models import PageStatus, ScanBatch, ScanPage

from .inbox_files import pdf

FAST = {"FIELDWORK_JOB_STALE_SECONDS": "3", "FIELDWORK_JOB_HEARTBEAT_SECONDS": "0.5",
        "FIELDWORK_INBOX_POLL_SECONDS": "0.3"}


@pytest.fixture()
def instance(tmp_path, request):
    settings = {**FAST, **getattr(request, "param", {})}
    inst = Instance(tmp_path / "site", **settings)
    inst.migrate()
    yield inst
    inst.close()


def _set_up(inst: Instance, seeded, folder) -> int:
    from fieldwork.auth.models import User
    from fieldwork.plans.models import Survey

    with inst.ctx():
        scanner = db.session.scalar(select(User).where(User.email == seeded.scanner))
        inbox = inbox_ops.create_inbox({"path": str(folder), "survey": db.session.get(
            Survey, seeded.survey_id), "operator": scanner, "settle_seconds": 0,
            "give_up_seconds": 60}, scanner, web=False)
        db.session.commit()
        return inbox.id


def _watch(inst: Instance, folder, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from fieldwork.cli import main; main()", "scan", "--watch",
         str(folder), "--until-idle"], env=inst.env, cwd=inst.root, stdout=log,
        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)


def _count(inst: Instance, query) -> int:
    with inst.ctx():
        return db.session.scalar(query) or 0


def _wait(what, timeout: float, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if what():
            return
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s")


def _log(inst: Instance) -> str:
    return (inst.root / "watch.log").read_text(errors="replace")[-4000:]


@pytest.mark.parametrize("instance", [{"FIELDWORK_JOB_STALE_SECONDS": "30"}], indirect=True)
def test_two_watchers_on_one_inbox_take_each_file_once(instance, tmp_path):
    seeded = instance.seed(0, 1, 10)
    folder = tmp_path / "share" / "inbox"
    _set_up(instance, seeded, folder)
    for name, data in seeded.scan_files:
        (folder / name).write_bytes(data)
    with open(instance.root / "watch.log", "ab") as log:
        procs = [_watch(instance, folder, log) for _ in range(2)]
        try:
            for p in procs:
                assert p.wait(timeout=300) == 0, _log(instance)
        finally:
            for p in procs:
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait(timeout=30)
    names = [n for n, _ in seeded.scan_files]
    with instance.ctx():
        rows = db.session.scalars(select(InboxFile)).all()
        assert sorted(r.name for r in rows) == sorted(names)  # each file taken once
        assert {r.state for r in rows} == {FileState.DONE}, [
            (r.name, r.reason, r.detail) for r in rows if r.state != FileState.DONE]
        assert db.session.scalar(select(func.count()).select_from(ScanBatch)) == len(names)
        pages = db.session.execute(select(ScanPage.batch_id, ScanPage.status)).all()
        assert len(pages) == len(names) and {p.status for p in pages} == {PageStatus.READ}
    assert sorted(p.name for p in (folder / "done").iterdir()) == sorted(names)
    assert not [p for p in folder.iterdir() if p.is_file()]
    assert not list((folder / ".fieldwork" / "claimed").iterdir())


def _feeder_pdf(seeded) -> bytes:
    pages = [np.asarray(Image.open(io.BytesIO(data)).convert("L"))
             for _, data in seeded.scan_files]
    return pdf(pages)


def test_a_watcher_killed_mid_file_resumes_without_duplicates(instance, tmp_path):
    n = 24
    seeded = instance.seed(0, 1, n)
    folder = tmp_path / "inbox"
    _set_up(instance, seeded, folder)
    (folder / "feeder-batch-0001.pdf").write_bytes(_feeder_pdf(seeded))
    stored = select(func.count()).select_from(ScanPage)
    with open(instance.root / "watch.log", "ab") as log:
        first = _watch(instance, folder, log)
        try:
            _wait(lambda: _count(instance, stored) >= 8, 240)
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=30)
        before = _count(instance, stored)
        assert 8 <= before < n, _log(instance)
        with instance.ctx():
            row = db.session.scalars(select(InboxFile)).one()
            assert row.state == FileState.READING
        assert list((folder / ".fieldwork" / "claimed").iterdir())  # still claimed
        second = _watch(instance, folder, log)
        try:
            assert second.wait(timeout=300) == 0, _log(instance)
        finally:
            if second.poll() is None:
                os.killpg(second.pid, signal.SIGKILL)
    with instance.ctx():
        row = db.session.scalars(select(InboxFile)).one()
        assert row.state == FileState.DONE
        pages = db.session.execute(select(ScanPage.index, ScanPage.status)).all()
        assert sorted(p.index for p in pages) == list(range(n))  # none twice, none lost
        assert {p.status for p in pages} == {PageStatus.READ}
        job = db.session.scalars(select(Job)).one()
        assert job.attempts == 2  # killed once, resumed once
    assert [p.name for p in (folder / "done").iterdir()] == ["feeder-batch-0001.pdf"]


def test_fieldwork_worker_reads_what_scanners_write_with_nobody_at_the_keyboard(
        instance, tmp_path, redis_url):
    """Production's shape: ``fieldwork worker`` (Redis) watches the inboxes set up on the
    station page; a scanner writes files into the folder, slowly; they are read and filed."""
    seeded = instance.seed(0, 1, 4)
    folder = tmp_path / "inbox"
    inbox_id = _set_up(instance, seeded, folder)
    env = {**instance.env, "FIELDWORK_JOBS": "rq", "REDIS_URL": redis_url}
    with open(instance.root / "watch.log", "ab") as log:
        worker = subprocess.Popen(
            [sys.executable, "-c", "from fieldwork.cli import main; main()", "worker"],
            env=env, cwd=instance.root, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            for name, data in seeded.scan_files:  # as a network scanner writes: in pieces
                target = folder / name
                with open(target, "wb") as fh:
                    fh.write(data[:len(data) // 3])
                    fh.flush()
                    time.sleep(0.4)
                    fh.write(data[len(data) // 3:])
            done = select(func.count()).select_from(InboxFile).where(
                InboxFile.inbox_id == inbox_id, InboxFile.state == FileState.DONE,
                InboxFile.moved_to.is_not(None))
            _wait(lambda: _count(instance, done) == len(seeded.scan_files), 240, every=0.5)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)
    with instance.ctx():
        pages = db.session.execute(select(ScanPage.status)).all()
        assert len(pages) == len(seeded.scan_files)  # each file read once, whole
        assert {p.status for p in pages} == {PageStatus.READ}
    assert sorted(p.name for p in (folder / "done").iterdir()) == sorted(
        n for n, _ in seeded.scan_files)


def test_the_web_server_watches_the_inboxes_in_the_embedded_set_up(instance, tmp_path):
    """One machine, no Redis: the web server's own workers watch and read (its first
    request starts them)."""
    import requests

    from fieldwork.deploy.loadbench import Server

    seeded = instance.seed(0, 1, 2)
    folder = tmp_path / "inbox"
    inbox_id = _set_up(instance, seeded, folder)
    for name, data in seeded.scan_files:
        (folder / name).write_bytes(data)
    instance.env.update(FIELDWORK_JOBS="embedded")
    server = Server(instance, workers=1, threads=2, sqlite=True)
    server.start()
    try:
        requests.get(server.base + "/login", timeout=30).close()
        done = select(func.count()).select_from(InboxFile).where(
            InboxFile.inbox_id == inbox_id, InboxFile.state == FileState.DONE,
            InboxFile.moved_to.is_not(None))
        _wait(lambda: _count(instance, done) == len(seeded.scan_files), 240, every=0.5)
    finally:
        server.stop()
    assert sorted(p.name for p in (folder / "done").iterdir()) == sorted(
        n for n, _ in seeded.scan_files)
