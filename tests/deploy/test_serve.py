"""fieldwork serve: gunicorn serves the app; production refusals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from fieldwork.deploy.serve import default_workers, gunicorn_options, refusals

from ..isolation import free_port

GOOD_KEY = "k" * 64


def test_default_workers_are_capped():
    assert default_workers(1) == 3
    assert default_workers(2) == 5
    assert default_workers(64) == 8


def test_refusals():
    assert refusals(GOOD_KEY, "postgresql+psycopg://u@h/db", False) == []
    assert refusals(GOOD_KEY, "sqlite:////x.db", True) == []
    [why] = refusals(GOOD_KEY, "sqlite:////x.db", False)
    assert "SQLite" in why and "--allow-sqlite" in why
    for weak in ("dev", "changeme", "short-key", ""):
        [why] = refusals(weak, "postgresql+psycopg://u@h/db", False)
        assert "SECRET_KEY" in why


def test_options():
    opts = gunicorn_options("127.0.0.1:9", 3, 4, 60, "10.0.0.1")
    assert opts["worker_class"] == "gthread" and opts["accesslog"] == "-"
    assert opts["forwarded_allow_ips"] == "10.0.0.1" and opts["workers"] == 3


def test_serve_refuses_sqlite_and_weak_key(make_instance):
    inst = make_instance("inst")
    res = inst.cli("serve")
    assert res.exit_code == 2 and "--allow-sqlite" in res.output
    inst.app.config["SECRET_KEY"] = "dev"
    res = inst.cli("serve", "--allow-sqlite")
    assert res.exit_code == 2 and "SECRET_KEY" in res.output


def _get(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 (loopback only)
            return resp.status
    except (urllib.error.URLError, OSError):
        return None


def test_serve_answers_on_loopback(make_instance, tmp_path):
    inst = make_instance("inst")  # migrated SQLite database and its secret key
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env["FIELDWORK_INSTANCE"] = str(inst.root)
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from fieldwork.cli import main; main()", "serve",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2",
             "--allow-sqlite"], env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        try:
            status = None
            deadline = time.monotonic() + 90
            while status is None and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.5)
                status = _get(f"http://127.0.0.1:{port}/login")
            assert status == 200, log.read_text()
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=60)
    text = log.read_text()
    assert code == 0, text
    assert "Booting worker" in text and '"GET /login HTTP/1.1" 200' in text
