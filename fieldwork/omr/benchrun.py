"""Running ``fieldwork bench omr`` on several processes: the run cut into units that each
have their own random stream (a synth template, or a chunk of paper sheets), so a seed gives
the same pages with any ``--jobs``; each unit is generated, read and scored where it runs, and
the scores are added up in unit order (the report does not depend on the process count).
"""

from __future__ import annotations

import json
import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

from .bench import (
    FAMILIES,
    PAPER_CHUNK,
    Page,
    Score,
    paper_chunk,
    paper_family,
    peak_memory_mb,
    synth_pages,
)


def default_dpis(family: str):
    """The resolutions a family draws from unless told (paper: its own 150-600 mix)."""
    return (150, 200, 300) if family == "synth" else None


@dataclass(frozen=True)
class Unit:
    """A share of a run with its own random stream: a synth template (one stream for all its
    sheets) or a chunk of paper sheets.  Its pages are the same in any process."""

    index: int
    family: str
    template: str
    seed: int
    start: int
    stop: int
    dpis: tuple | None
    save: str | None

    @property
    def cost(self) -> float:
        """A rough size, to hand the biggest units out first."""
        return (self.stop - self.start) * (1.6 if self.family == "synth" else 1.0) * (
            2 if self.template == "sipas" else 1)


def units(families, templates, sheets: int, seed: int, dpis=None, save=None,
          chunk: int = PAPER_CHUNK) -> list[Unit]:
    """The run cut into independent units, in the order their results are reported."""
    out: list[Unit] = []
    for family in families:
        fam_dpis = tuple(dpis) if dpis else default_dpis(family)
        for t, name in enumerate(templates):
            s = seed + 7919 * t
            spans = [(0, sheets)] if family == "synth" else [
                (a, min(sheets, a + chunk)) for a in range(0, sheets, chunk)]
            out += [Unit(len(out) + i, family, name, s, a, b, fam_dpis,
                         str(save) if save else None) for i, (a, b) in enumerate(spans)]
    return out


_PROGRESS = None  # a worker process's queue for page counts


def _init_worker(queue) -> None:
    global _PROGRESS
    import cv2

    cv2.setNumThreads(1)
    _keep_freed_memory()
    _PROGRESS = queue


