"""``fieldwork bench load``: many enumerators keying at once while a scan batch is read.

Everything is real: a throwaway instance (PostgreSQL through ``pgcluster.Cluster``, or
SQLite), seeded through the app's own operations; ``fieldwork serve`` (gunicorn) as a
subprocess on loopback; one ``requests`` session per keyer that signs in through the login
form and keys its own printed sheets through the keying pages; a scanning operator who
uploads generated filled scans through the upload page and polls the batch until it is
read.  Afterwards the database is counted: every acknowledged sheet must be stored exactly
once with the answers that were typed, and every uploaded page must have been read.

The helpers (``Instance``, ``Server``, ``Keyer``) are also what tests/deploy uses to kill
the server in the middle of keying.
"""

from __future__ import annotations

import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import requests

PASSWORD = "load-bench-password-42"  # noqa: S105  (throwaway accounts)
SURVEY = "LOAD-2026"
SECRET = "load-bench-" + "k" * 48
REASONS = ["reason_a", "reason_b", "reason_c", "reason_d", "reason_e"]


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers_for(serial: int) -> dict:
    """The typed answers of sheet ``serial`` (deterministic, valid, one in five unhappy)."""
    rng = random.Random(serial)
    unhappy = serial % 5 == 0
    # The agency and field are chosen from lists (left as the sheet's record has them).
    return {"phone": f"09{serial:08d}", "citizen_id": f"048{serial:09d}",
            "survey_date": f"{rng.randint(1, 28):02d}/{rng.randint(3, 9):02d}/2026",
            "procedure": f"Thủ tục H17.{serial:05d}", "q01": "no" if unhappy else "yes",
            "q02": sorted(rng.sample(REASONS, 2)) if unhappy else [], "q02_other": "",
            "q03": ""}


# --- the instance ------------------------------------------------------------------------


@dataclass
class Keyer:
    """An enumerator account and the serials printed for it."""

    email: str
    serials: list[int]


@dataclass
class Seeded:
    """What the seeding made: the survey, the keyers and the scan batch to upload."""

    survey_id: int
    keyers: list[Keyer]
    scanner: str
    scan_serials: list[int]
    scan_files: list[tuple[str, bytes]] = field(repr=False, default_factory=list)


class Instance:
    """A throwaway fieldwork instance folder with its database; ``env`` runs the server."""

    def __init__(self, root: Path, database_url: str | None = None, **settings):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.url = database_url or f"sqlite:///{self.root / 'fieldwork.db'}"
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DATABASE_URL", "FIELDWORK_DATA_DIR", "FIELDWORK_DATA_KEY",
                                 "FORMS_MAC_KEY", "FLASK_APP", "REDIS_URL")}
        self.env.update(FIELDWORK_INSTANCE=str(self.root), DATABASE_URL=self.url,
                        SECRET_KEY=SECRET, LOGIN_RATE_LIMIT="off",
                        FIELDWORK_ENV="development", PYTHONUNBUFFERED="1")
        self.env.update({k: str(v) for k, v in settings.items()})
        self._app = None

    @contextmanager
    def _environ(self):
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(self.env)
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)

    @property
    def app(self):
        """The instance's app in this process (for seeding and counting)."""
        if self._app is None:
            from .. import create_app
            with self._environ():
                self._app = create_app()
        return self._app

    @contextmanager
    def ctx(self):
        """The app context of this instance."""
        from ..extensions import db
        with self.app.app_context():
            try:
                yield
            finally:
                db.session.remove()

    def migrate(self) -> None:
        """Build the database with the migrations (``fieldwork db upgrade``)."""
        from flask_migrate import upgrade
        with self.ctx():
            upgrade()

    def close(self) -> None:
        """Close this process's connections."""
        if self._app is not None:
            from ..extensions import db
            with self._app.app_context():
                db.session.remove()
                db.engine.dispose()

    def seed(self, keyers: int, sheets: int, scan_pages: int) -> Seeded:
        """A survey with its approved form; a printed batch per keyer; pages to scan."""
        with self.ctx():
            return _seed(keyers, sheets, scan_pages)


