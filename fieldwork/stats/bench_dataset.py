"""``fieldwork bench dataset``: the path a user waits for, database -> dataset -> figures -> page.

A throwaway PostgreSQL cluster (``deploy.pgcluster``) gets a migrated instance (the load
bench's ``Instance``) and a year as in life: approved paper sheets over many agencies (OMR,
keyed, some interviews; survey dates, dossier codes, procedures, reasons, a comment on one in
ten, phone and citizen ID on some), online and kiosk answers of the city's software, and
imported city and call-centre files. Rows go in with COPY (seeding is not timed). A fresh
process then times, against that database: the read (``dataset``, cold), the statistics of
every source (``statistics.compute``), each with its CPU time in this process (the load of a
shared machine inflates wall times, not these), the statistics page with every chart it shows
cold and then repeated (cached under the data revision), and reports its peak memory.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from itertools import chain
from pathlib import Path

SURVEY = "BENCH-2026"
REASONS = ("reason_a", "reason_b", "reason_c", "reason_d", "reason_dd", "reason_e",
           "reason_f", "reason_g", "other")
PROCEDURES = [f"Thủ tục hành chính số {k}" for k in range(1, 61)]
COMMENT = "Cán bộ hướng dẫn tận tình, mong rút ngắn thời gian chờ."
# Beside every 100 approved sheets, answers of the other sources (as in the demo year).
OTHERS = {"online": 22, "kiosk": 8, "city_import": 14, "call_centre": 10}


def _copy(cur, table: str, columns: tuple, rows) -> int:
    n = 0
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def _digits(day: date) -> str:
    return json.dumps(list(day.strftime("%d%m%Y")))


def _setup(agencies: int, sheets: int):
    """Users, agencies, fields, the survey with its scope and approved form (ORM, small)."""
    from ..auth.operations import create_user
    from ..deploy.loadbench import PASSWORD
    from ..directory.models import Agency, AgencyKind, Field
    from ..extensions import db
    from ..forms import operations as forms_ops
    from ..plans.operations import add_scope, create_survey

    manager = create_user({"email": "quanly@bench.vn", "name": "Quản lý", "password": PASSWORD,
                           "roles": ["manager"]}, "bench")
    reviewer = create_user({"email": "snv@bench.vn", "name": "Sở Nội vụ", "password": PASSWORD,
                            "roles": ["home_affairs"]}, "bench")
    fields = [Field(code=f"LV{i:02d}", name=f"Lĩnh vực {i:02d}") for i in range(1, 13)]
    units = [Agency(name=f"Cơ quan {i:03d}", kind=AgencyKind.DEPARTMENT if i <= 20 else
                    AgencyKind.WARD) for i in range(1, agencies + 1)]
    db.session.add_all(fields + units)
    db.session.flush()
    survey = create_survey({"code": SURVEY, "title": "Khảo sát thử tải", "year": 2026}, manager)
    rng = random.Random(7)
    for unit in units:  # N large enough that the sample the plan asks for is reachable
        add_scope(survey, {"agency_id": unit.id, "dossiers": rng.randint(
            max(200, sheets // agencies), max(400, sheets // agencies * 6))}, manager)
    version = forms_ops.create_from_template(survey, "danang-2025", manager)
    forms_ops.transition(version, "submit", manager)
    forms_ops.transition(version, "approve", reviewer, "Đồng ý")
    db.session.commit()
    return survey.id, version.id, [u.id for u in units], [f.id for f in fields], \
        [u.name for u in units], [f.name for f in fields]


def fill(sheets: int, agencies: int, seed: int = 1) -> dict:
    """Seed the instance of the current app context; return what went in."""
    from ..extensions import db
    from .revision import bump

    survey_id, version_id, units, fields, unit_names, field_names = _setup(agencies, sheets)
    rng = random.Random(seed)
    level = [rng.uniform(0.65, 0.98) for _ in units]
    start = date(2026, 3, 1)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    raw = db.session.connection().connection.driver_connection
    counts = {}
    with raw.cursor() as cur:
        sheet_rows, answer_rows = [], []

        def sheet(i):
            a = rng.randrange(len(units))
            day = start + timedelta(days=rng.randrange(200))
            source = rng.choices(("omr", "keyed", "interview"), (60, 35, 5))[0]
            contact = rng.random() < 0.5
            return (i, survey_id, i, version_id, units[a], fields[a % len(fields)], "approved",
                    source, "final", False, True, "", now, now, now,
                    f"{rng.getrandbits(128):032x}" if contact else None,
                    f"{rng.getrandbits(128):032x}" if contact else None), a, day

        def answers(i, a, day):
            ok = rng.random() < level[a]
            yield (i, "q01", json.dumps(["yes" if ok else "no"]), "ok", "key1", now)
            if not ok:
                picks = [r for r in REASONS if rng.random() < 0.2] or ["reason_b"]
                yield (i, "q02", json.dumps(picks), "ok", "key1", now)
            yield (i, "survey_date", _digits(day), "ok", "key1", now)
            if rng.random() < 0.8:
                yield (i, "dossier_code", json.dumps([f"H{a:03d}.{i:07d}"]), "ok", "key1", now)
            yield (i, "agency", json.dumps([unit_names[a]], ensure_ascii=False), "ok", "key1",
                   now)
            yield (i, "field", json.dumps([field_names[a % len(fields)]], ensure_ascii=False),
                   "ok", "key1", now)
            if rng.random() < 0.6:
                yield (i, "procedure", json.dumps([rng.choice(PROCEDURES)], ensure_ascii=False),
                       "ok", "key1", now)
            if rng.random() < 0.1:
                yield (i, "q03", json.dumps([COMMENT], ensure_ascii=False), "ok", "key1", now)

        def sheets_and_answers():
            for i in range(1, sheets + 1):
                row, a, day = sheet(i)
                sheet_rows.append(row)
                answer_rows.extend(answers(i, a, day))
                if len(sheet_rows) >= 20000:
                    yield

        columns = ("id", "survey_id", "serial", "version_id", "agency_id", "field_id",
                   "review_state", "source", "stage", "double", "in_assignment", "note",
                   "created_at", "updated_at", "approved_at", "phone_hash", "cid_hash")
        answer_columns = ("sheet_id", "question", '"values"', "status", "source", "updated_at")
        counts["sheets"] = counts["answers"] = 0
        for _ in chain(sheets_and_answers(), [None]):  # a chunk at a time, then the rest
            counts["sheets"] += _copy(cur, "entry_sheets", columns, sheet_rows)
            counts["answers"] += _copy(cur, "entry_answers", answer_columns, answer_rows)
            sheet_rows.clear()
            answer_rows.clear()
        cur.execute("SELECT setval('entry_sheets_id_seq', %s)", (sheets,))
        counts.update(_others(cur, rng, sheets, survey_id, version_id, units, level, now))
        cur.execute("ANALYZE")
    bump(db.session.connection(), {survey_id})  # COPY passes no session listener
    db.session.commit()
    return counts


def _others(cur, rng, sheets, survey_id, version_id, units, level, now) -> dict:
    """Online and kiosk answers; imported city and call-centre results."""
    n = {k: sheets * v // 100 for k, v in OTHERS.items()}

    def online(i, channel):
        a = rng.randrange(len(units))
        ok = rng.random() < min(level[a] + 0.05, 0.99)
        answers = {"q01": ["yes" if ok else "no"], "q02": [] if ok else ["reason_b"]}
        return (survey_id, version_id, units[a], None, channel,
                f"W{i:08d}" if rng.random() < 0.5 else None, f"{i:064x}", json.dumps(answers),
                ok, now - timedelta(days=rng.randrange(200)))

    cols = ("survey_id", "version_id", "agency_id", "field_id", "channel", "dossier_code",
            "device_hash", "answers", "satisfied", "created_at")
    _copy(cur, "online_responses", cols, (online(i, "online") for i in range(n["online"])))
    _copy(cur, "online_responses", cols,
          (online(n["online"] + i, "kiosk") for i in range(n["kiosk"])))
    out = {"online": n["online"], "kiosk": n["kiosk"]}
    for source, channel, key in (("city_online", "online", "city_import"),
                                 ("call_centre", "call_centre", "call_centre")):
        cur.execute("INSERT INTO import_runs (survey_id, kind, source, channel, file_name, "
                    "file_sha256, file_format, mapping, rows_read, rows_added, rows_duplicate, "
                    "rows_rejected, created_by_label, created_at) VALUES (%s, 'results', %s, "
                    "%s, %s, %s, 'csv', '{}', %s, %s, 0, 0, 'bench', %s) RETURNING id",
                    (survey_id, source, channel, f"{source}.csv", f"{len(source):064x}",
                     n[key], n[key], now))
        run_id = cur.fetchone()[0]

        def imported(i, source=source, channel=channel, run_id=run_id):
            a = rng.randrange(len(units))
            ok = rng.random() < level[a]
            return (survey_id, run_id, source, channel, units[a],
                    (now - timedelta(days=rng.randrange(200))).date(), ok,
                    json.dumps([] if ok else ["c"]), str(i),
                    f"H{a:03d}.{rng.randrange(1, sheets):07d}" if rng.random() < 0.3 else None,
                    f"{source}{i:040x}")

        out[key] = _copy(cur, "imported_responses", (
            "survey_id", "run_id", "source", "channel", "agency_id", "response_date",
            "satisfied", "reasons", "record_id", "dossier_code", "fingerprint"),
            (imported(i) for i in range(n[key])))
    return out


def _rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


SERVER_PID = "FIELDWORK_BENCH_PG_PID"  # the PostgreSQL postmaster whose CPU to count


def server_cpu(pid: int | None = None) -> float | None:
    """CPU seconds the PostgreSQL server has used (its postmaster, the processes under it
    and those it has reaped), from Linux's /proc; None where that cannot be read."""
    pid = pid or int(os.environ.get(SERVER_PID) or 0)
    if not pid:
        return None

    def fields(p) -> list[str]:  # /proc/<p>/stat after the command name: state is [0]
        return Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()

    try:
        ticks = sum(int(x) for x in fields(pid)[11:15])  # utime, stime, cutime, cstime
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    f = fields(entry.name)
                except OSError:
                    continue
                if f[1] == str(pid):
                    ticks += int(f[11]) + int(f[12])
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _spent(before: float | None) -> float | None:
    after = server_cpu()
    return None if before is None or after is None else round(after - before, 2)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def measure(views: int, code: str = SURVEY) -> dict:
    """Time read, statistics and page of the survey ``code`` against the current app's
    database (in a fresh process: nothing cached yet)."""
    from sqlalchemy import select

    from ..extensions import db
    from ..plans.models import Survey
    from .cache import SUMMARIES
    from .dataset import RECENT_ROWS, dataset
    from .filters import Filter
    from .revision import current
    from .statistics import compute

    survey = db.session.scalar(select(Survey).where(Survey.code == code.upper()))
    if survey is None:
        raise LookupError(f"no survey {code.upper()} in this database")
    out = {"survey": survey.code, "database": db.engine.dialect.name,
           "rss_start_mib": _rss_mib()}
    t0, c0, s0 = time.perf_counter(), time.process_time(), server_cpu()
    data = dataset(survey, Filter())
    out["read_s"] = round(time.perf_counter() - t0, 2)
    out["read_cpu_s"] = round(time.process_time() - c0, 2)
    out["read_server_cpu_s"] = _spent(s0)
    out["rows"] = {"independent": len(data.rows),
                   **{k: len(v) for k, v in data.others.items()}}
    del data  # the cache holds the rows; the page's cold view must not find two copies
    t0, c0, s0 = time.perf_counter(), time.process_time(), server_cpu()
    stats = compute(survey, Filter(), current(survey.id))
    out["statistics_s"] = round(time.perf_counter() - t0, 2)
    out["statistics_cpu_s"] = round(time.process_time() - c0, 2)
    out["statistics_server_cpu_s"] = _spent(s0)
    out["read_and_statistics_s"] = round(out["read_s"] + out["statistics_s"], 2)
    out["overall"] = stats["overall"]
    out["rss_after_statistics_mib"] = _rss_mib()
    db.session.rollback()
    if views:
        RECENT_ROWS.clear()
        SUMMARIES.clear()
        out.update(_pages(views, survey.code))
    out["max_rss_mib"] = _rss_mib()
    return out


