"""A signed-out session cookie is refused by every worker process, not only the one that saw
the sign-out (issue 15): two ``fieldwork serve`` processes on one instance, as behind a load
balancer, each with its own app and database connections."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from urllib.parse import urlencode

from fieldwork.extensions import db as _db

from ..factories import PASSWORD, Factory
from ..isolation import free_port
from .test_serve import _get

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """Just enough of a browser: one session cookie, no redirects followed."""

    def __init__(self):
        self.cookie = ""

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        conn.close()
        return resp.status, resp.getheader("Location") or "", text

    def token(self, port: int, path: str) -> str:
        return TOKEN.search(self.request(port, "GET", path)[2]).group(1)


def _serve(root, port, log):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env["FIELDWORK_INSTANCE"] = str(root)
    return subprocess.Popen(
        [sys.executable, "-c", "from fieldwork.cli import main; main()", "serve",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--allow-sqlite"],
        env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def test_a_signed_out_cookie_is_refused_by_both_workers(make_instance, tmp_path):
    inst = make_instance("inst")
    with inst.ctx():
        user = Factory(_db).user("manager", email="quanly@test.vn")
        email = user.email
    ports = [free_port(), free_port()]
    logs = [open(tmp_path / f"serve-{i}.log", "wb") for i in (0, 1)]
    procs = [_serve(inst.root, port, log) for port, log in zip(ports, logs, strict=True)]
    try:
        deadline = time.monotonic() + 120
        for port in ports:
            while _get(f"http://127.0.0.1:{port}/healthz") != 200:
                assert time.monotonic() < deadline, (tmp_path / "serve-0.log").read_text()
                time.sleep(0.5)
        a, b = ports
        browser = Browser()
        status, where, _ = browser.request(a, "POST", "/login", {
            "email": email, "password": PASSWORD, "csrf_token": browser.token(a, "/login")})
        assert status == 302 and where.endswith("/"), where
        saved = browser.cookie
        for port in ports:  # one cookie, good on both processes
            assert browser.request(port, "GET", "/users")[0] == 200, port
        status, where, _ = browser.request(b, "POST", "/logout", {
            "csrf_token": browser.token(b, "/account/password")})
        assert status == 302 and "/login" in where
        thief = Browser()
        thief.cookie = saved  # a copy saved before the sign-out
        for port in ports:
            status, where, _ = thief.request(port, "GET", "/users")
            assert status == 302 and "/login" in where, (port, status)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=60)
        for log in logs:
            log.close()