def _seed(n_keyers: int, sheets: int, scan_pages: int) -> Seeded:
    from ..auth.operations import create_user
    from ..directory.models import Agency, AgencyKind
    from ..extensions import db
    from ..forms import operations as forms_ops
    from ..forms.batches import print_batch
    from ..plans.operations import add_scope, create_survey

    manager = create_user({"email": "quanly@load.vn", "name": "Quản lý", "password": PASSWORD,
                           "roles": ["manager"]}, "bench")
    reviewer = create_user({"email": "snv@load.vn", "name": "Sở Nội vụ",
                            "password": PASSWORD, "roles": ["home_affairs"]}, "bench")
    scanner = create_user({"email": "scan@load.vn", "name": "Trạm quét",
                           "password": PASSWORD, "roles": ["scanner"]}, "bench")
    agency = Agency(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT)
    db.session.add(agency)
    db.session.flush()
    survey = create_survey({"code": SURVEY, "title": "Khảo sát tải", "year": 2026}, manager)
    add_scope(survey, {"agency_id": agency.id, "dossiers": 100000}, manager)
    version = forms_ops.create_from_template(survey, "danang-2025", manager)
    forms_ops.transition(version, "submit", manager)
    forms_ops.transition(version, "approve", reviewer, "Đồng ý")
    db.session.commit()
    keyers = []
    for i in range(1, n_keyers + 1):
        user = create_user({"email": f"dtv{i:03d}@load.vn", "name": f"Điều tra viên {i}",
                            "password": PASSWORD, "roles": ["enumerator"]}, "bench")
        batch = print_batch(survey, {"count": sheets, "assigned_user_id": user.id,
                                     "agency_id": agency.id}, manager)
        keyers.append(Keyer(user.email, list(range(batch.first_serial, batch.last_serial + 1))))
        db.session.commit()
    files, scan_serials = [], []
    if scan_pages:
        files, scan_serials = _scans(survey, version, manager, scan_pages, print_batch)
        db.session.commit()
    return Seeded(survey.id, keyers, scanner.email, scan_serials, files)


def _scans(survey, version, manager, pages: int, print_batch) -> tuple[list, list[int]]:
    """Print enough sheets for ``pages`` scanned pages; fill and scan them (150 dpi)."""
    import json

    import numpy as np

    from ..forms.imprints import imprint_for
    from ..forms.layout import layout_questionnaire
    from ..omr.synth.degrade import Scan
    from ..omr.synth.respondent import Rates
    from ..omr.synth.sheets import fill_and_scan

    agency = survey.scope[0].agency
    per_sheet = len(layout_questionnaire(version.questionnaire, survey.code, version.number,
                                         imprint=imprint_for(survey, agency))["pages"])
    count = max(1, math.ceil(pages / per_sheet))
    printed = print_batch(survey, {"count": count, "agency_id": agency.id,
                                   "note": "bench: scanned"}, manager)
    layout = json.loads(Path(printed.layout_path).read_text(encoding="utf-8"))
    serials = [printed.serial_text(n) for n in range(printed.first_serial,
                                                    printed.last_serial + 1)]
    rates = Rates(stray_per_page=0.0, correction=0.0, double=0.0)
    samples = fill_and_scan(Path(printed.pdf_path).read_bytes(), layout, serials,
                            np.random.default_rng(2026), dpis=(150,), rates=rates,
                            scan=Scan(skew=0.5, noise=3, jpeg=85))
    files = []
    for s in samples:
        if len(files) == pages:
            break
        files.append((f"scan-{len(files) + 1:04d}-{s.serial}-p{s.page}.{s.ext}", s.data))
    return files, list(range(printed.first_serial, printed.last_serial + 1))


# --- the server --------------------------------------------------------------------------


class Server:
    """``fieldwork serve`` in its own process group, its output in a log file."""

    def __init__(self, instance: Instance, workers: int = 2, threads: int = 4,
                 sqlite: bool = False):
        self.instance = instance
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers, self.threads, self.sqlite = workers, threads, sqlite
        self.log = instance.root / "serve.log"
        self.proc: subprocess.Popen | None = None

    def start(self, wait: float = 90) -> None:
        """Start the server and wait until it answers the login page."""
        args = [sys.executable, "-c", "from fieldwork.cli import main; main()", "serve",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                "--threads", str(self.threads), "--timeout", "300"]
        if self.sqlite:
            args.append("--allow-sqlite")
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(args, env=self.instance.env, cwd=self.instance.root,
                                         stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped (exit {self.proc.returncode}):\n"
                                   + self.log_tail())
            try:
                with requests.get(self.base + "/login", timeout=5) as r:
                    if r.status_code == 200:
                        return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("the server did not answer in time:\n" + self.log_tail())

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's log."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL the whole process group (master and workers), as a power cut would."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        self.proc = None

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), killing the group if it does not stop in time."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
            except ProcessLookupError:
                pass
        self.proc = None