def _client():
    """A test client signed in as the bench's manager (by password, as a user signs in), or
    else as the first active manager of the database (its session set as a sign-in sets it:
    the bench never learns a real user's password)."""
    import re

    from flask import current_app
    from sqlalchemy import select

    from ..auth.models import Role, User
    from ..auth.sessions import SEEN
    from ..deploy.loadbench import PASSWORD
    from ..extensions import db

    client = current_app.test_client()
    if db.session.scalar(select(User).where(User.email == "quanly@bench.vn")) is not None:
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                          client.get("/login").get_data(as_text=True)).group(1)
        res = client.post("/login", data={"csrf_token": token, "email": "quanly@bench.vn",
                                          "password": PASSWORD})
        if res.status_code != 302:
            raise RuntimeError(f"could not sign in to the bench instance (HTTP "
                               f"{res.status_code})")
        return client
    manager = db.session.scalar(select(User).join(User.roles).where(
        Role.name == "manager", User.active.is_(True)).order_by(User.id))
    if manager is None:
        raise LookupError("no active manager in this database to view the page as")
    with client.session_transaction() as session:
        session.update({"_user_id": manager.get_id(), "_fresh": True, SEEN: int(time.time())})
    db.session.rollback()
    return client


def _pages(views: int, code: str = SURVEY) -> dict:
    """The statistics page through the app: the first view (cold), then ``views`` more."""
    import re

    client = _client()
    url = f"/stats/{code}"

    def view() -> int:
        """The page, then every chart it shows (as a browser fetches its images)."""
        res = client.get(url)
        if res.status_code != 200:
            raise RuntimeError(f"{url} answered HTTP {res.status_code}")
        charts = re.findall(r'src="(/stats/[^"]+\.png[^"]*)"', res.get_data(as_text=True))
        for src in charts:
            if client.get(src.replace("&amp;", "&")).status_code != 200:
                raise RuntimeError(f"{src} did not answer")
        return len(charts)

    t0 = time.perf_counter()
    charts = view()
    cold = time.perf_counter() - t0
    times = []
    for _ in range(views):
        t0 = time.perf_counter()
        view()
        times.append(time.perf_counter() - t0)
    return {"page_cold_s": round(cold, 2), "page_views": views, "page_charts": charts,
            "page_p50_s": round(_percentile(times, 0.5), 3),
            "page_p95_s": round(_percentile(times, 0.95), 3)}


