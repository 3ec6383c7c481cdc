"""``fieldwork bench stats``: full statistics and a synthesis report on a large synthetic year.

Rows are made the way the dataset holds them for the 2025 paper form (one per sheet: agency,
field, channel, satisfied flag, reasons, procedure, survey date, comments on one in ten), so
the timed part is exactly what a report of a real survey runs:
``summarise`` over the rows, then the report content, its charts, the PDF and the DOCX.
"""

from __future__ import annotations

import resource
import time

import numpy as np

REASONS = ("reason_a", "reason_b", "reason_c", "reason_d", "reason_dd", "reason_e",
           "reason_f", "reason_g", "other")
CHANNELS = ("paper_omr", "paper_keyed", "online", "call_centre")


def synthetic_rows(n: int, agencies: int, seed: int = 1) -> list[dict]:
    """``n`` sheets over ``agencies`` agencies, each agency with its own satisfaction level."""
    if n < 1 or agencies < 1:
        raise ValueError("n and agencies must be positive")
    rng = np.random.default_rng(seed)
    level = rng.uniform(0.65, 0.98, agencies)
    agency = rng.integers(0, agencies, n)
    satisfied = rng.random(n) < level[agency]
    blank = rng.random(n) < 0.02
    channel = rng.choice(len(CHANNELS), n, p=[0.5, 0.2, 0.2, 0.1])
    names = [f"Cơ quan {i + 1:03d}" for i in range(agencies)]
    fields = [f"LV{i % 12 + 1:02d}" for i in range(agencies)]
    picks = rng.random((n, len(REASONS))) < 0.18
    procedure = rng.integers(0, 60, n)
    day = rng.integers(0, 365, n)
    commented = rng.random(n) < 0.1
    procedures = [f"Thủ tục hành chính số {k + 1}" for k in range(60)]
    days = [(np.datetime64("2026-01-01") + d).astype(str) for d in range(365)]
    rows = []
    for i in range(n):
        a = int(agency[i])
        ok = None if blank[i] else bool(satisfied[i])
        reasons = [REASONS[k] for k in np.flatnonzero(picks[i])] if ok is False else []
        rows.append({"serial": i + 1, "version": 1, "agency": names[a], "field": fields[a],
                     "channel": CHANNELS[int(channel[i])], "satisfied": ok,
                     "reasons": reasons, "procedure": procedures[int(procedure[i])],
                     "date": days[int(day[i])], "items": {}, "profile": {},
                     "comments": [["q03", "Cán bộ hướng dẫn tận tình, mong rút ngắn thời "
                                   "gian chờ."]] if commented[i] else []})
    return rows


def run(n: int = 1_000_000, agencies: int = 200, seed: int = 1) -> dict:
    """Time statistics and the synthesis report (PDF and DOCX) over ``n`` synthetic sheets."""
    from ..reports.content import Header, build_content
    from ..reports.docx_report import build_report_docx
    from ..reports.pdf_report import build_report_pdf
    from .dataset import snapshot_id
    from .summary import summarise

    started = time.perf_counter()
    rows = synthetic_rows(n, agencies, seed)
    made = time.perf_counter()
    stats = summarise(rows, population=n * 20, reason_codes=list(REASONS))
    stats["snapshot"] = snapshot_id(rows)
    summed = time.perf_counter()
    content = build_content(stats, Header(survey_title="Khảo sát thử tải", year=2026,
                                          population=n * 20))
    pdf = build_report_pdf(content)
    docx = build_report_docx(content)
    done = time.perf_counter()
    return {"sheets": n, "agencies": agencies,
            "generate_s": round(made - started, 2),
            "statistics_s": round(summed - made, 2),
            "report_pdf_docx_s": round(done - summed, 2),
            "statistics_and_report_s": round(done - made, 2),
            "pdf_bytes": len(pdf), "docx_bytes": len(docx),
            "overall_rate": stats["overall"]["rate"],
            "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