# --- the clients -------------------------------------------------------------------------


class _FormParser(HTMLParser):
    """The inputs of the POST forms of a page: name -> (type, value)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._in = False
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.forms.append({})
            self._in = True
        elif self._in and tag in ("input", "textarea", "select") and a.get("name"):
            self.forms[-1].setdefault(a["name"], (a.get("type") or tag, a.get("value") or ""))
            self._select = a["name"] if tag == "select" else None
        elif self._in and tag == "option" and self._select and "selected" in a:
            self.forms[-1][self._select] = ("select", a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in = False
        elif tag == "select":
            self._select = None


def parse_form(html: str, must_have: str) -> dict:
    """The fields of the page's POST form that has field ``must_have``."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if must_have in form:
            return form
    raise ValueError(f"no form with field {must_have!r} on the page")


@dataclass
class Timing:
    """One timed page request."""

    kind: str
    seconds: float
    status: int


class Client:
    """One signed-in person's browser: a ``requests`` session that times every request."""

    def __init__(self, base: str, email: str, timings: list, lock: threading.Lock,
                 timeout: float = 120):
        self.base, self.email, self.timeout = base, email, timeout
        self.http = requests.Session()
        self.timings, self.lock = timings, lock

    def close(self) -> None:
        """Close the session's connections."""
        self.http.close()

    def request(self, kind: str, method: str, path: str, **kw) -> requests.Response:
        """A timed request (redirects are not followed)."""
        started = time.perf_counter()
        try:
            r = self._send(method, path, **kw)
        except requests.ConnectionError:
            if method != "GET":
                raise
            r = self._send(method, path, **kw)  # a kept-alive connection closed: once more
        took = time.perf_counter() - started
        with self.lock:
            self.timings.append(Timing(kind, took, r.status_code))
        return r

    def _send(self, method: str, path: str, **kw) -> requests.Response:
        with self.http.request(method, self.base + path, allow_redirects=False,
                               timeout=self.timeout, **kw) as r:
            r.content  # noqa: B018  (read it all: the time is the whole page)
        return r

    def login(self) -> None:
        """Sign in through the login form with its CSRF token."""
        page = self.request("login", "GET", "/login")
        form = parse_form(page.text, "password")
        r = self.request("login", "POST", "/login", data={
            "csrf_token": form["csrf_token"][1], "email": self.email, "password": PASSWORD})
        if r.status_code != 302:
            raise RuntimeError(f"{self.email} could not sign in (HTTP {r.status_code})")


KEY_PATH = re.compile(r"^/entry/[^/]+/key(?:/(\d+))?$")
SUCCESS_ALERT = re.compile(r'class="[^"]*alert-success[^"]*"[^>]*>(.*?)</div>', re.S)


@dataclass
class Outcome:
    """What the keying of one sheet came to, as the keyer saw it."""

    serial: int
    acked: bool  # the success redirect came back: the sheet is saved
    already: bool = False  # the server says this person already keyed it
    status: int = 0
    location: str = ""


class KeyingClient(Client):
    """An enumerator keying sheets through the keying pages."""

    def open_sheet(self, code: str, serial: int) -> dict | None:
        """GET the keying page; its form, or None if the server redirected elsewhere."""
        r = self.request("get", "GET", f"/entry/{code}/key/{serial}")
        if r.status_code != 200:
            return None
        return parse_form(r.text, "a_q01")

    def submit(self, code: str, serial: int, data) -> Outcome:
        """POST a prepared keying (also used to re-submit one whose answer was lost)."""
        r = self.request("post", "POST", f"/entry/{code}/key/{serial}", data=data)
        location = r.headers.get("Location", "")
        path = urlsplit(location)
        already = r.status_code == 302 and "serial=" in path.query
        match = KEY_PATH.match(path.path) if r.status_code == 302 and not path.query else None
        acked = bool(match)
        if match and not match.group(1):
            # Saved (the keyer's last sheet), or refused as saved by someone else a moment
            # ago: both go back to the serial page, so read its message as a browser would.
            acked = self.saved_message(path.path, serial)
        return Outcome(serial, acked, already, r.status_code, location)

    def saved_message(self, path: str, serial: int) -> bool:
        """Whether the page at ``path`` greets with "sheet ``serial`` saved" (a green alert)."""
        try:
            page = self.request("follow", "GET", path)
        except requests.RequestException:
            return True  # the server went away after answering: only a save says so now
        shown = f"{serial:08d}"
        return any(shown in alert for alert in SUCCESS_ALERT.findall(page.text))


