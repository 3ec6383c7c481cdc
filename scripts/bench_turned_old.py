"""Re-read a saved bench set with every page turned to one rotation, for checkouts whose bench
has no ``--turn`` (today's: ``fieldwork bench omr --reread DIR --turn R``). Used to measure the
layouts and reader of d8f19f2 (before issue 20) at every rotation on the same pages.

usage: PYTHONPATH=<old checkout> python scripts/bench_turned_old.py DIR R [R ...]
Prints one JSON line per rotation and family, with the reader's own rotation verdicts (all
must equal R, which checks the turn's direction).
"""
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from fieldwork.omr import bench, load, read

folder = Path(sys.argv[1])
quarter = {}
for line in open(folder / "truth.jsonl", encoding="utf-8"):
    if line.strip():
        e = json.loads(line)
        scan = e.get("scan") or {}
        q = int(scan.get("rotation", scan.get("quarter", 0)))
        quarter[hashlib.sha256((folder / e["file"]).read_bytes()).hexdigest()] = q

orig_iter, orig_read = load.iter_pages, read.read_page
seen = Counter()
target = 0


def turned_pages(data, *a, **k):
    q = quarter[hashlib.sha256(data).hexdigest()]
    for p in orig_iter(data, *a, **k):
        k4 = ((target - q) // 90) % 4
        if k4:
            p.image = np.ascontiguousarray(np.rot90(p.image, -k4))
        yield p


def spying_read(*a, **k):
    r = orig_read(*a, **k)
    seen[getattr(r, "rotation", None)] += 1
    return r


load.iter_pages = turned_pages
read.read_page = spying_read
for arg in sys.argv[2:]:
    target = int(arg)
    seen.clear()
    out = bench.reread(folder)
    for fam, f in out.items():
        print(json.dumps({"dir": str(folder), "rotation": target, "family": fam,
                          "pages": f["pages"], "pages_read": f["pages_read"],
                          "answers": f["answers"], "flagged": f["flagged"],
                          "flag_rate": round(f["flagged"] / max(1, f["answers"]), 4),
                          "silent": f["silent_errors"],
                          "true_doubles": f.get("flagged_true_double_marks"),
                          "reader_rotations": {str(k): v for k, v in seen.items()}}),
              flush=True)