def _kept_cluster(folder: Path):
    """A PostgreSQL cluster whose files stay in ``folder`` between runs (``--keep``): made
    and seeded on the first run, started as it is on the next ones."""
    from ..deploy.pgcluster import Cluster

    class Kept(Cluster):
        def __init__(self) -> None:
            super().__init__()
            shutil.rmtree(self.dir, ignore_errors=True)  # the temporary folder is not used
            self.dir = folder
            self.data = folder / "data"
            self.dir.mkdir(parents=True, exist_ok=True)
            self.existed = (self.data / "PG_VERSION").exists()

        def start(self) -> str:
            if self.as_root:  # the server runs as postgres: it must reach the folder
                shutil.chown(self.dir, "postgres", "postgres")
                if subprocess.run(["runuser", "-u", "postgres", "--", "test", "-w",
                                   str(self.dir)], check=False).returncode != 0:
                    raise RuntimeError(f"the postgres user cannot write to {self.dir} (a "
                                       "folder above it is closed to it): keep the cluster "
                                       "elsewhere, e.g. under /tmp or /var/tmp")
            if not self.existed:
                return super().start()
            opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off"
            self._run(self.bin / "pg_ctl", "-D", self.data, "-o", opts, "-l",
                      self.dir / "log", "-w", "start")
            return self.url("fieldwork_test")

        def stop(self) -> None:
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "stop")

    return Kept()