def prepared(form: dict, answers: dict) -> list[tuple[str, str]]:
    """The data a keying page's ``form`` posts for ``answers`` (kept to re-send the POST)."""
    data = [("csrf_token", form["csrf_token"][1]), ("started", form["started"][1]),
            ("confirmed", "y")]
    # The lists of agency and field, as the browser sends them (what they start on).
    data += [(name, value) for name, (kind, value) in form.items()
             if kind == "select" and name.startswith("sheet_")]
    for code, value in answers.items():
        if "a_" + code not in form:
            raise ValueError(f"the keying form has no field a_{code}")
        for v in value if isinstance(value, list) else [value]:
            data.append(("a_" + code, v))
    return data


# --- counting ----------------------------------------------------------------------------


def stored_keyings(instance: Instance, survey_id: int) -> dict:
    """What the database holds: sheets by serial with their keyings and answers."""
    from sqlalchemy import select

    from ..auth.models import User
    from ..entry.models import EntrySheet, Keying
    from ..extensions import db

    out = {}
    with instance.ctx():
        emails = dict(db.session.execute(select(User.id, User.email)).all())
        sheets = db.session.scalars(select(EntrySheet).where(EntrySheet.survey_id == survey_id))
        for s in sheets:
            answers = {a.question: list(a.values) for a in s.answers}
            entry = out.setdefault(s.serial, {"rows": 0, "keyings": [], "answers": answers,
                                              "enumerator": emails.get(s.enumerator_id)})
            entry["rows"] += 1
        for k, serial in db.session.execute(select(Keying, EntrySheet.serial).join(
                EntrySheet, EntrySheet.id == Keying.sheet_id).where(
                EntrySheet.survey_id == survey_id)).all():
            out[serial]["keyings"].append(emails.get(k.keyed_by_id))
    return out


def answers_match(stored: dict, serial: int) -> bool:
    """The stored final answers are what was typed (the choice questions and the procedure)."""
    typed = answers_for(serial)
    return (stored.get("q01") == [typed["q01"]] and stored.get("q02") == typed["q02"]
            and stored.get("procedure") == [typed["procedure"]])


def check_keying(db_rows: dict, keyers: list[Keyer], acked: dict[str, set],
                 in_flight: dict[str, set] | None = None) -> dict:
    """Acknowledged sheets against stored ones: lost, duplicated, unexpected, wrong answers.

    ``acked``: email -> serials whose POST came back as saved; ``in_flight``: serials whose
    answer never came (they may or may not be stored, but at most once).
    """
    in_flight = in_flight or {}
    expected = {s: k.email for k in keyers for s in k.serials}
    lost, wrong, unexpected, duplicated = [], [], [], []
    for email, serials in acked.items():
        for s in serials:
            row = db_rows.get(s)
            if row is None or email not in row["keyings"]:
                lost.append(s)
            elif not answers_match(row["answers"], s):
                wrong.append(s)
    for serial, row in db_rows.items():
        if serial not in expected:
            continue  # scanned sheets are counted with the scans
        extra = row["rows"] - 1 + max(0, len(row["keyings"]) - 1)
        extra += sum(n - 1 for n in Counter(row["keyings"]).values() if n > 1)
        if extra > 0:
            duplicated.append(serial)
        owner = expected[serial]
        if serial not in acked.get(owner, set()) and serial not in in_flight.get(owner, set()):
            unexpected.append(serial)
    keyed_rows = [r for s, r in db_rows.items() if s in expected]
    return {"acknowledged": sum(len(v) for v in acked.values()),
            "in_flight": sum(len(v) for v in in_flight.values()),
            "sheets_stored": len(keyed_rows),
            "keying_rows": sum(len(r["keyings"]) for r in keyed_rows),
            "lost": len(lost), "duplicated": len(duplicated), "unexpected": len(unexpected),
            "wrong_answers": len(wrong),
            "examples": {"lost": lost[:5], "duplicated": duplicated[:5],
                         "unexpected": unexpected[:5], "wrong_answers": wrong[:5]}}


