"""The OMR benchmark: synthetic filled scans with ground truth, read and scored.

Scores, per answer (one question on one sheet):

* correct: read as the truth and not flagged;
* flagged: sent to a person (``multiple`` or ``doubtful``, or its page rejected);
* silent error: not flagged and different from the truth (the figure that matters).

Speed is the reading time of one page on one core (OpenCV limited to one
thread), with and without decoding the image file, measured as the CPU time of
the reading thread (so that other work on the machine does not distort it); the
wall-clock figure is reported beside it.
"""

from __future__ import annotations

import json
import resource
import time
import tracemalloc
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

FLAGS = ("multiple", "doubtful")


@dataclass
class Score:
    """Running totals of a benchmark."""

    pages: int = 0
    pages_read: int = 0
    turned: int = 0  # pages scanned at 90/180/270 degrees
    turned_read: int = 0
    answers: int = 0
    correct: int = 0
    flagged: int = 0
    flagged_true_double: int = 0  # flags that were double marks on paper (unavoidable)
    silent: int = 0
    read_seconds: dict = field(default_factory=dict)  # dpi -> CPU seconds per page (read only)
    wall_seconds: dict = field(default_factory=dict)  # dpi -> wall-clock seconds per page
    total_seconds: dict = field(default_factory=dict)  # (dpi, file type) -> decode + read
    rejects: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def add_page(self, sample, result, decode_s: float, read_s: float | None = None) -> None:
        """Score one read page against its truth (``read_s``: CPU seconds of the reading)."""
        self.pages += 1
        turned = sample.scan.rotation != 0
        self.turned += turned
        ok = result.status == "read"
        self.pages_read += ok
        self.turned_read += ok and turned
        read_s = result.seconds if read_s is None else read_s
        self.read_seconds.setdefault(sample.dpi, []).append(read_s)
        self.wall_seconds.setdefault(sample.dpi, []).append(result.seconds)
        self.total_seconds.setdefault((sample.dpi, sample.ext), []).append(read_s + decode_s)
        if not ok:
            self.rejects.append({"serial": sample.serial, "page": sample.page,
                                 "reason": result.reason, "detail": result.detail,
                                 "scan": sample.scan.to_dict()})
        for code, truth in sample.truth.items():
            self.answers += 1
            got = result.answers.get(code) if ok else None
            if got is None or got.status in FLAGS:
                self.flagged += 1
                self.flagged_true_double += truth["status"] == "multiple"
                continue
            if got.status == truth["status"] and got.values == truth["values"]:
                self.correct += 1
            else:
                self.silent += 1
                self.errors.append({"serial": sample.serial, "page": sample.page,
                                    "question": code, "truth": truth,
                                    "read": {"values": got.values, "status": got.status},
                                    "style": sample.style, "dpi": sample.dpi,
                                    "scan": sample.scan.to_dict()})

    def summary(self) -> dict:
        """The headline figures."""
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
        return {
            "pages": self.pages, "pages_read": self.pages_read,
            "turned_pages": self.turned, "turned_pages_read": self.turned_read,
            "answers": self.answers, "accuracy": round(self.correct / n, 5),
            "silent_errors": self.silent, "silent_error_rate": round(self.silent / n, 5),
            "flagged": self.flagged, "flag_rate": round(self.flagged / n, 4),
            "flagged_true_double_marks": self.flagged_true_double,
            "speed_per_core": speed,
        }


def peak_memory_mb(image: np.ndarray, read) -> float:
    """Peak Python-tracked memory (MiB) of reading one page, NumPy buffers included."""
    tracemalloc.start()
    try:
        read(image)
        return tracemalloc.get_traced_memory()[1] / 2 ** 20
    finally:
        tracemalloc.stop()


def run(templates=("danang-2025", "sipas"), sheets: int = 50, seed: int = 1,
        dpis=(150, 200, 300), save: str | Path | None = None, progress=None) -> dict:
    """Generate, read and score ``sheets`` sheets of each template; returns the report."""
    import cv2

    from fieldwork.forms.qrpayload import QRPayload  # noqa: F401  (fail early if missing)

    from .load import iter_pages
    from .read import read_page
    from .synth.sheets import generate, layout_for

    cv2.setNumThreads(1)  # per-core figures
    key = b"bench-key"
    score, big_page, big_layout = Score(), None, None
    for t, name in enumerate(templates):
        layout = layout_for(name)
        for sample in generate(name, sheets, seed=seed + 7919 * t, key=key, dpis=dpis):
            started = time.thread_time()
            image = next(iter_pages(sample.data)).image
            decode_s = time.thread_time() - started
            started = time.thread_time()
            result = read_page(image, key, lambda p, lay=layout: lay, keep_page=False)
            score.add_page(sample, result, decode_s, time.thread_time() - started)
            if sample.dpi == max(dpis) and big_page is None:
                big_page, big_layout = image, layout
            if save:
                _save(Path(save), name, sample)
            if progress:
                progress(1)
    report = score.summary()
    if big_page is not None:
        report["peak_traced_memory_mib_one_page"] = round(peak_memory_mb(
            big_page, lambda img: read_page(img, key, lambda p: big_layout)), 1)
    report["max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    report["rejects"] = score.rejects[:20]
    report["errors"] = score.errors[:50]
    report["settings"] = {"templates": list(templates), "sheets_per_template": sheets,
                          "seed": seed, "dpis": list(dpis)}
    return report


def _save(folder: Path, name: str, sample) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-{sample.serial}-p{sample.page}"
    (folder / f"{stem}.{sample.ext}").write_bytes(sample.data)
    with open(folder / "truth.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"file": f"{stem}.{sample.ext}", "template": name,
                             "serial": sample.serial, "page": sample.page, "dpi": sample.dpi,
                             "truth": sample.truth, "scan": asdict(sample.scan)}) + "\n")
