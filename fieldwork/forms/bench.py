"""Printing benchmark: many forms of the 2025 template for a ward, timed on one core."""

from __future__ import annotations

import resource
import tempfile
import time


def bench_print(count: int = 2000, pilot: bool = False) -> dict:
    """Print ``count`` danang_2025 forms to a temporary file; report speed and memory.

    ``peak_mb`` is the process's peak resident size (getrusage), which includes the
    interpreter and libraries; tracemalloc is not used because it halves the speed.
    """
    from fieldwork.forms.builtin import danang_2025
    from fieldwork.forms.imprint import sample_imprint
    from fieldwork.forms.layout import layout_questionnaire
    from fieldwork.forms.printing import render_batch

    if count < 1:
        raise ValueError("count must be at least 1")
    q = danang_2025()
    imprint = sample_imprint()
    layout = layout_questionnaire(q, "BENCH-2026", 1, imprint=imprint)
    serials = [f"{n:08d}" for n in range(1, count + 1)]
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        render_batch(q, layout, "Khảo sát mức độ hài lòng (benchmark)", serials,
                     b"bench-key-not-secret", pilot=pilot, out=out, imprint=imprint)
        seconds = time.perf_counter() - t0
        size = out.tell()
    pages = count * len(layout["pages"])
    return {
        "forms": count, "pages": pages, "seconds": round(seconds, 3),
        "pages_per_second": round(pages / seconds, 1),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "pdf_mb": round(size / 2**20, 2),
    }


if __name__ == "__main__":  # pragma: no cover - manual run: python -m fieldwork.forms.bench
    print(bench_print())