def scan_counts(instance: Instance, batch_id: int | None, serials: list[int]) -> dict:
    """Pages of the uploaded batch by status, and sheets read more than once."""
    from sqlalchemy import func, select

    from ..extensions import db
    from ..omr.models import ScanBatch, ScanPage

    if batch_id is None:
        return {"batch_status": None, "pages_stored": 0, "read": 0, "duplicate": 0,
                "rejected": 0, "pages_read_twice": 0}
    with instance.ctx():
        batch = db.session.get(ScanBatch, batch_id)
        rows = dict(db.session.execute(select(ScanPage.status, func.count()).where(
            ScanPage.batch_id == batch_id).group_by(ScanPage.status)).all())
        twice = db.session.scalar(select(func.count()).select_from(
            select(ScanPage.serial, ScanPage.page_no).where(
                ScanPage.batch_id == batch_id, ScanPage.status == "read").group_by(
                ScanPage.serial, ScanPage.page_no).having(func.count() > 1).subquery()))
        by = {str(getattr(k, "value", k)): v for k, v in rows.items()}
        return {"batch_status": str(getattr(batch.status, "value", batch.status)),
                "pages_stored": sum(by.values()), "read": by.get("read", 0),
                "duplicate": by.get("duplicate", 0), "rejected": by.get("rejected", 0),
                "pages_read_twice": twice or 0}


def percentiles(values: list[float]) -> dict:
    """p50, p95, p99 and max in milliseconds (nearest rank)."""
    if not values:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    v = sorted(values)

    def rank(p: float) -> float:
        return round(v[max(0, math.ceil(p / 100 * len(v)) - 1)] * 1000, 1)

    return {"n": len(v), "p50_ms": rank(50), "p95_ms": rank(95), "p99_ms": rank(99),
            "max_ms": round(v[-1] * 1000, 1)}


# --- the run -----------------------------------------------------------------------------


def _key_all(client: KeyingClient, keyer: Keyer, acked: set, resent: dict, errors: list,
             start: threading.Barrier, think: float = 0.0) -> None:
    rng = random.Random(keyer.email)
    try:
        client.login()
    except Exception as exc:  # noqa: BLE001  (reported, the run goes on)
        errors.append(f"{keyer.email}: {exc}")
        start.abort()
        return
    try:
        start.wait()
    except threading.BrokenBarrierError:
        return
    if think:  # people do not all start on the same second
        time.sleep(rng.uniform(0, think))
    for serial in keyer.serials:
        try:
            form = client.open_sheet(SURVEY, serial)
            if form is None:
                errors.append(f"{keyer.email}: sheet {serial} did not open")
                continue
            if think:  # typing the paper in
                time.sleep(think * rng.uniform(0.5, 1.5))
            data = prepared(form, answers_for(serial))
            for attempt in range(3):
                try:
                    outcome = client.submit(SURVEY, serial, data)
                    break
                except requests.ConnectionError:
                    # The connection closed under the POST (an idle kept-alive one): send it
                    # again on a new one, as a browser does; a sheet already saved is refused.
                    resent[serial] = "no answer"
                    if attempt == 2:
                        raise
            if outcome.acked:
                acked.add(serial)
                if serial in resent:
                    resent[serial] = "saved when re-sent"
            elif outcome.already and serial in resent:
                resent[serial] = "had been saved"
            else:
                errors.append(f"{keyer.email}: sheet {serial} not saved "
                              f"(HTTP {outcome.status} {outcome.location})")
        except Exception as exc:  # noqa: BLE001
            errors.append(f"{keyer.email}: sheet {serial}: {exc!r}")


