"""Real-browser end-to-end harness (issue 8): the app as a subprocess, Debian's Chromium.

One temporary instance per session: a copy of the run's full demo (``fieldwork db upgrade``
then ``fieldwork demo`` with a known password, made once per run: tests/demo_year.py), served
by ``fieldwork run`` on a free loopback port.
Playwright's sync API drives ``/usr/bin/chromium`` headless (installed by ``make test`` via
TEST_PKGS; no ``playwright install``, no network). A missing Chromium fails, not skips.

Each test gets a fresh browser context (no shared cookies). Console errors, uncaught page
errors, CSP violations and 4xx/5xx responses fail the test (``problems.allow(pattern)`` for
one the test asks for, e.g. a 403). On failure a screenshot, the page's HTML and the end of
the server's log go to ``test-artifacts/e2e/<test name>.png|.html|.server.log``.

The tests share the one instance and run in file order; test_walk.py runs last and moves
DEMO-2026 through steps 3-6 (its second test needs its first). Under pytest-xdist they are one
``xdist_group`` (tests/scheduling.py): one worker runs them all, in that order, with its own
instance, port and browser, while the other workers run the rest of the suite.

Developers: ``FIELDWORK_E2E_DEMO=/path/to/instance`` copies an already-loaded demo instance
(made with ``fieldwork demo --password demo-Password-2026``) instead of the run's template;
``FIELDWORK_E2E_CHROMIUM`` names another Chromium binary.

The e2e tests use no database fixture, so the ``--postgres`` pass leaves them out (they
are also deselected there explicitly): they run once, in the SQLite pass.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .. import demo_year
from ..isolation import claim, free_port

CHROMIUM = Path(os.environ.get("FIELDWORK_E2E_CHROMIUM", "/usr/bin/chromium"))
PASSWORD = demo_year.PASSWORD
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
E2E_DIR = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
START_TIMEOUT = 60
SERVER_LOGS: list[Path] = []  # the session's server log, for the artefacts of a failure


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: real-browser test (SQLite pass only)")


def pytest_collection_modifyitems(config, items):
    keep, drop = [], []
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            # One worker runs them all, in file order, against its one loaded demo.
            item.add_marker(pytest.mark.xdist_group("e2e"))
            if config.getoption("--postgres", default=False):
                drop.append(item)
                continue
        keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _env(instance: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "SECRET_KEY", "FIELDWORK_DATA_DIR", "FLASK_DEBUG",
                        "FIELDWORK_ENV", "SESSION_COOKIE_SECURE", "SECURITY_HSTS")}
    env.update(FIELDWORK_INSTANCE=str(instance), LOGIN_RATE_LIMIT="off",
               PYTHONWARNINGS="ignore", PYTHONUNBUFFERED="1")
    return env


def _wait_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url + "/login", timeout=2) as resp:  # noqa: S310
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    pytest.fail(f"the app did not answer on {url}/login:\n"
                + log.read_text(errors="replace")[-4000:], pytrace=False)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, request):
    """Base URL of the app serving a copy of the loaded demo (DEMO-2026 and DEMO-2025)."""
    instance = tmp_path_factory.mktemp("e2e-instance") / "instance"
    log = instance / "server.log"
    SERVER_LOGS.append(log)
    env = _env(instance)
    template = os.environ.get("FIELDWORK_E2E_DEMO")
    if template:
        shutil.copytree(template, claim("instance", instance), dirs_exist_ok=True)
    else:
        demo_year.copy(request.getfixturevalue("demo_template_full"), instance, None, "e2e")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [str(BIN / "fieldwork"), "run", "--host", "127.0.0.1", "--port", str(port),
             "--no-reload", "--no-debugger", "--no-debug"],
            env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        _wait_up(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, through Playwright (fails if Chromium is missing)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the e2e tests drive Debian's Chromium. "
                    "Install it with `make setup-test` (apt package chromium).", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


# Chromium reports CSP violations on the console; this catches those in frames and workers
# too, and ones the console might word differently.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')
                + ' at ' + e.sourceFile + ':' + e.lineNumber);
});
"""


