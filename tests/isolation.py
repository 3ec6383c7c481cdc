"""What keeps pytest-xdist workers apart: the worker's name, the run's claim book, free ports.

``make test`` runs the suite on several workers (``pytest -n``). Each worker has its own
SQLite file, PostgreSQL database (on the pass's one cluster), data folder, instance folder,
Redis server, browser and ports. The fixtures that make these *claim* them in the run's claim
book (a folder shared by the workers of one run, ``FIELDWORK_TEST_RUN``): a claim is a file
created with O_EXCL, so a second worker claiming the same database, folder or port fails at
once, naming both workers, instead of the two quietly writing into each other's data.
``tests/foundation/test_isolation.py`` checks the whole arrangement with a real two-worker run.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
from pathlib import Path

RUN_ENV = "FIELDWORK_TEST_RUN"


def worker() -> str:
    """This process's xdist worker name ('gw0', 'gw1', ...), 'main' without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


PREFIX = "fieldwork-tests-"


def start_run() -> Path:
    """Open a fresh claim book for this run (the controller calls it before workers start,
    so they inherit it through the environment); sweep the folders of runs that were killed."""
    sweep_dead_runs()
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    (folder / "owner").write_text(str(os.getpid()))
    os.environ[RUN_ENV] = str(folder)
    return folder


def sweep_dead_runs() -> None:
    """Remove run folders (demo templates included) whose controller no longer runs."""
    import shutil
    import time

    for folder in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            owner = int((folder / "owner").read_text())
        except (OSError, ValueError):  # no owner yet: leave it unless a day old
            if time.time() - folder.stat().st_mtime > 86400:
                shutil.rmtree(folder, ignore_errors=True)
            continue
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:  # another user's live process
            pass


def run_dir() -> Path:
    """The claim book of this run."""
    value = os.environ.get(RUN_ENV)
    if not value:  # a test process started without the suite's conftest (should not happen)
        return start_run()
    return Path(value)


class AlreadyClaimed(RuntimeError):
    """Another worker (or test) of this run already uses the resource."""


def claim(kind: str, value: str | int) -> str | int:
    """Record that this worker uses ``value`` (a database, folder, URL or port) and return
    it; raise AlreadyClaimed if anyone in this run has claimed it before."""
    folder = run_dir() / "claims" / kind
    folder.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(str(value).encode()).hexdigest()[:32]
    record = json.dumps({"kind": kind, "value": str(value), "worker": worker(),
                         "pid": os.getpid()})
    try:
        fd = os.open(folder / key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        owner = json.loads((folder / key).read_text() or "{}")
        raise AlreadyClaimed(f"{kind} {value} is already used by worker "
                             f"{owner.get('worker')} (pid {owner.get('pid')}); this is "
                             f"worker {worker()} (pid {os.getpid()})") from None
    with os.fdopen(fd, "w") as fh:
        fh.write(record)
    return value


def claims() -> list[dict]:
    """Every claim of this run: kind, value, worker, pid."""
    root = run_dir() / "claims"
    return [json.loads(p.read_text()) for p in sorted(root.glob("*/*")) if p.is_file()]


def free_port() -> int:
    """A free loopback TCP port that no other worker of this run has been given."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        try:
            claim("port", port)
        except AlreadyClaimed:
            continue
        return port
    raise RuntimeError("no free loopback port after 200 tries")
