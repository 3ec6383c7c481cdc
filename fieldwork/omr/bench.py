"""The OMR benchmark: filled scans with ground truth from two generator families, scored.

* ``synth`` (``fieldwork.omr.synth``): prints with the production printer, fills
  and degrades from the layout's own coordinates;
* ``paper`` (``tests/omr/paperscan``, beside the tests, so only in a source
  checkout): works from the printed PDF alone (boxes found in its drawing
  objects, pages rasterised by pdftoppm), with independent feeder draws, rings,
  marks beside boxes, torn corners, streaks, show-through and dithered scans.

Scores, per answer (one question on one sheet): *correct* (read as the truth,
not flagged), *flagged* (``multiple``/``doubtful``, or its page rejected),
*silent error* (not flagged and not the truth: the figure that matters).  Every
figure is also given per class (of the page: resolution, rotation, damage...;
of the marks: fill, tick, ring...).  Speed is the CPU time of the reading
thread per page (OpenCV on one thread), so other work on the machine does not
distort it; the wall clock is reported beside it.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from collections import defaultdict
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

FLAGS = ("multiple", "doubtful")
FAMILIES = ("synth", "paper")
BAD_INPUT = ("two_torn", "overlap", "finger")  # read if certain, else rejected: not in "read"
PAPER_CHUNK = 25  # paper sheets per printed PDF (and per random stream)


@dataclass
class Page:
    """One scanned page of either family, as the benchmark sees it."""

    serial: str
    page: int
    data: bytes
    dpi: int
    ext: str
    rotation: int
    truth: dict  # code -> {"values", "status", "classes"?}
    classes: list[str]
    answer_classes: dict = field(default_factory=dict)  # code -> [classes]
    image: np.ndarray | None = None
    detail: dict = field(default_factory=dict)


def _merged(a, b):
    """``b`` added into ``a``: numbers summed, lists joined, dicts merged key by key."""
    if isinstance(a, dict):
        for k, v in b.items():
            a[k] = _merged(a[k], v) if k in a else v
        return a
    return a + b


def _share(answers: int, flagged: int, silent: int) -> dict:
    """Answers, flags and silent errors of a part of the pages, with their rates."""
    n = max(answers, 1)
    return {"answers": answers, "flagged": flagged, "flag_rate": round(flagged / n, 4),
            "silent_errors": silent, "silent_error_rate": round(silent / n, 5)}


def _tally() -> dict:
    return {"pages": 0, "pages_read": 0, "answers": 0, "correct": 0, "flagged": 0, "silent": 0}


@dataclass
class Score:
    """Running totals of a benchmark, overall and per class."""

    pages: int = 0
    pages_read: int = 0
    bad_pages: int = 0  # damaged input (torn, overlapping, covered): read or rejected
    bad_read: int = 0
    turned: int = 0  # pages scanned at 90/180/270 degrees
    turned_read: int = 0
    answers: int = 0
    correct: int = 0
    flagged: int = 0
    flagged_true_double: int = 0  # flags that were double marks on paper (unavoidable)
    rejected_answers: int = 0  # answers of rejected pages (all flagged: the page goes back)
    needless: int = 0  # flags on read pages of answers whose truth is one clear answer or none
    misfiled: int = 0  # answers read, not flagged, on a page read under another page's code
    silent: int = 0
    read_seconds: dict = field(default_factory=dict)  # dpi -> CPU seconds per page (read only)
    wall_seconds: dict = field(default_factory=dict)  # dpi -> wall-clock seconds per page
    total_seconds: dict = field(default_factory=dict)  # (dpi, file type) -> decode + read
    by_class: dict = field(default_factory=lambda: defaultdict(_tally))
    bad_answers: int = 0  # answers on damaged input, and how they came out: the headline
    bad_flagged: int = 0  # rates include them; the undamaged pages' rates are given apart
    bad_silent: int = 0
    why: dict = field(default_factory=dict)  # flags by reason: overall, per kind, per class
    rejects: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def add_page(self, sample: Page, result, decode_s: float, read_s: float | None = None) -> None:
        """Score one read page against its truth (``read_s``: CPU seconds of the reading)."""
        ok = result.status == "read"
        bad = any(c in BAD_INPUT for c in sample.classes)
        self.pages += 1
        self.bad_pages += bad
        self.bad_read += bad and ok
        self.pages_read += ok
        turned = sample.rotation != 0
        self.turned += turned
        self.turned_read += ok and turned
        for c in sample.classes:
            self.by_class[c]["pages"] += 1
            self.by_class[c]["pages_read"] += ok
        read_s = result.seconds if read_s is None else read_s
        self.read_seconds.setdefault(sample.dpi, []).append(read_s)
        self.wall_seconds.setdefault(sample.dpi, []).append(result.seconds)
        self.total_seconds.setdefault((sample.dpi, sample.ext), []).append(read_s + decode_s)
        payload = getattr(result, "payload", None)
        if ok and payload is not None and \
                (str(payload.serial), int(payload.page)) != (str(sample.serial), int(sample.page)):
            # Read under another page's code (a sheet lying over it): its own questions are
            # not in the result (flagged below), and what was read unflagged would be filed
            # under that other page, unseen: counted as silent errors too.
            misfiled = sum(a.status not in FLAGS for a in result.answers.values())
            self.misfiled += misfiled
            self.silent += misfiled
            self.bad_silent += misfiled if bad else 0
        if not ok:
            self.rejects.append({"serial": sample.serial, "page": sample.page,
                                 "reason": result.reason, "detail": result.detail,
                                 "classes": sample.classes, "scan": sample.detail})
        for code, truth in sample.truth.items():
            got = result.answers.get(code) if ok else None
            classes = set(sample.classes) | set(sample.answer_classes.get(code, ()))
            outcome = self._outcome(got, truth)
            self.rejected_answers += not ok
            self.needless += ok and outcome == "flagged" and truth["status"] != "multiple"
            if bad:
                self.bad_answers += 1
                self.bad_flagged += outcome == "flagged"
                self.bad_silent += outcome == "silent"
            for c in classes:
                self.by_class[c]["answers"] += 1
                self.by_class[c][outcome] += 1
            if outcome == "flagged":
                self._count_why(got, result.reason, classes)
            if outcome == "silent":
                self.errors.append({"serial": sample.serial, "page": sample.page,
                                    "question": code, "truth": truth,
                                    "read": {"values": got.values, "status": got.status,
                                             "note": got.note},
                                    "classes": sorted(classes), "dpi": sample.dpi,
                                    "scan": sample.detail})

    def _count_why(self, got, rejected: str | None, classes: set) -> None:
        """Count one flag under the judge's reason (its note), per question kind and class."""
        why = f"page {rejected}" if got is None else (got.note or got.status)
        kind = "rejected page" if got is None else got.kind
        for group, key in [("all", "all"), ("kind", kind)] + [("class", c) for c in classes]:
            counts = self.why.setdefault(group, {}).setdefault(key, {})
            counts[why] = counts.get(why, 0) + 1

    def _outcome(self, got, truth: dict) -> str:
        self.answers += 1
        if got is None or got.status in FLAGS:
            self.flagged += 1
            self.flagged_true_double += truth["status"] == "multiple"
            return "flagged"
        if got.status == truth["status"] and got.values == truth["values"]:
            self.correct += 1
            return "correct"
        self.silent += 1
        return "silent"

    def _causes(self) -> dict:
        """The flags split by why a person sees them: the page was rejected, the paper holds
        two marks (a person must choose), or the reader doubted an answer that had one clear
        truth (``needless``: the share the reader can still lower), on the read pages."""
        on_read = self.answers - self.rejected_answers
        return {"rejected_page_answers": self.rejected_answers,
                "true_double_marks_on_read_pages": self.flagged - self.rejected_answers
                - self.needless,
                "needless": self.needless, "answers_on_read_pages": on_read,
                "needless_rate": round(self.needless / max(on_read, 1), 4)}

    def merge(self, other: Score) -> None:
        """Add another score's totals, lists and tables to this one (units of a run)."""
        for f in fields(self):
            setattr(self, f.name, _merged(getattr(self, f.name), getattr(other, f.name)))

    def summary(self) -> dict:
        """The headline figures, speed per resolution and the per-class table."""
        n = max(self.answers, 1)
        speed = {}
        for dpi in sorted(self.read_seconds):
            read = np.array(self.read_seconds[dpi])
            speed[str(dpi)] = {"pages": int(len(read)),
                               "read_pages_per_s": round(1 / float(read.mean()), 1),
                               "read_ms_p95": round(float(np.quantile(read, 0.95)) * 1000, 1),
                               "wall_pages_per_s": round(
                                   1 / float(np.mean(self.wall_seconds[dpi])), 1)}
            for (d, ext), total in sorted(self.total_seconds.items()):
                if d == dpi:
                    speed[str(dpi)][f"{ext}_decode_and_read_pages_per_s"] = round(
                        1 / float(np.mean(total)), 1)
        good = self.pages - self.bad_pages
        return {
            "pages": self.pages, "pages_read": self.pages_read,
            "pages_read_share": round((self.pages_read - self.bad_read) / max(good, 1), 4),
            "bad_input_pages": self.bad_pages, "bad_input_pages_read": self.bad_read,
            "turned_pages": self.turned, "turned_pages_read": self.turned_read,
            "answers": self.answers, "accuracy": round(self.correct / n, 5),
            "silent_errors": self.silent, "silent_error_rate": round(self.silent / n, 5),
            "misfiled_answers": self.misfiled,  # of the silent errors: filed under another page
            "flagged": self.flagged, "flag_rate": round(self.flagged / n, 4),
            # The measure of flags: answers a person must look at on the pages that
            # were read. A rejected page is counted once, in ``pages_read`` (the issue's own
            # table reports 14 % flagged beside 35 % of pages refused), and its answers are
            # kept in ``flag_rate`` above and in ``flag_causes``.
            "flagged_on_read_pages": self.flagged - self.rejected_answers,
            "flag_rate_on_read_pages": round((self.flagged - self.rejected_answers)
                                             / max(self.answers - self.rejected_answers, 1), 4),
            "flagged_true_double_marks": self.flagged_true_double,
            "flag_causes": self._causes(),
            "undamaged": _share(self.answers - self.bad_answers, self.flagged - self.bad_flagged,
                                self.silent - self.bad_silent),
            "bad_input": _share(self.bad_answers, self.bad_flagged, self.bad_silent),
            "speed_per_core": speed,
            "classes": {c: dict(t) for c, t in sorted(self.by_class.items())},
            "flag_reasons": {g: {k: dict(sorted(v.items(), key=lambda kv: -kv[1]))
                                 for k, v in sorted(keys.items())}
                             for g, keys in self.why.items()},
        }