class PageProblems:
    """Console errors, page errors and CSP violations seen while a test ran."""

    def __init__(self):
        self.errors: list[str] = []
        self.allowed: list[re.Pattern] = []

    def allow(self, pattern: str) -> None:
        """Tolerate console errors matching ``pattern`` (e.g. a 4xx the test asks for)."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


def _artifact_name(nodeid: str) -> str:
    name = nodeid.split("::", 1)[-1]
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:150]


def save_artifacts(page, nodeid: str) -> None:
    """Screenshot and HTML of the page under test-artifacts/e2e/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = ARTIFACTS / _artifact_name(nodeid)
    try:
        page.screenshot(path=str(base.with_suffix(".png")), full_page=True)
        base.with_suffix(".html").write_text(page.content(), encoding="utf-8")
    except Exception as exc:  # noqa: BLE001 - a closed page must not hide the real failure
        base.with_suffix(".txt").write_text(f"no screenshot: {exc}\n", encoding="utf-8")


def watch_page(page, problems: PageProblems) -> None:
    """Record the page's console errors, uncaught errors, failed requests, CSP violations."""
    page.on("console", lambda m: m.type == "error" and problems.errors.append(
        f"console: {m.text} ({page.url})"))
    page.on("pageerror", lambda e: problems.errors.append(f"page error: {e} ({page.url})"))
    page.on("response", lambda r: r.status >= 400 and problems.errors.append(
        f"HTTP {r.status} {r.request.method} {r.url} (on {page.url})"))


@pytest.fixture()
def problems():
    return PageProblems()


def check_browser_errors(request, problems: PageProblems, ctx) -> None:
    """Fail a passed test whose pages logged errors (called before the context closes)."""
    report = getattr(request.node, "rep_call", None)
    bad = problems.unexpected()
    if bad and report is not None and report.passed:
        if ctx.pages:
            save_artifacts(ctx.pages[-1], request.node.nodeid)
        pytest.fail("the browser reported errors:\n" + "\n".join(bad), pytrace=False)


def new_context(browser, live_server: str, problems: PageProblems, **options):
    """A fresh browser context on the app whose every page is watched for errors."""
    settings = {"base_url": live_server, "locale": "vi-VN", "accept_downloads": True,
                "viewport": {"width": 1280, "height": 900}} | options
    ctx = browser.new_context(**settings)
    # Generous: the machine running the suite may be busy with other work.
    ctx.set_default_timeout(20_000)
    ctx.set_default_navigation_timeout(45_000)
    ctx.add_init_script(CSP_LISTENER)
    ctx.on("page", lambda pg: watch_page(pg, problems))
    return ctx


@pytest.fixture()
def context(browser, live_server, problems, request):
    """A desktop-sized context, Vietnamese, signed out."""
    ctx = new_context(browser, live_server, problems)
    yield ctx
    check_browser_errors(request, problems, ctx)
    ctx.close()


@pytest.fixture()
def page(context):
    """A page of a fresh context (desktop size, Vietnamese, signed out)."""
    return context.new_page()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
        for name in ("page", "phone"):
            if report.failed and name in item.funcargs:
                save_artifacts(item.funcargs[name], item.nodeid)
        if report.failed and SERVER_LOGS and SERVER_LOGS[-1].exists():
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            tail = SERVER_LOGS[-1].read_text(errors="replace")[-20000:]
            (ARTIFACTS / f"{_artifact_name(item.nodeid)}.server.log").write_text(tail)
    return report


def login(page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login form and wait to leave it."""
    page.goto("/login")
    assert "/login" in page.url, f"still signed in ({page.url}): call sign_out(page) first"
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("#submit")
    page.wait_for_url(lambda url: "/login" not in url)


def sign_out(page) -> None:
    """Forget the session: leave the app first, so that no response still on its way (a
    lazy image, a poll) sets the session cookie again after it is cleared."""
    page.goto("about:blank")
    page.context.clear_cookies()


def switch_user(page, email: str) -> None:
    """Sign out, then sign in as ``email``."""
    sign_out(page)
    login(page, email)