def run(sheets: int = 50_000, agencies: int = 120, views: int = 30, seed: int = 1,
        echo=None, keep: str | None = None) -> dict:
    """Seed a throwaway PostgreSQL instance, then measure it in a fresh process. With
    ``keep`` (a folder) the cluster stays there: seeded on the first run, reused as it is
    (``sheets``, ``agencies`` and ``seed`` then ignored) on the next ones."""
    from ..deploy.loadbench import Instance
    from ..deploy.pgcluster import Cluster

    say = echo or (lambda _text: None)
    cluster = _kept_cluster(Path(keep).resolve()) if keep else Cluster()
    root = Path(keep).resolve() if keep else Path(tempfile.mkdtemp(
        prefix="fieldwork-bench-dataset-"))
    url = None
    try:
        url = cluster.start()
        instance = Instance(root / "instance", url)
        if keep and cluster.existed:
            counts, seeded = {"kept": str(root)}, 0.0
            say(f"reusing the seeded cluster in {root}")
        else:
            instance.migrate()
            t0 = time.perf_counter()
            with instance.ctx():
                counts = fill(sheets, agencies, seed)
            seeded = round(time.perf_counter() - t0, 1)
            say(f"seeded {counts} in {seeded} s")
        instance.close()
        postmaster = (cluster.data / "postmaster.pid").read_text().split()[0]
        proc = subprocess.run([sys.executable, "-m", __name__, str(views)],
                              env={**instance.env, SERVER_PID: postmaster},
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError("the measuring process failed:\n" + proc.stderr[-3000:])
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        return {"sheets": sheets, "agencies": agencies, "seeded": counts, "seed_s": seeded,
                "database": "postgresql", **result}
    finally:
        if url is not None or not keep:  # a kept cluster that did not start: nothing to stop
            cluster.stop()
        if not keep:
            shutil.rmtree(root, ignore_errors=True)  # the throwaway instance folder


def _main() -> None:  # the measuring process
    from .. import create_app
    app = create_app()
    with app.app_context():
        result = measure(int(sys.argv[1]))
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    os.environ.setdefault("FIELDWORK_ENV", "development")
    _main()
