"""Test-side generator of filled, scanned forms (wraps ``fieldwork.omr.synth``).

The synthetic-scan code lives in the package so that ``fieldwork bench omr`` can
use it; tests use these small helpers to get scans of real printed batches with
chosen degradations and the ground truth.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from fieldwork.omr.synth.degrade import Scan
from fieldwork.omr.synth.respondent import Rates
from fieldwork.omr.synth.sheets import Sample, fill_and_scan, layout_for, print_sheets, template

CALM = Rates(stray_per_page=0.0, correction=0.0, double=0.0)
INK_ONLY = Rates(stray_per_page=0.0, correction=0.0, double=0.0,
                 styles={"solid": 0.6, "tick": 0.2, "cross": 0.2})  # no pencil (bilevel scans)


def scans(pdf: bytes, layout: dict, serials: list[str], seed: int = 0, dpi: int = 150,
          scan: Scan | None = None, rates: Rates | None = None,
          only: set | None = None) -> list[Sample]:
    """Every page of a printed batch PDF (``serials``: all its sheets), filled and scanned."""
    rng = np.random.default_rng(seed)
    return list(fill_and_scan(pdf, layout, serials, rng, dpis=(dpi,), rates=rates or CALM,
                              scan=scan or Scan(), only=only))


def printed(name: str = "sipas", serials=("00000001",), key: bytes = b"test-key",
            survey: str = "BENCH", pilot: bool = False) -> tuple[bytes, dict]:
    """A PDF of a built-in template printed by the production printer, and its layout."""
    from fieldwork.forms.imprint import sample_imprint

    layout = layout_for(name, survey)
    return print_sheets(template(name), layout, list(serials), key, pilot,
                        imprint=sample_imprint()), layout


def write(samples: list[Sample], folder: Path, stem: str = "scan") -> list[Path]:
    """Save samples as scanner files; returns their paths in order."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, s in enumerate(samples):
        path = folder / f"{stem}-{i:03d}-{s.serial}-p{s.page}.{s.ext}"
        path.write_bytes(s.data)
        out.append(path)
    return out


def agrees(answer, truth: dict) -> bool:
    """A reading is acceptable: equal to the truth, or sent to a person (never silently wrong)."""
    if answer is None or answer.status in ("multiple", "doubtful"):
        return True
    return answer.status == truth["status"] and answer.values == truth["values"]