def _scan(client: Client, seeded: Seeded, result: dict, errors: list,
          start: threading.Barrier, poll_timeout: float, delay: float = 0.0) -> None:
    try:
        client.login()
    except Exception as exc:  # noqa: BLE001
        errors.append(f"scanner: {exc}")
        start.abort()
        return
    try:
        start.wait()
    except threading.BrokenBarrierError:
        return
    time.sleep(delay)  # the upload lands among keyers already at work
    try:
        t0 = time.perf_counter()
        page = client.request("scan", "GET", "/scans/")
        form = parse_form(page.text, "files")
        files = [("files", (name, data, "application/octet-stream"))
                 for name, data in seeded.scan_files]
        r = client.request("upload", "POST", "/scans/", files=files, data={
            "csrf_token": form["csrf_token"][1], "survey": str(seeded.survey_id),
            "note": "load bench"})
        m = re.search(r"/scans/(\d+)$", r.headers.get("Location", ""))
        if r.status_code != 302 or not m:
            errors.append(f"scanner: upload answered HTTP {r.status_code}")
            return
        result["batch_id"] = batch_id = int(m.group(1))
        deadline = time.monotonic() + poll_timeout
        status = None
        while time.monotonic() < deadline:
            p = client.request("scan", "GET", f"/scans/{batch_id}/progress")
            status = p.json().get("status") if p.status_code == 200 else None
            if status in ("done", "failed"):
                break
            time.sleep(1.0)
        client.request("scan", "GET", f"/scans/{batch_id}")
        result["status"] = status
        result["seconds"] = round(time.perf_counter() - t0, 1)
        if status != "done":
            errors.append(f"scanner: batch {batch_id} ended {status!r}")
    except Exception as exc:  # noqa: BLE001
        errors.append(f"scanner: {exc!r}")


