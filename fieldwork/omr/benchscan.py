"""``fieldwork bench scan``: end-to-end scanning throughput, per format and per worker count.

A throwaway instance (its own folder and SQLite database, or an empty PostgreSQL database
given by URL) gets a survey, an approved form and a printed batch; its sheets are filled and
scanned at 300 dpi (``fieldwork.omr.synth``) and written as scanners write them: multi-page
one-bit TIFF (CCITT G4) from a feeder, multi-page PDF of JPEG pages, single JPEG files.
Then N worker processes each take a share of the files and do what the station does with
them: store the file, decode, read, write the page image and crops, store the answers and
sheets and commit, a group of pages at a time (``omr.jobs.process_batch``). Each worker
reports its wall time and its own CPU time (user + system, all its threads), so the
per-page CPU figure holds on a shared machine; the wall figures (and so the scaling) do not.
"""

from __future__ import annotations

import io
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

FORMATS = ("tiff", "pdf", "jpeg")
DPI = 300


def encode_files(images: list[np.ndarray], fmt: str, folder: Path, per_file: int) -> list[Path]:
    """Write ``images`` as scanner files of one format (``per_file`` pages in a TIFF/PDF)."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    if fmt == "jpeg":
        for i, img in enumerate(images):
            path = folder / f"IMG_{i + 1:04d}.jpg"
            Image.fromarray(img).save(path, format="JPEG", quality=85, dpi=(DPI, DPI))
            out.append(path)
        return out
    for start in range(0, len(images), per_file):
        chunk = images[start:start + per_file]
        buf = io.BytesIO()
        if fmt == "tiff":  # thresholded, as a one-bit feeder does
            pages = [Image.fromarray(np.where(p > 150, 255, 0).astype(np.uint8)).convert("1")
                     for p in chunk]
            pages[0].save(buf, format="TIFF", compression="group4", save_all=True,
                          append_images=pages[1:], dpi=(DPI, DPI))
            name = f"SCAN_{start // per_file + 1:04d}.tif"
        else:
            pages = [Image.fromarray(p) for p in chunk]
            pages[0].save(buf, format="PDF", save_all=True, append_images=pages[1:],
                          resolution=float(DPI), quality=85)
            name = f"SCAN_{start // per_file + 1:04d}.pdf"
        path = folder / name
        path.write_bytes(buf.getvalue())
        out.append(path)
    return out


def _seed_pages(pages: int, seed: int, cache: str | None = None) -> tuple[int, list[np.ndarray]]:
    """In the instance's app context: a survey, its printed sheets, ``pages`` scanned pages.

    With ``cache`` (a folder) the pages are kept there and used again by the next run with the
    same pages and seed: the instance is made the same way, so their QR codes still hold.
    """
    from sqlalchemy import select

    from ..auth.models import User
    from ..deploy.loadbench import _seed
    from ..extensions import db
    from ..forms.batches import print_batch
    from ..plans.models import Survey
    from .synth.degrade import Scan
    from .synth.respondent import Rates
    from .synth.sheets import fill_and_scan

    seeded = _seed(0, 0, 0)
    survey = db.session.get(Survey, seeded.survey_id)
    manager = db.session.scalar(select(User).where(User.email == "quanly@load.vn"))
    agency = survey.scope[0].agency_id  # sheets are printed for an agency of the scope
    first = print_batch(survey, {"count": 1, "agency_id": agency, "note": "bench scan"},
                        manager)
    per_sheet = len(json.loads(Path(first.layout_path).read_text(encoding="utf-8"))["pages"])
    count = max(1, math.ceil(pages / per_sheet))
    printed = print_batch(survey, {"count": count, "agency_id": agency, "note": "bench scan"},
                          manager)
    db.session.commit()
    layout = json.loads(Path(printed.layout_path).read_text(encoding="utf-8"))
    serials = [printed.serial_text(n) for n in range(printed.first_serial,
                                                    printed.last_serial + 1)]
    stored = Path(cache) / f"scan-pages-{pages}-{seed}.npz" if cache else None
    if stored is not None and stored.is_file():
        with np.load(stored) as kept:
            return survey.id, [kept[k] for k in sorted(kept.files)]
    images = []
    rates = Rates(stray_per_page=0.0, correction=0.0, double=0.0)
    for s in fill_and_scan(Path(printed.pdf_path).read_bytes(), layout, serials,
                           np.random.default_rng(seed), dpis=(DPI,), rates=rates,
                           scan=Scan(skew=0.7, noise=3, black=30, white=240)):
        images.append(s.image)
        if len(images) == pages:
            break
    if stored is not None:
        stored.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(stored, **{f"p{i:05d}": img for i, img in enumerate(images)})
    return survey.id, images


def _spawn(inst, spec: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c",
                             "from fieldwork.omr.benchscan import worker; worker()", str(spec)],
                            env=inst.env, cwd=inst.root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _round(inst, survey_id: int, files: list[Path], workers: int, scanner: str,
           tag: str) -> dict:
    """Run ``workers`` processes, each reading a share of ``files``; their reports summed."""
    shares = [files[i::workers] for i in range(workers)]
    go = inst.root / f"go-{tag}"
    procs = []
    for i, share in enumerate(shares):
        spec = inst.root / f"spec-{tag}-{i}.json"
        spec.write_text(json.dumps({"survey_id": survey_id, "scanner": scanner, "go": str(go),
                                    "ready": str(inst.root / f"ready-{tag}-{i}"),
                                    "files": [str(f) for f in share]}))
        procs.append(_spawn(inst, spec))
    deadline = time.monotonic() + 300
    while not all((inst.root / f"ready-{tag}-{i}").exists() for i in range(workers)):
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            break
        time.sleep(0.05)
    go.touch()  # all start together: imports and app start-up are not timed
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=3600)
        if p.returncode != 0:
            raise RuntimeError(f"a bench worker failed:\n{err[-3000:]}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    pages = sum(r["pages"] for r in reports)
    wall = max(r["end"] for r in reports) - min(r["start"] for r in reports)
    cpu = sum(r["cpu"] for r in reports)
    return {"workers": workers, "files": len(files), "pages": pages,
            "read": sum(r["read"] for r in reports),
            "rejected": sum(r["rejected"] for r in reports),
            "not_read": [w for r in reports for w in r["why"]][:5],
            "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "pages_per_s": round(pages / wall, 2) if wall else None,
            "cpu_ms_per_page": round(1000 * cpu / pages, 1) if pages else None,
            "pages_per_cpu_s": round(pages / cpu, 2) if cpu else None,
            "stages_ms_per_page": {k: round(1000 * sum(r["stages"].get(k, 0) for r in reports)
                                            / max(pages, 1), 1)
                                   for k in reports[0]["stages"]}}


def run(pages: int = 60, formats=FORMATS, workers=(1, 2), per_file: int = 10,
        database_url: str | None = None, seed: int = 22, root: str | None = None,
        progress=None, cache: str | None = None) -> dict:
    """Generate, then read every format with each worker count; returns the report."""
    from ..deploy.loadbench import Instance

    say = progress or (lambda _msg: None)
    owned = root is None
    base = Path(root or tempfile.mkdtemp(prefix="fieldwork-bench-scan-"))
    inst = Instance(base / "site", database_url, FIELDWORK_JOBS="sync",
                    FIELDWORK_INBOXES="0")
    try:
        inst.migrate()
        started = time.monotonic()
        with inst.ctx():
            survey_id, images = _seed_pages(pages, seed, cache)
        say(f"generated {len(images)} pages at {DPI} dpi in {time.monotonic() - started:.0f} s")
        report = {"dpi": DPI, "pages": len(images), "per_file": per_file,
                  "database": "postgresql" if database_url else "sqlite",
                  "load_before": os.getloadavg(), "formats": {}}
        for fmt in formats:
            files = encode_files(images, fmt, base / "files" / fmt, per_file)
            rounds = []
            for n in workers:
                result = _round(inst, survey_id, files, n, "scan@load.vn", f"{fmt}-{n}")
                say(f"{fmt}, {n} worker(s): {result['pages_per_s']} pages/s wall, "
                    f"{result['cpu_ms_per_page']} ms CPU per page "
                    f"({result['read']} read, {result['rejected']} rejected)")
                rounds.append(result)
                _reset(inst)
            entry = {"bytes_per_page": round(sum(f.stat().st_size for f in files)
                                              / len(images)), "rounds": rounds}
            if len(rounds) > 1 and rounds[0]["pages_per_s"]:
                entry["scaling"] = round(rounds[-1]["pages_per_s"] / rounds[0]["pages_per_s"], 2)
            report["formats"][fmt] = entry
        report["load_after"] = os.getloadavg()
        report["cpus"] = os.cpu_count()
        return report
    finally:
        inst.close()
        if owned:
            import shutil

            shutil.rmtree(base, ignore_errors=True)


def _reset(inst) -> None:
    """Forget the sheets read (so the next round reads them as new, not as duplicates)."""
    from sqlalchemy import delete

    from ..entry.models import EntrySheet
    from ..extensions import db
    from .models import (
        ScanAnswer,
        ScanBatch,
        ScanFile,
        ScanPage,
        ScanSheet,
        TextRegion,
        VerificationItem,
    )

    with inst.ctx():
        for model in (VerificationItem, TextRegion, ScanAnswer, ScanPage, ScanSheet, ScanFile,
                      ScanBatch):
            db.session.execute(delete(model))
        db.session.execute(delete(EntrySheet))
        db.session.commit()


# -- a worker process ------------------------------------------------------------------------

def worker() -> None:
    """One bench worker (``python -c``): wait for the start, store and read its files."""
    import cv2

    from .. import create_app
    from ..auth.models import User
    from ..extensions import db
    from ..plans.models import Survey
    from . import jobs
    from . import operations as ops

    cv2.setNumThreads(1)  # one core per worker process
    spec = json.loads(Path(sys.argv[1]).read_text())
    app = create_app()
    with app.app_context():
        from sqlalchemy import func, select

        from .models import PageStatus, ScanPage

        survey = db.session.get(Survey, spec["survey_id"])
        user = db.session.scalar(select(User).where(User.email == spec["scanner"]))
        _warm_up()
        jobs.STAGES.clear()
        Path(spec["ready"]).touch()
        while not Path(spec["go"]).exists():
            time.sleep(0.01)
        start, cpu0 = time.time(), _cpu()
        batch = ops.create_batch({"survey": survey, "note": "bench"}, user, source="bench")
        for f in spec["files"]:
            ops.add_file(batch, Path(f).name, Path(f))
        db.session.commit()
        profile = os.environ.get("FIELDWORK_BENCH_PROFILE")  # a file for cProfile's stats
        if profile:
            import cProfile

            cProfile.runctx("jobs.process_batch(batch.id)", globals(), locals(),
                            f"{profile}.{os.getpid()}")
        else:
            jobs.process_batch(batch.id)
        end, cpu = time.time(), _cpu() - cpu0
        counts = dict(db.session.execute(select(ScanPage.status, func.count()).where(
            ScanPage.batch_id == batch.id).group_by(ScanPage.status)).all())
        why = [f"{p.reason}: {p.detail}"[:200] for p in db.session.scalars(select(ScanPage).where(
            ScanPage.batch_id == batch.id, ScanPage.status != PageStatus.READ))]
    pages = sum(counts.values())
    print(json.dumps({"pages": pages, "read": counts.get(PageStatus.READ, 0),
                      "rejected": pages - counts.get(PageStatus.READ, 0), "why": why[:5],
                      "start": start, "end": end, "cpu": cpu, "stages": dict(jobs.STAGES)}))


def _warm_up() -> None:
    """Import what reading uses, as a long-running worker has done long before (imports are
    a one-off cost, not a per-page one)."""
    import importlib

    for name in ("load", "pdfpages", "read", "blank", "judge", "marks", "align", "qr",
                 "sheets", "contact"):
        importlib.import_module(f"fieldwork.omr.{name}")
    from ..features import optional_module
    from ..forms import batches  # noqa: F401

    optional_module("fieldwork.entry.sources")


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