def peak_memory_mb(image: np.ndarray, read) -> float:
    """Peak Python-tracked memory (MiB) of reading one page, NumPy buffers included."""
    tracemalloc.start()
    try:
        read(image)
        return tracemalloc.get_traced_memory()[1] / 2 ** 20
    finally:
        tracemalloc.stop()


def synth_pages(name: str, layout: dict, sheets: int, seed: int, key: bytes, dpis):
    """Pages of the first family (``fieldwork.omr.synth``) as benchmark pages."""
    from .synth.sheets import generate

    for s in generate(name, sheets, seed=seed, key=key, dpis=dpis):
        marks = {}
        for (q, _, _), styles in s.marks.items():
            marks.setdefault(q, set()).update(styles)
        sc = s.scan
        classes = [f"dpi_{s.dpi}", f"rotation_{sc.rotation}", s.ext,
                   "bilevel" if sc.bilevel else "grey",
                   "skew_over_2" if abs(sc.skew) > 2 else "skew_upto_2"]
        yield Page(s.serial, s.page, s.data, s.dpi, s.ext, sc.rotation, s.truth, classes,
                   {q: sorted(v) for q, v in marks.items()}, s.image, sc.to_dict())


def paper_family():
    """The ``paper`` generator, which lives beside the tests (a source checkout only)."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "tests" / "omr" / "paperscan" / "__init__.py").is_file():
        raise RuntimeError("the 'paper' family's generator lives in tests/omr/paperscan of a "
                           "source checkout; it is not installed with the package")
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from tests.omr.paperscan import generate

    return generate


def paper_pages(name: str, layout: dict, sheets: int, seed: int, key: bytes, dpis,
                chunk: int = PAPER_CHUNK):
    """Pages of the second family: printed to PDF, found, filled and scanned from the PDF."""
    for start in range(0, sheets, chunk):
        yield from paper_chunk(name, layout, start, min(sheets, start + chunk), seed, key, dpis)


def paper_chunk(name: str, layout: dict, start: int, stop: int, seed: int, key: bytes, dpis):
    """Sheets ``start+1..stop`` of the paper family: one printed PDF, its own random stream
    (``seed * 1000 + start``), so chunks can be made in any order or process."""
    import tempfile

    from .synth.sheets import print_sheets, template

    generate = paper_family()
    serials = [f"{n:08d}" for n in range(start + 1, stop + 1)]
    with tempfile.TemporaryDirectory(prefix="omr-bench-") as tmp:
        pdf = Path(tmp) / f"{name}-{start}.pdf"
        pdf.write_bytes(print_sheets(template(name), layout, serials, key))
        for s in generate(pdf, layout, serials, seed * 1000 + start, dpis):
            truth = {c: {"values": t["values"], "status": t["status"]}
                     for c, t in s.truth.items()}
            yield Page(s.serial, s.page, s.data, s.dpi, s.ext, s.feed.quarter, truth,
                       s.classes + [f"habit_{s.habit}"],
                       {c: t["classes"] for c, t in s.truth.items()},
                       detail=s.feed.to_dict())


def run(templates=("danang-2025", "sipas"), sheets: int = 50, seed: int = 1,
        dpis=(150, 200, 300), save: str | Path | None = None, progress=None,
        family: str = "synth", jobs: int = 1) -> dict:
    """Generate, read and score ``sheets`` sheets of each template; returns the report."""
    from .benchrun import run_many

    return run_many((family,), templates, sheets, seed, dpis, save, progress, jobs)[family]


def reread(folder: str | Path, progress=None, turn: int | None = None) -> dict:
    """Read and score scans saved by ``run(save=...)`` again (held-out sets: same pages,
    today's reader); returns a report per family. With ``turn`` (0, 90, 180 or 270) every
    decoded page is first given lossless quarter turns so that it lies at that rotation:
    each rotation measured on the same pages and marks."""
    import json
    from collections import Counter

    import cv2
    import numpy as np

    from .load import iter_pages
    from .read import read_page
    from .synth.sheets import layout_for

    cv2.setNumThreads(1)
    folder, key = Path(folder), b"bench-key"
    scores: dict[str, Score] = {}
    verdicts: dict[str, Counter] = {}
    layouts: dict[str, dict] = {}
    with open(folder / "truth.jsonl", encoding="utf-8") as fh:
        entries = [json.loads(line) for line in fh if line.strip()]
    for e in entries:
        if e["template"] not in layouts:
            saved = folder / f"layout-{e['template']}.json"  # the layout it was printed with
            layouts[e["template"]] = (json.loads(saved.read_text(encoding="utf-8"))
                                      if saved.is_file() else layout_for(e["template"]))
        layout = layouts[e["template"]]
        data = (folder / e["file"]).read_bytes()
        scan = e.get("scan") or {}
        quarter = int(scan.get("rotation", scan.get("quarter", 0)))
        classes = e.get("classes", [])
        if turn is not None:
            classes = [c for c in classes if not c.startswith("rotation_")] + \
                [f"rotation_{turn}"]
        page = Page(e["serial"], e["page"], data, e["dpi"], Path(e["file"]).suffix[1:],
                    quarter if turn is None else turn, e["truth"], classes,
                    e.get("answer_classes", {}), detail=scan)
        started = time.thread_time()
        image = next(iter_pages(data)).image
        decode_s = time.thread_time() - started
        if turn is not None and (turn - quarter) % 360:
            image = np.ascontiguousarray(np.rot90(image, -((turn - quarter) // 90 % 4)))
        started = time.thread_time()
        result = read_page(image, key, lambda p, lay=layout: lay, keep_page=False)
        family = e.get("family", "synth")
        scores.setdefault(family, Score()).add_page(
            page, result, decode_s, time.thread_time() - started)
        verdicts.setdefault(family, Counter())[str(result.rotation)] += 1
        if progress:
            progress(1)
    out = {}
    for family, score in scores.items():
        report = score.summary()
        report["rejects"], report["errors"] = score.rejects[:40], score.errors[:80]
        report["max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                                      1)
        report["settings"] = {"family": family, "reread": str(folder), "turn": turn}
        # The rotation the reader found for each page (None: not read); with ``turn`` every
        # page read must show that rotation, which checks the turn's direction.
        report["read_rotations"] = dict(verdicts.get(family, {}))
        out[family] = report
    return out