def run(keyers: int = 50, sheets: int = 20, scan_pages: int = 20, database: str = "postgres",
        workers: int | None = None, threads: int = 4, think: float = 0.0,
        poll_timeout: float = 900, echo=None) -> dict:
    """Seed a throwaway instance, serve it, key and scan at once, count; return the figures."""
    say = echo or (lambda _text: None)
    root = Path(tempfile.mkdtemp(prefix="fieldwork-load-"))
    cluster = instance = server = None
    try:
        url = None
        if database == "postgres":
            from .pgcluster import Cluster
            cluster = Cluster()
            url = cluster.start()
            say(f"PostgreSQL on 127.0.0.1:{cluster.port}")
        elif database != "sqlite":
            raise ValueError(f"database must be postgres or sqlite, not {database!r}")
        instance = Instance(root / "instance", url)
        t0 = time.perf_counter()
        instance.migrate()
        seeded = instance.seed(keyers, sheets, scan_pages)
        seed_s = time.perf_counter() - t0
        say(f"seeded {keyers} keyers x {sheets} sheets and {len(seeded.scan_files)} scan pages "
            f"in {seed_s:.1f} s")
        from .serve import default_workers
        workers = workers or default_workers()
        server = Server(instance, workers, threads, sqlite=database == "sqlite")
        server.start()
        say(f"serving on {server.base} ({workers} workers x {threads} threads)")
        timings: list[Timing] = []
        lock = threading.Lock()
        errors: list[str] = []
        acked = {k.email: set() for k in seeded.keyers}
        resent = {k.email: {} for k in seeded.keyers}
        scan_result: dict = {}
        parties = len(seeded.keyers) + (1 if seeded.scan_files else 0) + 1
        start = threading.Barrier(parties, timeout=600)
        clients = [KeyingClient(server.base, k.email, timings, lock) for k in seeded.keyers]
        threads_ = [threading.Thread(target=_key_all, args=(c, k, acked[k.email], resent[k.email],
                                                            errors, start, think))
                    for c, k in zip(clients, seeded.keyers, strict=True)]
        scanner = None
        if seeded.scan_files:
            scanner = Client(server.base, seeded.scanner, timings, lock)
            threads_.append(threading.Thread(target=_scan, args=(
                scanner, seeded, scan_result, errors, start, poll_timeout, think)))
        for t in threads_:
            t.start()
        try:
            start.wait()  # everyone signed in: the timed part starts
        except threading.BrokenBarrierError:
            pass
        began = time.perf_counter()
        keying_done = None
        for t in threads_[:len(clients)]:
            t.join()
        keying_done = time.perf_counter() - began
        for t in threads_[len(clients):]:
            t.join()
        wall = time.perf_counter() - began
        for c in [*clients, *([scanner] if scanner else [])]:
            c.close()
        server.stop()
        server = None
        rows = stored_keyings(instance, seeded.survey_id)
        keying = check_keying(rows, seeded.keyers, acked,
                              {e: set(v) for e, v in resent.items()})
        outcomes = Counter(o for v in resent.values() for o in v.values())
        keying.update(resent=sum(outcomes.values()), resent_had_been_saved=outcomes[
            "had been saved"], resent_saved=outcomes["saved when re-sent"])
        scans = scan_counts(instance, scan_result.get("batch_id"), seeded.scan_serials)
        scans.update(pages_uploaded=len(seeded.scan_files),
                     pages_lost=len(seeded.scan_files) - scans["pages_stored"],
                     seconds=scan_result.get("seconds"))
        pages = [t for t in timings if t.kind in ("get", "post")]
        server_errors = sum(1 for t in timings if t.status >= 500)
        result = {
            "database": database, "keyers": keyers, "sheets_per_keyer": sheets,
            "workers": workers, "threads": threads, "think_s": think,
            "cores": os.cpu_count(),
            "seed_s": round(seed_s, 1), "wall_s": round(wall, 1),
            "keying_s": round(keying_done, 1),
            "page_requests": len(pages),
            "pages_per_s": round(len(pages) / keying_done, 1) if keying_done else None,
            "sheets_per_s": round(keying["acknowledged"] / keying_done, 1)
            if keying_done else None,
            "page": percentiles([t.seconds for t in pages]),
            "get": percentiles([t.seconds for t in pages if t.kind == "get"]),
            "post": percentiles([t.seconds for t in pages if t.kind == "post"]),
            "follow": percentiles([t.seconds for t in timings if t.kind == "follow"]),
            "login": percentiles([t.seconds for t in timings if t.kind == "login"]),
            "scan_requests": percentiles([t.seconds for t in timings if t.kind == "scan"]),
            "upload": percentiles([t.seconds for t in timings if t.kind == "upload"]),
            "keying": keying, "scans": scans, "http_5xx": server_errors,
            "errors": len(errors), "error_examples": errors[:10],
        }
        result["ok"] = (keying["lost"] == 0 and keying["duplicated"] == 0
                        and keying["unexpected"] == 0 and keying["wrong_answers"] == 0
                        and keying["acknowledged"] + keying["resent_had_been_saved"]
                        == keyers * sheets == keying["sheets_stored"]
                        and scans["pages_lost"] == 0 and scans["pages_read_twice"] == 0
                        and scans["read"] == scans["pages_uploaded"]
                        and server_errors == 0 and not errors)
        return result
    finally:
        if server is not None:
            server.stop()
        if instance is not None:
            instance.close()
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def table(r: dict) -> str:
    """The figures as a readable table."""
    k, s = r["keying"], r["scans"]
    lines = [
        f"{r['keyers']} keyers x {r['sheets_per_keyer']} sheets + a {s['pages_uploaded']}-page "
        f"scan batch on {r['database']}, {r['workers']} workers x {r['threads']} threads, "
        f"{r['cores']} cores, {r['think_s']} s typing per sheet",
        f"keying took {r['keying_s']} s ({r['pages_per_s']} pages/s, {r['sheets_per_s']} "
        f"sheets/s); the scan batch {s['seconds']} s; seeding {r['seed_s']} s",
        "",
        f"{'requests':<16}{'n':>7}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}",
    ]
    for name in ("page", "get", "post", "follow", "login", "upload", "scan_requests"):
        p = r[name]
        if p["n"]:
            lines.append(f"{name:<16}{p['n']:>7}{p['p50_ms']:>10}{p['p95_ms']:>10}"
                         f"{p['p99_ms']:>10}{p['max_ms']:>10}")
    lines += [
        "",
        f"sheets acknowledged {k['acknowledged']}, stored {k['sheets_stored']} "
        f"(keying rows {k['keying_rows']}): lost {k['lost']}, duplicated {k['duplicated']}, "
        f"unexpected {k['unexpected']}, wrong answers {k['wrong_answers']}; POSTs re-sent "
        f"after a closed connection {k['resent']} ({k['resent_had_been_saved']} had been "
        f"saved, {k['resent_saved']} saved when re-sent)",
        f"pages uploaded {s['pages_uploaded']}, stored {s['pages_stored']}, read {s['read']} "
        f"(rejected {s['rejected']}, duplicate {s['duplicate']}): lost {s['pages_lost']}, "
        f"read twice {s['pages_read_twice']}; batch {s['batch_status']}",
        f"HTTP 5xx {r['http_5xx']}, client errors {r['errors']}",
    ]
    lines += [f"  {e}" for e in r["error_examples"]]
    lines.append("OK" if r["ok"] else "FAILED")
    return "\n".join(lines)