def _keep_freed_memory() -> None:
    """Let glibc keep and reuse freed memory instead of mapping every large array afresh:
    pages are tens of megabytes and each new mapping is zeroed by the kernel page by page,
    which cost as much system CPU time as the work itself (a bench worker only)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(-4, 0)  # M_MMAP_MAX: no mmap, the heap only
        libc.mallopt(-1, 2 ** 31 - 1)  # M_TRIM_THRESHOLD: do not give it back
    except (OSError, AttributeError):  # not glibc
        return


def run_unit(unit: Unit, progress=None) -> tuple[Score, list, bytes | None]:
    """Generate, read and score one unit: its score, its saved pages' truth entries and the
    file of its first 300 dpi page (for the memory figure)."""
    import cv2

    from .load import iter_pages
    from .read import read_page
    from .synth.sheets import layout_for

    cv2.setNumThreads(1)  # per-core figures
    progress = progress or (_PROGRESS.put if _PROGRESS is not None else None)
    key = b"bench-key"
    layout = layout_for(unit.template)
    if unit.family == "synth":
        pages = synth_pages(unit.template, layout, unit.stop, unit.seed, key, unit.dpis)
    else:
        pages = paper_chunk(unit.template, layout, unit.start, unit.stop, unit.seed, key,
                            unit.dpis)
    score, saved, big = Score(), [], None
    for sample in pages:
        started = time.thread_time()
        image = next(iter_pages(sample.data)).image
        decode_s = time.thread_time() - started
        started = time.thread_time()
        result = read_page(image, key, lambda p, lay=layout: lay, keep_page=False)
        score.add_page(sample, result, decode_s, time.thread_time() - started)
        if sample.dpi == 300 and big is None:
            big = sample.data
        if unit.save:
            saved.append(_write_scan(Path(unit.save), unit.family, unit.template, sample))
        if progress:
            progress(1)
    return score, saved, big


def _run_indexed(unit: Unit):
    return unit.index, run_unit(unit)


def run_many(families=("synth", "paper"), templates=("danang-2025", "sipas"),
             sheets: int = 50, seed: int = 1, dpis=None, save: str | Path | None = None,
             progress=None, jobs: int = 1, chunk: int = PAPER_CHUNK) -> dict:
    """Generate, read and score ``sheets`` sheets of each template for each family, on
    ``jobs`` processes (the pages do not depend on it); returns a report per family."""

    from .synth.sheets import layout_for

    for family in families:
        if family not in FAMILIES:
            raise ValueError(f"family must be one of {', '.join(FAMILIES)}, got {family!r}")
    if "paper" in families:
        paper_family()  # fail early outside a source checkout
    if save:
        for name in templates:  # re-read against what was printed, not today's
            kept = Path(save) / f"layout-{name}.json"
            if not kept.is_file():
                kept.parent.mkdir(parents=True, exist_ok=True)
                kept.write_text(json.dumps(layout_for(name), default=str), encoding="utf-8")
    todo = units(families, templates, sheets, seed, dpis, save, chunk)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    started, cpu0 = time.monotonic(), _cpu_seconds()
    if jobs == 1:
        results = [run_unit(u, progress) for u in todo]
    else:
        results = _in_pool(todo, jobs, progress)
    wall, cpu = time.monotonic() - started, _cpu_seconds() - cpu0
    reports = {}
    for family in families:
        score, big = Score(), None
        for unit, (part, saved, first_big) in zip(todo, results, strict=True):
            if unit.family != family:
                continue
            score.merge(part)
            big = big or (first_big and (first_big, unit.template))
            if save:
                with open(Path(save) / "truth.jsonl", "a", encoding="utf-8") as fh:
                    fh.writelines(json.dumps(e, default=str) + "\n" for e in saved)
        reports[family] = _report(score, big, templates, family, sheets, seed,
                                  dpis or default_dpis(family))
    for report in reports.values():
        report["run"] = {"jobs": jobs, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
                         "families": list(families), "cpus": os.cpu_count()}
    return reports


def _in_pool(todo: list[Unit], jobs: int, progress) -> list:
    """Run the units on ``jobs`` fresh processes, biggest first; results in unit order."""
    import multiprocessing as mp
    from queue import Empty

    ctx = mp.get_context("spawn")  # no forked OpenCV or database state
    queue = ctx.Queue()
    order = sorted(todo, key=lambda u: -u.cost)
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(queue,)) as pool:
        pending = pool.map_async(_run_indexed, order, chunksize=1)
        while not pending.ready():
            try:
                n = queue.get(timeout=0.3)
            except Empty:
                continue
            if progress:
                progress(n)
        done = dict(pending.get())
    while progress:
        try:
            progress(queue.get(timeout=0.05))
        except Empty:
            break
    return [done[u.index] for u in todo]


def _cpu_seconds() -> float:
    """User + system CPU of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _report(score: Score, big: tuple | None, templates, family: str, sheets: int, seed: int,
            dpis) -> dict:
    from .load import iter_pages
    from .read import read_page
    from .synth.sheets import layout_for

    report = score.summary()
    if big is not None:
        image = next(iter_pages(big[0])).image
        layout = layout_for(big[1])
        key = b"bench-key"
        report["peak_traced_memory_mib_one_page"] = round(peak_memory_mb(
            image, lambda img: read_page(img, key, lambda p: layout)), 1)
    rss = max(resource.getrusage(who).ru_maxrss
              for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    report["max_rss_mib"] = round(rss / 1024, 1)
    report["rejects"] = score.rejects[:40]
    report["errors"] = score.errors[:80]
    report["settings"] = {"family": family, "templates": list(templates),
                          "sheets_per_template": sheets, "seed": seed,
                          "dpis": list(dpis) if dpis else "family default"}
    return report


def _write_scan(folder: Path, family: str, name: str, sample: Page) -> dict:
    """Write one scan's file; its truth entry (for truth.jsonl, written in unit order)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{family}-{name}-{sample.serial}-p{sample.page}"
    (folder / f"{stem}.{sample.ext}").write_bytes(sample.data)
    return {"file": f"{stem}.{sample.ext}", "family": family, "template": name,
            "serial": sample.serial, "page": sample.page, "dpi": sample.dpi,
            "truth": sample.truth, "classes": sample.classes,
            "answer_classes": sample.answer_classes, "scan": sample.detail}
